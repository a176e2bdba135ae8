/** Starts the real server on a free port against the run's test database; talks to it over HTTP. */
import { randomUUID } from 'node:crypto';
import { loadConfig, Config } from '../../src/config';
import type { RequestUser } from '../../src/domain';
import { ANONYMOUS_USER, AGENCIES, ROLES } from '../../src/domain';
import { RunningServer, ServerOptions, startServer } from '../../src/server';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer {
  server: RunningServer;
  config: Config;
  gql: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<T>>;
  /** The same request made as a given user (see `testUserHeaders`; only servers started with `testUsers` honour it). */
  gqlAs: <T = Record<string, unknown>>(user: RequestUser, query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<T>>;
  stop: () => Promise<void>;
}

const TEST_USER_HEADER = 'x-test-user';

/** Headers that make a `testUsers` server treat the request as `user` (tests only; the product never reads them). */
export function testUserHeaders(user: RequestUser): Record<string, string> {
  return { [TEST_USER_HEADER]: `${user.role}:${user.agency ?? ''}:${user.id}` };
}

/** Test-only identity: the role, agency and id named in a header, so tests can act as every role without tokens. */
async function userFromTestHeader(request: { headers: Record<string, string | string[] | undefined> }): Promise<RequestUser> {
  const raw = request.headers[TEST_USER_HEADER];
  if (typeof raw !== 'string') return ANONYMOUS_USER;
  const [role, agency, id] = raw.split(':');
  const knownRole = ROLES.find((r) => r === role);
  const knownAgency = AGENCIES.find((a) => a === agency) ?? null;
  if (!knownRole) return ANONYMOUS_USER;
  return { id: id || `test-${knownRole}`, role: knownRole, agency: knownAgency };
}

export interface TestServerOptions extends ServerOptions {
  /** Honour `testUserHeaders` to act as any user (instead of `resolveUser`). */
  testUsers?: boolean;
  /** Implies testUsers: `gql` acts as this user unless given other headers. */
  actAs?: RequestUser;
}

/** The police analyst most tests act as: true counts, raw points. */
export const TEST_ANALYST: RequestUser = { id: 'test-analyst', role: 'analyst', agency: null };
export const TEST_ADMIN: RequestUser = { id: 'test-admin', role: 'admin', agency: null };

export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  // a high rate limit unless a test sets one: test requests all come from one address
  // and budgets of its own: servers of one test run share the database, and Redis would share their counts
  const config = loadConfig({ ...process.env, PORT: '0', RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_PREFIX: `hotspots:test:ratelimit:${randomUUID()}:`, ...env });
  const testUsers = options.testUsers || options.actAs !== undefined;
  const server = await startServer(config, undefined, testUsers ? { ...options, resolveUser: userFromTestHeader } : options);
  const defaultHeaders = options.actAs ? testUserHeaders(options.actAs) : {};
  const gql = async <T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = defaultHeaders): Promise<GraphQLResponse<T>> => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  const gqlAs = <T>(user: RequestUser, query: string, variables?: Record<string, unknown>) => gql<T>(query, variables, testUserHeaders(user));
  return { server, config, gql, gqlAs, stop: () => server.stop() };
}

/** Empties every layer, for test files that need a known state (files run one at a time). */
export async function truncateLayers(server: RunningServer): Promise<void> {
  await server.db.knex.raw('TRUNCATE incidents, lighting_outages, road_defects, youth_facilities, population, posts, areas, streets, risk_features, street_edges, street_vertices, import_runs RESTART IDENTITY CASCADE');
}
