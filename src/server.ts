/** Apollo Server on Express 5: GraphQL, health and readiness share one HTTP server. */
import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLFormattedError } from 'graphql';
import { authenticateRequests, createUserResolver, UserResolver, userOf } from './auth/authenticate';
import { queryLimits } from './auth/limits';
import { rateLimitFailuresPerAddress, rateLimitPerCaller } from './auth/rateLimit';
import { checkAuthForProduction, Config } from './config';
import { connect, Database } from './db/connection';
import { createLoaders } from './db/loaders';
import type { RequestContext } from './resolvers/context';
import { buildApiSchema } from './schema/build';

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  /** Stops accepting connections, lets requests in flight finish, then closes the pool it opened. */
  stop: () => Promise<void>;
}

const CLIENT_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'QUERY_TOO_COMPLEX', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);

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
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

export async function startServer(config: Config, existing?: Database, options: ServerOptions = {}): Promise<RunningServer> {
  checkAuthForProduction(config);
  const db = existing ?? connect(config.databaseUrl, { statementTimeoutMs: config.limits.statementTimeoutMs });
  const resolveUser = options.resolveUser ?? createUserResolver(config.auth, db.knex);
  const app = express();
  // behind the city gateway the client address is the gateway's; trust one proxy hop for req.ip
  app.set('trust proxy', 1);
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const limits = queryLimits(config.limits);
  const apollo = new ApolloServer<RequestContext>({
    schema: await buildApiSchema(),
    formatError,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: config.limits.maxTokens },
    validationRules: limits.validationRules,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ...limits.plugins],
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
      await db.knex.raw('SELECT 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  app.use(
    '/graphql',
    rateLimitPerCaller(config.limits.rateLimitPerMinute),
    rateLimitFailuresPerAddress(config.limits.rateLimitPerMinute),
    express.json({ limit: config.limits.bodyLimit }),
    authenticateRequests(resolveUser),
    expressMiddleware(apollo, {
      context: async ({ res }) => ({ knex: db.knex, config, loaders: createLoaders(db.knex), user: userOf(res) }),
    }),
  );
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

  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    db,
    stop: async () => {
      stopping = true;
      await apollo.stop();
      if (!existing) await db.knex.destroy();
    },
  };
}
