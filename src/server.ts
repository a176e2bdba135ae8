/** Apollo Server on Express 5: GraphQL, health and readiness share one HTTP server. */
import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLFormattedError } from 'graphql';
import type { Config } from './config';
import { ANONYMOUS_USER, RequestUser } from './domain';
import { connect, Database } from './db/connection';
import { listenForLayerChanges } from './db/layerCache';
import { createLoaders } from './db/loaders';
import type { RequestContext } from './resolvers/context';
import { buildApiSchema } from './schema/build';
import { corsForReads } from './http/cors';
import { exportsRouter } from './http/exports';
import { mapPageRouter } from './http/mapPage';
import { tilesRouter } from './http/tiles';

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  stop: () => Promise<void>;
}

const CLIENT_CODES = new Set(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'QUERY_TOO_COMPLEX', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);

/** Internal failures reach the log in full and the client as a masked message. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) return formatted;
  console.error('internal error:', error);
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export interface ServerOptions {
  /** Establishes who sends a request; requests it cannot identify are anonymous (`public`). */
  resolveUser?: (request: express.Request) => Promise<RequestUser>;
  /**
   * LISTEN for layer changes and rebuild the incident columns in the background after an
   * import, so the first request after it does not wait for the load (`hotspots serve` does).
   */
  prewarmOnChange?: boolean;
}

export async function startServer(config: Config, existing?: Database, options: ServerOptions = {}): Promise<RunningServer> {
  const resolveUser = options.resolveUser ?? (async () => ANONYMOUS_USER);
  const db = existing ?? connect(config.databaseUrl);
  const app = express();
  const httpServer = http.createServer(app);
  const schema = await buildApiSchema();
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    // cache control wraps every field's resolver to compute cache hints nobody reads here: with
    // 45,000 cells of 7 fields that wrapper cost more than the analysis
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginCacheControlDisabled()],
    // compact JSON: the default pretty-prints, which doubles a cell list's bytes and its time
    stringifyResult: (value) => JSON.stringify(value),
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.knex.raw('SELECT 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  // GraphQL, tiles and exports build their context in this one place: the same user, roles and privacy rules
  const contextOf = async (req: express.Request): Promise<RequestContext> => ({ knex: db.knex, config, loaders: createLoaders(db.knex), user: await resolveUser(req) });
  app.use('/graphql', express.json({ limit: '2mb' }), expressMiddleware(apollo, { context: ({ req }) => contextOf(req) }));
  app.use('/tiles', corsForReads, tilesRouter(config, contextOf));
  app.use(
    '/export',
    corsForReads,
    exportsRouter(
      config,
      schema,
      async (req, query, variables) => {
        const response = await apollo.executeOperation({ query, variables }, { contextValue: await contextOf(req) });
        if (response.body.kind !== 'single') throw new Error('exports expect a single result');
        return response.body.singleResult;
      },
      async (req) => (await resolveUser(req)).role,
    ),
  );
  app.use(mapPageRouter());

  let stopListening: (() => Promise<void>) | null = null;
  if (options.prewarmOnChange) {
    try {
      stopListening = await listenForLayerChanges(config.databaseUrl, db.knex, (error) => console.error('layer change listener:', error.message));
    } catch (error) {
      // only a head start is lost: every request still checks the layer versions itself
      console.error('could not listen for layer changes:', (error as Error).message);
    }
  }

  await new Promise<void>((resolve) => httpServer.listen(config.port, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    db,
    stop: async () => {
      await stopListening?.();
      await apollo.stop();
      if (!existing) await db.knex.destroy();
    },
  };
}
