/**
 * Who may call what: every Query and Mutation field against every role (from the one role
 * table), real bearer tokens and API keys over HTTP, the audit log, and points never leaking.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GraphQLObjectType } from 'graphql';
import { ROLE_RULES, roleMayCall, ruleFor, RoleRule } from '../../src/auth/roleRules';
import { issueToken } from '../../src/auth/tokens';
import { upsertBatch } from '../../src/db/upsert';
import { ROLES, RequestUser } from '../../src/domain';
import { IncidentRecord } from '../../src/domain';
import { buildApiSchema } from '../../src/graphql/build';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

const CLI = path.resolve(__dirname, '../../dist/src/cli/main.js');
const SECRET = 'integration-test-secret-0123456789-abcdef';
const USERS: RequestUser[] = ROLES.map((role) => ({ id: `test-${role}`, role, agency: role === 'agency' ? 'lighting' : null }));
const DENIED = ['FORBIDDEN', 'UNAUTHENTICATED'];

let roles: TestServer;
let real: TestServer;

function incident(id: string, category: IncidentRecord['category'], lng: number, lat: number): IncidentRecord {
  return { source: 'auth_test', externalId: id, occurredAt: new Date('2026-03-10T09:00:00Z'), category, outdoor: true, geometry: { type: 'Point', coordinates: [lng, lat] }, description: 'near the bus stop' };
}

beforeAll(async () => {
  roles = await startTestServer({}, { testUsers: true });
  real = await startTestServer({ AUTH_JWT_SECRET: SECRET });
  await truncateLayers(roles.server);
  await roles.server.db.knex('audit_log').truncate();
  await roles.server.db.knex('api_keys').truncate();
  await upsertBatch(
    roles.server.db.knex,
    'incidents',
    [incident('t1', 'theft', 76.93, 43.24), incident('t2', 'theft', 76.931, 43.241), incident('d1', 'domestic_conflict', 76.932, 43.242), incident('s1', 'sexual_offence', 76.933, 43.243)],
    roles.config.fineResolution,
  );
});

afterAll(async () => {
  await roles?.stop();
  await real?.stop();
});

describe('the role table', () => {
  it('has a rule for every Query and Mutation field of the schema, and no rule for a field that does not exist', async () => {
    const schema = await buildApiSchema();
    const fields: string[] = [];
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      if (type) for (const name of Object.keys(type.getFields())) fields.push(`${type.name}.${name}`);
    }
    const missing = fields.filter((f) => !ruleFor(f));
    expect(missing).toEqual([]);
    const stale = Object.keys(ROLE_RULES).filter((key) => {
      const [typeName, fieldName] = key.split('.');
      const type = schema.getType(typeName);
      return !(type instanceof GraphQLObjectType) || !type.getFields()[fieldName];
    });
    expect(stale).toEqual([]);
  });

  const table: [string, string, RequestUser, RoleRule][] = [];
  for (const [field, rule] of Object.entries(ROLE_RULES) as [string, RoleRule][]) {
    for (const user of USERS) table.push([field, user.role, user, rule]);
  }

  it.each(table)('%s as %s follows its rule', async (field, _role, user, rule) => {
    const res = await roles.gqlAs(user, rule.sample, rule.variables);
    const codes = (res.errors ?? []).map((e) => e.extensions?.code);
    if (roleMayCall(rule, user.role)) {
      expect(codes.filter((c) => DENIED.includes(String(c)))).toEqual([]);
      expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
    } else {
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((c) => c === (user.role === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN'))).toBe(true);
      // nothing of the refused field comes back
      const rootField = field.startsWith('Incident.') ? 'incidents' : field.split('.')[1];
      expect((res.data as Record<string, unknown> | null | undefined)?.[rootField] ?? null).toBeNull();
    }
  });
});

describe('points', () => {
  it('are never given for sensitive categories, even to admins', async () => {
    const res = await roles.gqlAs<{ incidents: { totalCount: number; nodes: { category: string }[] } }>(
      TEST_ADMIN,
      '{ incidents(filter: { categories: [DOMESTIC_CONFLICT, SEXUAL_OFFENCE, THEFT] }) { totalCount nodes { category geometry } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.incidents.nodes.map((n) => n.category)).toEqual(['THEFT', 'THEFT']);
    expect(res.data!.incidents.totalCount).toBe(2);
  });

  it('are audited: who, role, operation, filter and rows, readable by admins only', async () => {
    const analyst = USERS.find((u) => u.role === 'analyst')!;
    await roles.gqlAs(analyst, '{ incidents(first: 5, filter: { categories: [THEFT] }) { nodes { id } } }');
    const log = await roles.gqlAs<{ auditLog: { nodes: { userId: string; role: string; operation: string; filter: { categories: string[]; first: number }; rowCount: number }[] } }>(
      TEST_ADMIN,
      '{ auditLog(first: 1, user: "test-analyst") { nodes { userId role operation filter rowCount at } hasNextPage } }',
    );
    expect(log.errors).toBeUndefined();
    const [entry] = log.data!.auditLog.nodes;
    expect(entry).toMatchObject({ userId: 'test-analyst', role: 'analyst', operation: 'incidents', rowCount: 2 });
    expect(entry.filter.categories).toEqual(['theft']);
    expect(entry.filter.first).toBe(5);
    await expect(roles.server.db.knex('audit_log').update({ row_count: 0 })).rejects.toThrow(/append-only/);
    await expect(roles.server.db.knex('audit_log').del()).rejects.toThrow(/append-only/);
    const since = await roles.gqlAs<{ auditLog: { nodes: unknown[] } }>(TEST_ADMIN, '{ auditLog(since: "2999-01-01T00:00:00Z") { nodes { id } } }');
    expect(since.data!.auditLog.nodes).toEqual([]);
  });
});

describe('bearer tokens', () => {
  const me = '{ me { id role agency } }';
  const call = (headers: Record<string, string>) => fetch(real.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: me }) });

  it('without credentials the caller is public', async () => {
    const res = await real.gql<{ me: { role: string } }>(me);
    expect(res.data!.me).toEqual({ id: 'anonymous', role: 'public', agency: null });
  });

  it('a valid token acts as its subject, role and agency', async () => {
    const token = await issueToken(real.config.auth, { role: 'agency', agency: 'roads', subject: 'roads-desk', expiresIn: '10m' });
    const res = await real.gql<{ me: unknown }>(me, {}, { authorization: `Bearer ${token}` });
    expect(res.data!.me).toEqual({ id: 'roads-desk', role: 'AGENCY'.toLowerCase(), agency: 'roads' });
  });

  it('an expired, foreign or malformed token is a 401 UNAUTHENTICATED, not the public view', async () => {
    const expired = await issueToken(real.config.auth, { role: 'analyst', agency: null, subject: 'x', expiresIn: '-1m' }).catch(() => null);
    const other = await issueToken({ ...real.config.auth, jwtSecret: 'some-other-secret-of-sufficient-length-000' }, { role: 'admin', agency: null, subject: 'x', expiresIn: '10m' });
    for (const authorization of [expired ? `Bearer ${expired}` : 'Bearer x.y.z', `Bearer ${other}`, 'Bearer garbage', 'Basic YTpi', 'ApiKey hsk_unknown']) {
      const response = await call({ authorization });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('the test identity header means nothing to the real server', async () => {
    const res = await real.gql<{ me: { role: string } }>(me, {}, { 'x-test-user': 'admin::root' });
    expect(res.data!.me.role).toBe('public');
  });

  it('the token command prints a token the server accepts', () => {
    const env = { ...process.env, AUTH_JWT_SECRET: SECRET };
    const token = execFileSync(process.execPath, [CLI, 'token', '--role', 'analyst', '--sub', 'desk-7', '--expires', '1h'], { env, encoding: 'utf8' }).trim();
    return real.gql<{ me: unknown }>(me, {}, { authorization: `Bearer ${token}` }).then((res) => expect(res.data!.me).toEqual({ id: 'desk-7', role: 'analyst', agency: null }));
  });
});

describe('API keys', () => {
  const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, 'apikey', ...args], { env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('are created, used by header, listed without the key, and stop working when revoked', async () => {
    const key = cli('create', 'city-dashboard', '--role', 'working_group').trim();
    expect(key).toMatch(/^hsk_/);
    const stored = await real.server.db.knex('api_keys').where({ name: 'city-dashboard' }).first();
    expect(stored.key_hash).not.toContain(key);
    for (const headers of [{ 'x-api-key': key }, { authorization: `ApiKey ${key}` }]) {
      const res = await real.gql<{ me: unknown }>('{ me { id role } }', {}, headers);
      expect(res.data!.me).toEqual({ id: 'apikey:city-dashboard', role: 'working_group' });
    }
    const listing = cli('list');
    expect(listing).toContain('city-dashboard');
    expect(listing).not.toContain(key);
    expect(cli('revoke', 'city-dashboard')).toMatch(/revoked/);
    const after = await fetch(real.server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ query: '{ me { id } }' }) });
    expect(after.status).toBe(401);
  });

  it('agency keys need an agency', () => {
    expect(() => cli('create', 'lamps', '--role', 'agency')).toThrow();
    expect(cli('create', 'lamps', '--role', 'agency', '--agency', 'lighting')).toMatch(/^hsk_/);
  });
});
