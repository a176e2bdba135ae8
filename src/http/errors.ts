/**
 * HTTP answers for errors of tiles, exports and the OGC API, with the same codes, masking and
 * languages as GraphQL: a message is made in English (from a catalogue sentence, `httpError`, or
 * by GraphQL) and said in the caller's language when it is sent, by the function that localises
 * GraphQL's errors (src/i18n/errors.ts).
 */
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Language } from '../i18n';
import { keepMessageText, localisedError, messageTextOf } from '../i18n/errors';
import { english, isText, Text } from '../i18n/texts';

const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  QUERY_TOO_COMPLEX: 400,
  QUERY_TOO_COSTLY: 400,
  // the worker pool's queue is full: a client may retry, nothing is masked
  SERVER_BUSY: 503,
};

export interface HttpErrorBody {
  errors: { message: string; extensions: Record<string, unknown> }[];
}

/** The status for a GraphQL error code; unknown codes are internal errors. */
export function statusOf(code: unknown): number {
  return typeof code === 'string' ? (STATUS_BY_CODE[code] ?? 500) : 500;
}

export { languageOfRequest } from '../i18n';

/**
 * An error of an HTTP route. Its message is a catalogue sentence (`text('http.noCollection', {...})`),
 * said in English here and in the caller's language by `sendError`; a plain string is a message
 * GraphQL made, localised by its code.
 */
export function httpError(code: string, message: Text | string, extra: Record<string, unknown> = {}): GraphQLError {
  const error = new GraphQLError(isText(message) ? english(message) : message, { extensions: { code, ...extra } });
  return isText(message) ? keepMessageText(error, message) : error;
}

type ErrorEntry = HttpErrorBody['errors'][number];

/** The error as answered, in the language; so are the GraphQL errors an export or OGC request carries. */
function answered(error: GraphQLError, lang: Language): ErrorEntry {
  const own: ErrorEntry = { message: error.message, extensions: error.extensions };
  const text = messageTextOf(error);
  const { message, extensions } = localisedError(text ? keepMessageText(own, text) : own, lang);
  const nested = error.extensions.errors;
  if (!Array.isArray(nested)) return { message, extensions };
  return { message, extensions: { ...extensions, errors: (nested as ErrorEntry[]).map((e) => localisedError(e, lang)) } };
}

/** Sends a client error as GraphQL-shaped JSON in the caller's language; anything else is logged and masked. */
export function sendError(res: Response, error: unknown, lang: Language): void {
  if (error instanceof GraphQLError && (statusOf(error.extensions.code) < 500 || error.extensions.code === 'SERVER_BUSY')) {
    if (error.extensions.code === 'SERVER_BUSY') res.set('Retry-After', '5');
    res.status(statusOf(error.extensions.code)).json({ errors: [answered(error, lang)] } satisfies HttpErrorBody);
    return;
  }
  console.error('internal error:', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const masked = localisedError<ErrorEntry>({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, lang);
  res.status(500).json({ errors: [masked] } satisfies HttpErrorBody);
}

/** What the server's executor answers for an export or OGC request (GraphQL's result, English errors). */
export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * The URL parameter a GraphQL message or argument path is about: the query string flattens
 * inputs, so it is the last name of the path (`area.bbox` -> `bbox`, `$resolution` -> `resolution`).
 */
function urlParameter(path: string): string {
  const names = path.split(/[.[\]]/).filter((n) => n !== '' && !/^\d+$/.test(n));
  return names[names.length - 1] ?? path;
}

/** GraphQL's refusal of a variable's value: `Variable "$area" got invalid value ... at "area.bbox[0]"; ...`. */
const VARIABLE_MESSAGE = /Variable "\$(\w+)"(.*?)(?: at "([^"]+)")?(;|$)/;

/** A GraphQL message in the words of the URL: `Variable "$area" ... at "area.bbox"` becomes `Parameter "bbox" ...`. */
export function urlMessage(message: string): string {
  return message.replace(VARIABLE_MESSAGE, (_all, variable: string, middle: string, at: string | undefined, end: string) => `Parameter "${urlParameter(at ?? variable)}"${middle}${end}`);
}

/** A GraphQL error in the words of the URL, with the parameter it is about (its argument path's, or its variable's). */
function inUrlWords(error: { message: string; extensions?: Record<string, unknown> }): { message: string; extensions: Record<string, unknown> } {
  const extensions = { ...error.extensions };
  const variable = VARIABLE_MESSAGE.exec(error.message);
  if (typeof extensions.argumentPath === 'string') extensions.parameter = urlParameter(extensions.argumentPath);
  // a refused variable has no argument path: the parameter lets its message be localised naming it (src/i18n/errors.ts)
  else if (variable) extensions.parameter = urlParameter(variable[3] ?? variable[1]);
  return { ...error, message: urlMessage(error.message), extensions };
}

export function failure(result: GraphQLResult): Error | null {
  if (!result.errors || result.errors.length === 0) return null;
  const errors = result.errors.map(inUrlWords);
  const [first] = errors;
  // the first error's extensions (argumentPath, parameter, reason, limit, ...) at the top, as tiles give them
  return httpError(String(first.extensions.code ?? 'INTERNAL_SERVER_ERROR'), first.message, { ...first.extensions, errors });
}
