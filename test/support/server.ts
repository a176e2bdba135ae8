/** Starts the real server on a free port against the run's test database; talks to it over HTTP. */
import { loadConfig, Config } from '../../src/config';
import { RunningServer, startServer } from '../../src/server';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer {
  server: RunningServer;
  config: Config;
  gql: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<T>>;
  stop: () => Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ ...process.env, PORT: '0', ...env });
  const server = await startServer(config);
  const gql = async <T,>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  return { server, config, gql, stop: () => server.stop() };
}

/** Empties every layer, for test files that need a known state (files run one at a time). */
export async function truncateLayers(server: RunningServer): Promise<void> {
  await server.db.knex.raw('TRUNCATE incidents, lighting_outages, road_defects, youth_facilities, population, posts, areas, import_runs RESTART IDENTITY CASCADE');
}
