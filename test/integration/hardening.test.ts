/**
 * An API that faces the internet: query limits, body limits, CSRF, introspection, rate limits,
 * fuzzed input, a database that drops away mid-request, and shutdown that finishes requests.
 */
import net from 'node:net';
import fc from 'fast-check';
import { issueToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { formatError, startServer } from '../../src/server';
import { startTestServer, TEST_ADMIN, TEST_ANALYST, TestServer, testUserHeaders } from '../support/server';

const CLEAN_CODES = ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'QUERY_TOO_COMPLEX', 'BAD_REQUEST'];

let t: TestServer;

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, json: (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
});

afterAll(async () => {
  await t?.stop();
});

describe('query limits', () => {
  it('refuses a 200-deep query as QUERY_TOO_COMPLEX before running it', async () => {
    const query = `{ areas { nodes { ${'parent { '.repeat(200)}id${' }'.repeat(200)} } } }`;
    const res = await t.gql(query);
    expect(res.data).toBeUndefined();
    expect(res.errors!.every((e) => e.extensions!.code === 'QUERY_TOO_COMPLEX')).toBe(true);
    expect(res.errors!.map((e) => e.extensions!.limit)).toContain('depth');
  });

  it('refuses a 10,000-alias query while parsing it', async () => {
    const query = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const res = await t.gql(query);
    expect(res.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
  });

  it('refuses more than 30 aliases and too costly selections', async () => {
    const aliases = await t.gql(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(' ')} }`);
    expect(aliases.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' });
    const costly = await t.gql(`{ ${Array.from({ length: 8 }, (_, i) => `p${i}: posts(first: 1000) { nodes { id geometry } }`).join(' ')} }`);
    expect(costly.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('caps the work an anonymous caller may ask of the statistics', async () => {
    const publicUser = testUserHeaders({ id: 'anonymous', role: 'public', agency: null });
    const city = '[76.74, 43.03, 77.17, 43.41]';
    const permutations = await post(t.server.url, JSON.stringify({ query: `{ hotspots(area: { bbox: ${city} }, resolution: 8, permutations: 9999) { hotCellCount } }` }), publicUser);
    // about 2000 cells x 7 x 9999 is more than the public compute budget of a request (src/compute/budget.ts)
    expect(permutations.json.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', budget: t.config.compute.budgets.public });
    const region = await post(t.server.url, JSON.stringify({ query: '{ hexagons(area: { bbox: [75.5, 42.5, 77.5, 44.5] }, resolution: 8) { studyArea { cellCount } } }' }), publicUser);
    expect(region.json.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'area' });
    const modest = await post(t.server.url, JSON.stringify({ query: `{ hotspots(area: { bbox: ${city} }, resolution: 8, permutations: 999) { hotCellCount } }` }), publicUser);
    expect(modest.json.errors).toBeUndefined();
  });

  it('lets ordinary queries through', async () => {
    const res = await t.gql('{ me { role } areas(first: 5) { nodes { id parent { name } } } }');
    expect(res.errors).toBeUndefined();
  });
});

describe('malformed and hostile requests', () => {
  it('refuses a body over the limit with 413 and a JSON error', async () => {
    const res = await post(t.server.url, JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } }));
    expect(res.status).toBe(413);
    expect(res.json.errors![0].extensions!.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with 400 and a JSON error', async () => {
    const res = await post(t.server.url, '{"query": "{ me { id } }"');
    expect(res.status).toBe(400);
    expect(res.json.errors![0].extensions!.code).toBe('BAD_REQUEST');
  });

  it('blocks simple cross-site requests (CSRF prevention)', async () => {
    const url = `${t.server.url}?query=${encodeURIComponent('{ me { id } }')}`;
    expect((await fetch(url)).status).toBe(400);
    const formPost = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { id } }"}' });
    expect(formPost.status).toBe(400);
    expect((await fetch(url, { headers: { 'apollo-require-preflight': 'true' } })).status).toBe(200);
  });

  it('masks internal errors and keeps client errors', () => {
    const masked = formatError({ message: 'relation "x" does not exist at /srv/db.ts:12', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['...'] } }, new Error('boom'));
    expect(masked).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const kept = formatError({ message: 'first: must be from 1 to 1000', extensions: { code: 'BAD_USER_INPUT' } }, null);
    expect(kept.message).toBe('first: must be from 1 to 1000');
  });

  it('fuzzed areas, windows, resolutions and GeoJSON get clean error codes, never an internal error', async () => {
    const garbage = fc.oneof(fc.jsonValue(), fc.string(), fc.double(), fc.constant(null));
    const nearAlmaty = fc.tuple(
      fc.double({ min: 76.85, max: 77.0, noNaN: true }),
      fc.double({ min: 43.2, max: 43.3, noNaN: true }),
      fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      fc.double({ min: -0.03, max: 0.03, noNaN: true }),
    );
    const bbox = fc.oneof(
      nearAlmaty.map(([lng, lat, dx, dy]) => [lng, lat, lng + dx, lat + dy]),
      fc.array(fc.oneof(fc.double(), fc.integer()), { maxLength: 6 }),
    );
    const ring = fc.array(
      nearAlmaty.map(([lng, lat, dx, dy]) => [lng + dx, lat + dy]),
      { minLength: 0, maxLength: 7 },
    );
    const polygon = fc.oneof(
      ring.map((r) => ({ type: 'Polygon', coordinates: [r.length > 0 ? [...r, r[0]] : r] })),
      fc.record({ type: fc.constantFrom('Polygon', 'MultiPolygon', 'Point', 'Feature', 'x'), coordinates: garbage }),
      garbage,
    );
    const area = fc.oneof(
      fc.record({ bbox }),
      fc.record({ polygon }),
      fc.record({ districtId: fc.oneof(fc.string(), fc.constant('1'), fc.constant('99999999999999999999')) }),
      fc.record({ bbox, precinctId: fc.string() }),
      garbage,
    );
    const instant = fc.oneof(
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constant('2026-03-01T00:00:00Z'),
      fc.constant(null),
    );
    const variables = fc.record({
      area,
      resolution: fc.oneof(fc.integer({ min: -3, max: 18 }), fc.double(), fc.string()),
      window: fc.oneof(fc.record({ from: instant, to: instant }), garbage),
      categories: fc.oneof(fc.constant(null), fc.array(fc.oneof(fc.constantFrom('THEFT', 'ROBBERY', 'theft', ''), fc.string()), { maxLength: 3 })),
      first: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constant(null)),
      after: fc.oneof(fc.string(), fc.constant(null)),
    });
    const queries = [
      'query ($area: AreaInput!, $resolution: Int, $window: TimeWindowInput, $categories: [IncidentCategory!]) { hexagons(area: $area, resolution: $resolution, window: $window, categories: $categories) { studyArea { cellCount } } }',
      'query ($area: AreaInput!, $resolution: Int, $window: TimeWindowInput) { hotspots(area: $area, resolution: $resolution, window: $window) { hotCellCount } }',
      'query ($area: AreaInput, $window: TimeWindowInput, $categories: [IncidentCategory!], $first: Int, $after: String) { incidents(first: $first, after: $after, filter: { area: $area, window: $window, categories: $categories }) { totalCount } }',
      'query ($area: AreaInput, $window: TimeWindowInput, $first: Int) { lightingOutages(first: $first, filter: { area: $area, window: $window }) { totalCount } }',
    ];
    await fc.assert(
      fc.asyncProperty(variables, fc.constantFrom(...queries), fc.constantFrom('public', 'analyst', 'working_group'), async (vars, query, role) => {
        const headers = testUserHeaders({ id: 'fuzz', role: role as 'public', agency: null });
        const res = await post(t.server.url, JSON.stringify({ query, variables: vars }), headers);
        expect(res.status).toBeLessThan(500);
        for (const error of res.json.errors ?? []) expect(CLEAN_CODES).toContain(error.extensions?.code);
      }),
      { numRuns: 150 },
    );
  });
});

describe('production settings', () => {
  it('refuses to start without a configured secret or key', async () => {
    await expect(startTestServer({ NODE_ENV: 'production', AUTH_JWT_SECRET: '' })).rejects.toThrow(/AUTH_JWT_SECRET/);
  });

  it('turns introspection off', async () => {
    const prod = await startTestServer({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'production-like-secret-0123456789abcdef' });
    try {
      const res = await prod.gql('{ __schema { queryType { name } } }');
      expect(res.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await prod.stop();
    }
  });

  it('gives every database session a statement timeout', async () => {
    const { rows } = await t.server.db.knex.raw('SHOW statement_timeout');
    expect(rows[0].statement_timeout).toBe('30s');
  });
});

describe('rate limits', () => {
  it('a flood from one token gets 429 with a JSON body while another token is still served', async () => {
    const limited = await startTestServer({ AUTH_JWT_SECRET: 'rate-limit-test-secret-0123456789abcdef', RATE_LIMIT_PER_MINUTE: '20' });
    try {
      const tokenOf = (sub: string) => issueToken(limited.config.auth, { role: 'working_group', agency: null, subject: sub, expiresIn: '5m' });
      const flood = `Bearer ${await tokenOf('flood')}`;
      const other = `Bearer ${await tokenOf('other')}`;
      const statuses = await Promise.all(Array.from({ length: 40 }, () => post(limited.server.url, JSON.stringify({ query: '{ me { id } }' }), { authorization: flood })));
      const refused = statuses.filter((s) => s.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(20);
      expect(refused[0].json.errors![0].extensions!.code).toBe('RATE_LIMITED');
      const served = await post(limited.server.url, JSON.stringify({ query: '{ me { id } }' }), { authorization: other });
      expect(served.status).toBe(200);
      expect(served.json.data).toEqual({ me: { id: 'other' } });
    } finally {
      await limited.stop();
    }
  });
});

describe('refused requests per address', () => {
  it('a flood of made-up credentials, each different, is cut off after the limit', async () => {
    const limited = await startTestServer({ RATE_LIMIT_PER_MINUTE: '20' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 26; i++) {
        const res = await post(limited.server.url, JSON.stringify({ query: '{ me { id } }' }), { 'x-api-key': `hsk_made_up_${i}` });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(21).every((s) => s === 429)).toBe(true);
    } finally {
      await limited.stop();
    }
  });
});

/** A TCP relay in front of PostgreSQL that can drop every connection and refuse new ones. */
async function startCuttableProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the database goes away while requests run', () => {
  it('gives clean masked errors, /readyz 503 then 200, recovers, and leaves no half-written import', async () => {
    const dbUrl = new URL(process.env.DATABASE_URL!);
    const proxy = await startCuttableProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
    dbUrl.host = `127.0.0.1:${proxy.port}`;
    const s = await startTestServer({ DATABASE_URL: dbUrl.toString() }, { actAs: TEST_ADMIN });
    const readyz = async () => (await fetch(s.server.url.replace('/graphql', '/readyz'))).status;
    try {
      expect(await readyz()).toBe(200);
      const records = Array.from({ length: 1000 }, (_, i) => ({
        externalId: `cut-${i}`,
        source: 'cut_test',
        occurredAt: '2026-02-03T10:00:00Z',
        category: 'THEFT',
        lat: 43.2 + (i % 50) * 0.001,
        lng: 76.9 + Math.floor(i / 50) * 0.001,
      }));
      const inFlight = [
        ...Array.from({ length: 4 }, () => s.gql('{ hexagons(area: { bbox: [76.85, 43.18, 77.0, 43.32] }, resolution: 9) { studyArea { incidentCount } } }')),
        s.gql('mutation ($r: [IncidentInput!]!) { importIncidents(records: $r) { inserted rejected } }', { r: records }),
        ...Array.from({ length: 4 }, () => s.gql('{ incidents(first: 1000) { totalCount nodes { id } } }')),
      ];
      await new Promise((resolve) => setTimeout(resolve, 40));
      proxy.cut();
      const answers = await Promise.all(inFlight);
      for (const answer of answers) {
        for (const error of answer.errors ?? []) {
          expect(error.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
          expect(error.message).toBe('Internal server error');
          expect(JSON.stringify(error)).not.toMatch(/ECONN|terminated|stack|\.ts:/);
        }
      }
      expect(await readyz()).toBe(503);
      const whileDown = await s.gql('{ posts(first: 1) { nodes { id } } }');
      expect(whileDown.errors![0].extensions!.code).toBe('INTERNAL_SERVER_ERROR');

      proxy.restore();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await readyz();
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
      const after = await s.gql<{ posts: { nodes: unknown[] } }>('{ posts(first: 1) { nodes { id } } }');
      expect(after.errors).toBeUndefined();
      // the import is one transaction: all of it or none of it
      const [{ count }] = await t.server.db.knex('incidents').where({ source: 'cut_test' }).count<{ count: string }[]>('* as count');
      expect([0, 1000]).toContain(Number(count));
    } finally {
      proxy.restore();
      await s.stop();
      await proxy.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then refuses new connections', async () => {
    const config = loadConfig({ ...process.env, PORT: '0' });
    const server = await startServer(config, undefined, { resolveUser: async () => TEST_ANALYST });
    const inFlight = fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ hexagons(area: { bbox: [76.85, 43.18, 77.0, 43.32] }, resolution: 9) { studyArea { cellCount } } }' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const stopped = server.stop();
    const response = await inFlight;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { hexagons: { studyArea: { cellCount: number } } } };
    expect(body.data.hexagons.studyArea.cellCount).toBeGreaterThan(0);
    await stopped;
    await expect(fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { id } }"}' })).rejects.toThrow();
  });
});
