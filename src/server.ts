/** Apollo Server on Express 5: GraphQL, tiles, exports, OGC API - Features, the map page, health and readiness share one HTTP server. */
import 'reflect-metadata';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import compression from 'compression';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLFormattedError } from 'graphql';
import { authenticateRequests, createUserResolver, UserResolver, userOf } from './auth/authenticate';
import { queryLimits } from './auth/limits';
import { rateLimitedAuthentication } from './auth/rateLimit';
import { openRateLimitStores, RateLimitStores } from './auth/rateLimitStore';
import { checkAuthForProduction, Config } from './config';
import { connect, Database, ReadKnex } from './db/connection';
import { listenForLayerChanges } from './db/layerCache';
import { createLoaders } from './db/loaders';
import { databaseIdentity, pingDatabase } from './db/maintenance';
import { ReadRouter } from './db/replicas';
import type { RequestContext } from './context';
import { buildApiSchema } from './graphql/build';
import { localisedErrorsPlugin } from './graphql/localise';
import { graphqlIdeRouter } from './http/ide';
import { requestLanguage } from './i18n';
import { corsForReads } from './http/cors';
import { exportsRouter } from './http/exports';
import { mapPageRouter } from './http/mapPage';
import { ogcRouter } from './http/ogc';
import { tilesRouter } from './http/tiles';
import { requestBudget } from './compute/budget';
import { acquireComputePool, releaseComputePool } from './compute/pool';
import { AnswerCache, openAnswerCache } from './analysis/answerCache';
import { exportDescriber, graphQLAnswerOk, graphQLDescriber, ogcDescriber, responseCache } from './http/responseCache';

export interface RunningServer {
  url: string;
  port: number;
  /** the primary (DATABASE_URL) */
  db: Database;
  /** where requests read: the replicas of DATABASE_READ_URLS in use, else the primary in read-only sessions */
  reads: ReadRouter;
  /** The response cache (null: RESPONSE_CACHE=off); its statistics count hits and misses. */
  answerCache: AnswerCache | null;
  /** where the rate limits count (Redis, or this process when it is away) */
  rateLimitStores: RateLimitStores;
  /** Stops accepting connections, lets requests in flight finish, then closes the pool it opened. */
  stop: () => Promise<void>;
}

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'QUERY_TOO_COMPLEX',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COSTLY',
  'SERVER_BUSY',
]);

/** Internal failures reach the log in full and the client as a masked message; limit refusals get one code. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (formatted.extensions?.limit !== undefined || (code === 'GRAPHQL_PARSE_FAILED' && formatted.message.includes('Parsing aborted'))) {
    return { message: formatted.message, extensions: { code: 'QUERY_TOO_COMPLEX', limit: formatted.extensions?.limit ?? 'tokens' } };
  }
  if (typeof code === 'string' && CLIENT_CODES.has(code)) return formatted;
  console.error('internal error:', error);
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export interface ServerOptions {
  /** Establishes who sends a request; by default bearer tokens and API keys (src/auth/authenticate.ts). */
  resolveUser?: UserResolver;
  /**
   * LISTEN for layer changes and rebuild the incident columns in the background after an
   * import, so the first request after it does not wait for the load (`hotspots serve` does).
   */
  prewarmOnChange?: boolean;
  /** Where response-cache warnings go (console.warn by default). */
  warn?: (message: string) => void;
}

/** After a mutation, this process reads from the primary until a replica has replayed it (src/db/replicas.ts). */
function readYourWrites(reads: ReadRouter): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation !== 'mutation') return;
          await reads.noteWrite().catch((error: Error) => console.error('read replicas: could not note the write:', error.message));
        },
      };
    },
  };
}

/** Vector tiles are protobuf that gzip shrinks by half or more, but mime-db does not call them compressible. */
function compressible(req: express.Request, res: express.Response): boolean {
  const type = String(res.getHeader('Content-Type') ?? '');
  return type.startsWith('application/vnd.mapbox-vector-tile') || compression.filter(req, res);
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

export async function startServer(config: Config, existing?: Database, options: ServerOptions = {}): Promise<RunningServer> {
  checkAuthForProduction(config);
  const db = existing ?? connect(config.databaseUrl, { statementTimeoutMs: config.limits.statementTimeoutMs });
  // reads: a replica in use, or the primary in read-only sessions (src/db/replicas.ts)
  const reads = new ReadRouter(config.databaseUrl, config.readReplicas, { statementTimeoutMs: config.limits.statementTimeoutMs });
  await reads.start();
  const resolveUser = options.resolveUser ?? createUserResolver(config.auth, db.knex);
  // GraphQL answers, exports and tiles shared by every process through Redis (src/analysis/answerCache.ts)
  // and one budget per caller across every process and instance of this database (src/auth/rateLimitStore.ts)
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const [answerCache, rateLimitStores] = await Promise.all([
    openAnswerCache(config, db.knex, warn),
    databaseIdentity(db.knex).then((identity) => openRateLimitStores({ redisUrl: config.limits.rateLimitShared ? config.responseCache.redisUrl : null, prefix: `${config.limits.rateLimitPrefix}${identity}:`, warn })),
  ]);
  const app = express();
  // req.ip: X-Forwarded-For is read only through the proxies named in TRUST_PROXY (the city
  // gateway); without them it is the socket's address, so a client cannot name its own address
  app.set('trust proxy', config.trustProxy.length > 0 ? config.trustProxy : false);
  app.disable('x-powered-by');
  // gzip, deflate or brotli as Accept-Encoding asks, for GraphQL answers, tiles, exports and OGC API
  // pages alike; exports still stream (the first page is flushed at once, the rest as the compressor fills)
  app.use(compression({ threshold: 1024, filter: compressible }));
  const httpServer = http.createServer(app);
  const limits = queryLimits(config.limits);
  const schema = await buildApiSchema();
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limits.validationRules,
    // cache control wraps every field's resolver to compute cache hints nobody reads here: with
    // 45,000 cells of 7 fields that wrapper cost more than the analysis
    // the IDE is GraphiQL from our own assets (src/http/ide.ts): Apollo's landing page loads Sandbox from the internet
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), localisedErrorsPlugin(), readYourWrites(reads), ...limits.plugins],
    // compact JSON: the default pretty-prints, which doubles a cell list's bytes and its time
    stringifyResult: (value) => JSON.stringify(value),
  });
  await apollo.start();
  let stopping = false;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (stopping) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    try {
      await pingDatabase(db.knex);
      // states and lags only: the replicas' addresses are not for anonymous callers
      res.json({ status: 'ready', readReplicas: reads.status().map(({ state, lagMs }) => ({ state, lagMs })) });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });

  // every route that answers with data: the same rate limits and the same authentication
  // (refused credentials per address before verifying, then each verified principal or anonymous address)
  const guarded = rateLimitedAuthentication(authenticateRequests(resolveUser), config.limits.rateLimitPerMinute, rateLimitStores);
  // one read server per HTTP request (an export's pages and a tile's analysis included), so the
  // layer versions its caches are keyed by come from the server that served its data
  const readsByRequest = new WeakMap<express.Request, ReadKnex>();
  const readHandleOf = (req: express.Request): ReadKnex => {
    let knex = readsByRequest.get(req);
    if (!knex) readsByRequest.set(req, (knex = reads.pick()));
    return knex;
  };
  // GraphQL, tiles and exports build their context in this one place: the same user, roles and privacy rules
  const contextOf = async (req: express.Request): Promise<RequestContext> => ({
    knex: readHandleOf(req),
    primary: db.knex,
    config,
    loaders: createLoaders(readHandleOf(req), db.knex),
    user: userOf(req.res as express.Response),
    // one compute budget per HTTP request (a GraphQL request, a tile, an export and all its pages)
    budget: requestBudget(req, userOf(req.res as express.Response).role, config.compute.budgets),
    lang: requestLanguage(typeof req.query?.lang === 'string' ? req.query.lang : null, req.get('accept-language')),
    answer: (req.res as express.Response).locals.answer as RequestContext['answer'],
  });
  const cached = (describe: Parameters<typeof responseCache>[0]['describe'], acceptBody?: (body: Buffer) => boolean): express.RequestHandler[] =>
    answerCache ? [responseCache({ cache: answerCache, contextOf, describe, acceptBody, maxEntryBytes: config.responseCache.maxEntryBytes })] : [];
  app.use(graphqlIdeRouter());
  app.use(
    '/graphql',
    express.json({ limit: config.limits.bodyLimit }),
    ...guarded,
    ...cached(graphQLDescriber(config.limits.maxTokens), graphQLAnswerOk),
    expressMiddleware(apollo, { context: ({ req }) => contextOf(req) }),
  );
  app.use('/tiles', corsForReads, ...guarded, tilesRouter(config, contextOf, answerCache));
  // exports and OGC API - Features run GraphQL operations through this executor with the request's context
  const execute = async (req: express.Request, query: string, variables: Record<string, unknown>) => {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: await contextOf(req) });
    if (response.body.kind !== 'single') throw new Error('exports expect a single result');
    return response.body.singleResult;
  };
  const roleOfRequest = async (req: express.Request) => userOf(req.res as express.Response).role;
  app.use('/export', corsForReads, ...guarded, ...cached(exportDescriber), exportsRouter(config, schema, execute, roleOfRequest, contextOf));
  app.use('/ogc', corsForReads, ...guarded, ...cached(ogcDescriber), ogcRouter(config, schema, execute, roleOfRequest, contextOf));
  app.use(mapPageRouter(config));
  // body too large, malformed JSON, a failing credential lookup: JSON errors, never an HTML page or a stack
  app.use((error: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) console.error('internal error:', error);
    const body =
      status === 413
        ? errorBody(`request body larger than ${config.limits.bodyLimit}`, 'PAYLOAD_TOO_LARGE')
        : status === 500
          ? errorBody('Internal server error', 'INTERNAL_SERVER_ERROR')
          : errorBody('malformed request body', 'BAD_REQUEST');
    res.status(status).json(body);
  });

  let stopListening: (() => Promise<void>) | null = null;
  if (options.prewarmOnChange) {
    try {
      stopListening = await listenForLayerChanges(config.databaseUrl, reads, (error) => console.error('layer change listener:', error.message));
    } catch (error) {
      // only a head start is lost: every request still checks the layer versions itself
      console.error('could not listen for layer changes:', (error as Error).message);
    }
  }

  // heavy analyses run in worker threads while this server runs (src/compute/pool.ts)
  acquireComputePool(config.compute);
  await rateLimitStores.ready();
  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    db,
    reads,
    answerCache,
    rateLimitStores,
    stop: async () => {
      stopping = true;
      await stopListening?.();
      await apollo.stop();
      // the worker threads end with the server: nothing keeps the process (or jest) alive
      await releaseComputePool();
      await reads.stop();
      await answerCache?.close();
      await rateLimitStores.close();
      if (!existing) await db.knex.destroy();
    },
  };
}
