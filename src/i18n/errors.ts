/**
 * Error messages in the caller's language, one mechanism for every answer: GraphQL's formatted
 * errors (src/graphql/localise.ts) and the error bodies of the HTTP routes (exports, tiles, OGC
 * API; src/http/errors.ts), which have the same shape. Errors are made in English; a message
 * made from a catalogue sentence keeps that sentence (a Text) beside it, so it can be said again
 * in another language. `extensions.code`, `argumentPath` and the other extensions never change,
 * except `extensions.reason`, which follows the message's language.
 */
import { DEFAULT_LANGUAGE, hasKey, Language, translate } from './index';
import { localisedReason } from './reasons';
import { isText, render, Text } from './texts';

/** An error as it is answered: a GraphQL formatted error, or an HTTP route's error of the same shape. */
export interface AnsweredError {
  readonly message: string;
  readonly extensions?: { readonly [key: string]: unknown };
}

/** Where an error keeps the catalogue sentence of its message: a symbol, so JSON leaves it out of the answer. */
const MESSAGE_TEXT = Symbol.for('hotspots.messageText');

/** The Text an error's message was made from, if any. */
export function messageTextOf(error: object): Text | undefined {
  const kept = (error as { [MESSAGE_TEXT]?: unknown })[MESSAGE_TEXT];
  return isText(kept) ? kept : undefined;
}

/** Keeps on the error the Text its English message was made from (enumerable, so a spread copy keeps it). Returns the error. */
export function keepMessageText<E extends object>(error: E, message: Text): E {
  Object.defineProperty(error, MESSAGE_TEXT, { value: message, enumerable: true });
  return error;
}

/**
 * An error's message in a language. A message made from a catalogue sentence is that sentence
 * in the language. Otherwise the catalogue's sentence for its code: the reason of a
 * BAD_USER_INPUT is said in the language when a template of the catalogue matches it (and
 * `extensions.reason` then holds it in the language too), else quoted in English; other codes
 * quote their English detail. The name quoted is `extensions.parameter` when the error has one
 * (an HTTP route's URL parameter, as the client wrote it: `bbox` rather than `area.bbox`), else
 * `argumentPath`. English keeps the message as it was; so does a code the catalogue does not know.
 */
export function localisedError<E extends AnsweredError>(error: E, lang: Language): E {
  if (lang === DEFAULT_LANGUAGE) return error;
  const kept = messageTextOf(error);
  if (kept) return { ...error, message: render(lang, kept) };
  const code = error.extensions?.code;
  if (typeof code !== 'string' || !hasKey(`error.${code}`)) return error;
  const { argumentPath, reason, parameter } = error.extensions ?? {};
  const name = typeof parameter === 'string' ? parameter : argumentPath;
  if (code === 'BAD_USER_INPUT') {
    // GraphQL's own refusal of a variable (`Variable "$k" got invalid value ...`) has no reason; an
    // HTTP route names its parameter, so the English detail is quoted after the parameter's name
    if (typeof parameter === 'string' && typeof reason !== 'string') return { ...error, message: translate(lang, 'error.BAD_USER_INPUT_ENGLISH', { argumentPath: parameter, reason: error.message }) };
    if (typeof name !== 'string' || typeof reason !== 'string') return { ...error, message: translate(lang, 'error.BAD_USER_INPUT_GENERIC') };
    const localised = localisedReason(lang, reason);
    if (localised === null) return { ...error, message: translate(lang, 'error.BAD_USER_INPUT_ENGLISH', { argumentPath: name, reason }) };
    return { ...error, message: translate(lang, 'error.BAD_USER_INPUT', { argumentPath: name, reason: localised }), extensions: { ...error.extensions, reason: localised } };
  }
  return { ...error, message: translate(lang, `error.${code}`, { argumentPath: name, reason, detail: error.message }) };
}
