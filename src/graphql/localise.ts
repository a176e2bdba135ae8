/**
 * The API in the caller's language. The schema gets, beside every field of an enum type, a
 * `<field>Label` in words (`category` -> `categoryLabel`), beside every Gi* bin a `<bin>Label`,
 * a localised `Area.name` and `AnalysisWarning.message`, each with an optional `lang` argument
 * that overrides the request's language. The explanatory texts of the analyses (`method`,
 * `notes`, `caveat`, `rules`, `description`, ...) are rendered in the request's language from the
 * Texts their answers keep (src/i18n/texts.ts). Error messages are localised after formatting, by
 * their code, and a BAD_USER_INPUT reason by the catalogue's templates (src/i18n/errors.ts, shared
 * with the HTTP routes); `extensions.code` and `argumentPath` never change. Words come from the
 * catalogues (src/i18n).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  getNamedType,
  GraphQLEnumType,
  GraphQLFieldConfig,
  GraphQLFieldResolver,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLObjectTypeConfig,
  GraphQLOutputType,
  GraphQLSchema,
  GraphQLString,
  isEnumType,
  isListType,
  isNonNullType,
  type GraphQLFieldConfigArgumentMap,
} from 'graphql';
import type { RequestContext } from '../context';
import { binLabel, DEFAULT_LANGUAGE, enumLabel, hasKey, isLanguage, LABEL_EXTENSION, Language, translate } from '../i18n';
import { localisedError } from '../i18n/errors';
import { localisedValue } from '../i18n/texts';

const BIN_FIELD = /^bin(Fdr)?$/;

function languageOf(args: Record<string, unknown>, ctx: RequestContext | undefined): Language {
  return isLanguage(args.lang) ? args.lang : (ctx?.lang ?? DEFAULT_LANGUAGE);
}

/** The same list and non-null wrappers around String. */
function stringLike(type: GraphQLOutputType): GraphQLOutputType {
  if (isNonNullType(type)) return new GraphQLNonNull(stringLike(type.ofType) as GraphQLList<GraphQLOutputType>);
  if (isListType(type)) return new GraphQLList(stringLike(type.ofType));
  return GraphQLString;
}

function mapValue(value: unknown, label: (v: unknown) => string | null): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => mapValue(v, label));
  return label(value);
}

type Resolver = GraphQLFieldResolver<unknown, RequestContext, Record<string, unknown>>;

/** A label field reading the original field's value through its own resolver. */
function labelField(
  name: string,
  field: GraphQLFieldConfig<unknown, RequestContext>,
  args: GraphQLFieldConfigArgumentMap,
  label: (value: unknown, lang: Language) => string | null,
): GraphQLFieldConfig<unknown, RequestContext> {
  const original = (field.resolve ?? defaultFieldResolver) as Resolver;
  return {
    type: stringLike(field.type),
    args,
    description: `\`${name}\` in words, in the caller's language (the \`lang\` argument, else Accept-Language, else English).`,
    extensions: { [LABEL_EXTENSION]: name },
    resolve: async (source, fieldArgs, ctx, info) => {
      const lang = languageOf(fieldArgs, ctx);
      const value = await original(source, {}, ctx, { ...info, fieldName: name });
      return mapValue(value, (v) => label(v, lang));
    },
  };
}

/** The schema with labels, localised area names and warnings. */
export function localiseSchema(schema: GraphQLSchema): GraphQLSchema {
  const languageType = schema.getType('Language');
  if (!languageType || !isEnumType(languageType)) throw new Error('the Language enum is missing from the schema');
  const langArg = (): GraphQLFieldConfigArgumentMap => ({ lang: { type: languageType, description: "The language of the words; the request's language when left out." } });
  return mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (type.name.startsWith('__')) return type;
      const config = type.toConfig();
      const fields: Record<string, GraphQLFieldConfig<unknown, RequestContext>> = {};
      for (const [name, field] of Object.entries(config.fields as Record<string, GraphQLFieldConfig<unknown, RequestContext>>)) {
        fields[name] = field;
        const named = getNamedType(field.type);
        const labelName = `${name}Label`;
        if (config.fields[labelName]) continue;
        if (isEnumType(named) && named.name !== 'Language') {
          const enumType = named as GraphQLEnumType;
          fields[labelName] = labelField(name, field, langArg(), (value, lang) => {
            const valueName = enumType.serialize(value);
            return typeof valueName === 'string' ? enumLabel(lang, enumType.name, valueName) : null;
          });
        } else if (BIN_FIELD.test(name) && named.name === 'Int') {
          fields[labelName] = labelField(name, field, langArg(), (value, lang) => (typeof value === 'number' ? binLabel(lang, value) : null));
        }
      }
      for (const name of TEXT_FIELDS) if (fields[name] && getNamedType(fields[name].type).name === 'String') fields[name] = localisedText(name, fields[name]);
      if (type.name === 'Area' && fields.name) fields.name = localisedAreaName(fields.name, langArg());
      if (type.name === 'AnalysisWarning' && fields.message) fields.message = localisedWarning(fields.message, langArg());
      return new GraphQLObjectType({ ...config, fields } as GraphQLObjectTypeConfig<unknown, RequestContext>);
    },
  });
}

/** Fields that may hold an analysis's explanatory text (a String or a list of them). */
const TEXT_FIELDS = [
  'method',
  'parameter',
  'note',
  'fallbackReason',
  'familyReason',
  'hotspotMethod',
  'basis',
  'notes',
  'caveat',
  'rules',
  'description',
  'incidents',
  'controlSelection',
  'noData',
  'emptyReason',
  'message',
];

/** A text field in the request's language when its answer keeps a Text for it; its value otherwise. */
function localisedText(name: string, field: GraphQLFieldConfig<unknown, RequestContext>): GraphQLFieldConfig<unknown, RequestContext> {
  const original = (field.resolve ?? defaultFieldResolver) as Resolver;
  return {
    ...field,
    resolve: async (source, args, ctx, info) => {
      const value: unknown = await original(source, args, ctx, info);
      return localisedValue(source, name, value, languageOf(args, ctx));
    },
  };
}

/** `Area.name` in the caller's language: the stored Russian or Kazakh name, else the stored name. */
function localisedAreaName(field: GraphQLFieldConfig<unknown, RequestContext>, args: GraphQLFieldConfigArgumentMap): GraphQLFieldConfig<unknown, RequestContext> {
  return {
    ...field,
    args,
    description: "The area's name in the caller's language (nameRu or nameKk when stored), else as the source gives it.",
    resolve: (source, fieldArgs, ctx) => {
      const area = source as { name: string; nameRu?: string | null; nameKk?: string | null };
      const lang = languageOf(fieldArgs, ctx);
      return (lang === 'ru' ? area.nameRu : lang === 'kk' ? area.nameKk : null) ?? area.name;
    },
  };
}

/** A warning's message in the caller's language when the catalogue has its code; the English text otherwise. */
function localisedWarning(field: GraphQLFieldConfig<unknown, RequestContext>, args: GraphQLFieldConfigArgumentMap): GraphQLFieldConfig<unknown, RequestContext> {
  return {
    ...field,
    args,
    resolve: (source, fieldArgs, ctx) => {
      const warning = source as { code: string; message: string };
      const lang = languageOf(fieldArgs, ctx);
      if (lang === DEFAULT_LANGUAGE) return warning.message;
      const kept = localisedValue(source, 'message', warning.message, lang);
      if (kept !== warning.message) return kept;
      return hasKey(`warning.${warning.code}`) ? translate(lang, `warning.${warning.code}`) : warning.message;
    },
  };
}

/**
 * Localises the formatted errors of every GraphQL answer sent over HTTP in the request's language
 * (src/i18n/errors.ts). Operations run in-process (`executeOperation`, which has no `http`: the
 * exports and OGC API) keep English errors: their route rewrites a message in the words of the
 * URL and localises it once, when it sends it (src/http/errors.ts).
 */
export function localisedErrorsPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, contextValue }) {
          const lang = contextValue?.lang ?? DEFAULT_LANGUAGE;
          if (lang === DEFAULT_LANGUAGE || !request.http || response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => localisedError(e, lang));
        },
      };
    },
  };
}
