/**
 * The response cache on the HTTP side: GraphQL queries (POST /graphql) and exports answer a
 * repeated request with the bytes sent the first time, from this process's tier or the shared
 * one (Redis). Keys and the rules of what may be cached are src/analysis/answerCache.ts's; this
 * module works out what a request asks (operation type, Query fields, normalised text,
 * variables) and captures the answer as it is sent.
 *
 * It runs after authentication and the rate limits (a hit counts as a request like any other)
 * and inside compression (it sees and stores the uncompressed bytes). Only complete successful
 * answers are stored: HTTP 200 and, for GraphQL, a body without errors. A hit answers with the
 * stored status, Content-Type, Content-Disposition and body, and `X-Response-Cache: hit-local`
 * or `hit-shared`; a miss carries `miss`, an answer that may not be cached `bypass`.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DocumentNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, parse, print, SelectionSetNode } from 'graphql';
import { AnswerCache, AnswerDescription, answerKey } from '../analysis/answerCache';
import type { RequestContext } from '../context';

// Content-Crs: the CRS of an OGC API answer (Part 2)
const REPLAYED_HEADERS = ['content-type', 'content-disposition', 'content-crs'];

/** status, headers and body in one buffer: a 4-byte length, the JSON head, the body */
export function encodeAnswer(status: number, headers: Record<string, string>, body: Buffer): Buffer {
  const head = Buffer.from(JSON.stringify({ status, headers }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, body]);
}

export function decodeAnswer(value: Buffer): { status: number; headers: Record<string, string>; body: Buffer } {
  const headLength = value.readUInt32BE(0);
  const head = JSON.parse(value.subarray(4, 4 + headLength).toString()) as { status: number; headers: Record<string, string> };
  return { ...head, body: value.subarray(4 + headLength) };
}

/** JSON with object keys sorted at every depth: equal variables give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    return `{${entries.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface OperationInfo {
  /** the document as graphql-js prints it: comments, spacing and commas do not split keys */
  normalised: string;
  /** the Query fields of the operation, through fragments; null for a mutation, subscription or an operation that is not found */
  fields: string[] | null;
}

function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, out: Set<string>, seen: Set<string>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) rootFields(selection.selectionSet, fragments, out, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      // an unknown fragment: the operation fails validation; nothing is cached
      if (!fragment) out.add('\u0000unknown fragment');
      else rootFields(fragment.selectionSet, fragments, out, seen);
    }
  }
}

/** The operation `operationName` selects in `document` (the only one when no name is given). */
export function operationInfo(document: DocumentNode, operationName: string | null): OperationInfo {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const operation = operationName === null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
  const normalised = print(document);
  if (!operation || operation.operation !== 'query') return { normalised, fields: null };
  const fields = new Set<string>();
  rootFields(operation.selectionSet, fragments, fields, new Set());
  return { normalised, fields: [...fields].sort() };
}

export interface GraphQLDescriber {
  (req: Request): AnswerDescription | null;
}

/**
 * What a POST /graphql request asks, as a key description; null when it is no JSON POST, does not
 * parse, or names a persisted query this process has not seen with its text. Parsed documents
 * are kept per text (bounded), as are the texts of persisted query hashes (verified).
 */
export function graphQLDescriber(maxTokens: number): GraphQLDescriber {
  // per query text and operation name: what it asks (null: does not parse)
  const infos = new Map<string, OperationInfo | null>();
  const persisted = new Map<string, string>();
  const MAX_KEPT = 2000;
  const infoOf = (query: string, operationName: string | null): OperationInfo | null => {
    const key = `${operationName ?? ''}\u0000${query}`;
    let info = infos.get(key);
    if (info === undefined) {
      try {
        info = operationInfo(parse(query, { maxTokens, noLocation: true }), operationName);
      } catch {
        info = null;
      }
      if (infos.size >= MAX_KEPT) infos.delete(infos.keys().next().value!);
      infos.set(key, info);
    }
    return info;
  };
  return (req) => {
    if (req.method !== 'POST' || !req.is('application/json')) return null;
    const body = req.body as { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } } | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
    const hash = typeof body.extensions?.persistedQuery?.sha256Hash === 'string' ? body.extensions.persistedQuery.sha256Hash : null;
    let query = typeof body.query === 'string' ? body.query : null;
    if (query !== null && hash !== null && createHash('sha256').update(query).digest('hex') === hash) {
      if (persisted.size >= MAX_KEPT) persisted.delete(persisted.keys().next().value!);
      persisted.set(hash, query);
    }
    if (query === null && hash !== null) query = persisted.get(hash) ?? null;
    if (query === null) return null;
    const operationName = typeof body.operationName === 'string' ? body.operationName : null;
    const info = infoOf(query, operationName);
    if (!info?.fields) return null;
    const variables = body.variables === undefined || body.variables === null ? {} : body.variables;
    // the Accept header picks the media type of the answer: application/json, or graphql-response+json when asked for
    const media = /application\/graphql-response\+json/i.test(req.get('accept') ?? '') ? 'graphql-response' : 'json';
    return { kind: 'graphql', fields: info.fields, parts: [info.normalised, operationName, canonicalJson(variables), media] };
  };
}

/** What GET /export/{query}.{format}?... asks: the query field, the format and the sorted parameters. */
export function exportDescriber(req: Request): AnswerDescription | null {
  if (req.method !== 'GET') return null;
  const match = /^\/([A-Za-z]+)\.(csv|csvt|geojson)$/.exec(req.path);
  if (!match) return null;
  const params = new URL(req.originalUrl, 'http://local').searchParams;
  params.sort();
  return { kind: 'export', fields: [match[1]], parts: [match[2], params.toString()] };
}

/**
 * What GET /ogc/collections/{id}/items[/{featureId}]?... asks: the collection's query field, the
 * path and the sorted parameters, and the address the client used (the answer's links are
 * absolute). The documents about the service (landing page, conformance, collections) are cheap
 * and not cached.
 */
export function ogcDescriber(req: Request): AnswerDescription | null {
  if (req.method !== 'GET') return null;
  const path = req.path.replace(/\/+$/, '');
  const match = /^\/collections\/([A-Za-z]+)\/items(?:\/[^/]+)?$/.exec(path);
  if (!match) return null;
  const params = new URL(req.originalUrl, 'http://local').searchParams;
  params.sort();
  return { kind: 'ogc', fields: [match[1]], parts: [`${req.protocol}://${req.get('host')}`, path, params.toString()] };
}

/** Captures what the handler sends (up to `limit` bytes) and calls `done` once the answer ended whole. */
function captureAnswer(res: Response, limit: number, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (overflow || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > limit) {
      overflow = true;
      chunks.length = 0;
    } else chunks.push(buffer);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.write = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  }) as Response['write'];
  res.end = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    const result = end(...args);
    if (!overflow) done(Buffer.concat(chunks));
    return result;
  }) as Response['end'];
}

export interface ResponseCacheOptions {
  cache: AnswerCache;
  contextOf: (req: Request) => Promise<RequestContext>;
  describe: (req: Request) => AnswerDescription | null;
  /** a complete answer that may be stored (e.g. no GraphQL errors) */
  acceptBody?: (body: Buffer) => boolean;
  maxEntryBytes: number;
}

/** `{"data":` first: graphql-js and Apollo put `errors` before `data`, so the answer has none. */
export const graphQLAnswerOk = (body: Buffer): boolean => body.subarray(0, 8).toString() === '{"data":';

/**
 * Express middleware: answers from the cache, or lets the handler answer and stores the bytes.
 * `res.locals.answer` is the answer's hints; contextOf hands them to the analyses as `ctx.answer`.
 */
export function responseCache(options: ResponseCacheOptions): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const described = options.describe(req);
      let key: string | null = null;
      try {
        key = described ? await answerKey(options.cache, await options.contextOf(req), described) : null;
      } catch {
        // no versions (the database is away): the handler answers, and reports, without the cache
      }
      if (!key) {
        res.setHeader('X-Response-Cache', 'bypass');
        next();
        return;
      }
      const found = await options.cache.get(key);
      if (found) {
        const answer = decodeAnswer(found.value);
        res.status(answer.status).set(answer.headers).setHeader('X-Response-Cache', `hit-${found.tier}`);
        res.setHeader('Content-Length', String(answer.body.length));
        res.end(answer.body);
        return;
      }
      res.setHeader('X-Response-Cache', 'miss');
      const hints = { store: true };
      res.locals.answer = hints;
      captureAnswer(res, options.maxEntryBytes, (body) => {
        if (res.statusCode !== 200 || !hints.store || (options.acceptBody && !options.acceptBody(body))) return;
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = res.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        void options.cache.set(key, encodeAnswer(res.statusCode, headers, body));
      });
      next();
    } catch (error) {
      next(error);
    }
  };
}
