/**
 * Streamed list exports: after the first page (the GraphQL query) the rows come from one SQL
 * cursor. The file must be byte for byte the one the GraphQL pages give, every streamed batch of
 * incidents is audited, a client that goes away gives the connection back, and the compute
 * budget still cuts an export that passes it.
 */
import http from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { exportRowWriter, type ExportFormat } from '../../src/analysis/exports';
import { seedDemoCity } from '../../src/cli/seed';
import { buildApiSchema } from '../../src/graphql/build';
import { planExport, rowsOf } from '../../src/http/exports';
import { startTestServer, TestServer, testUserHeaders, truncateLayers } from '../support/server';

let t: TestServer;
let base: string;
let schema: GraphQLSchema;
const ANALYST = testUserHeaders({ id: 'stream-analyst', role: 'analyst', agency: null });

beforeAll(async () => {
  // pages of 40 rows: every list below streams after its first page
  t = await startTestServer({ MAX_PAGE_SIZE: '40', DEFAULT_PAGE_SIZE: '10' }, { testUsers: true });
  base = t.server.url.replace('/graphql', '');
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 2000 });
  schema = await buildApiSchema();
});

afterAll(async () => {
  await t.stop();
});

/** The file the paged GraphQL answers make, with the export's own plan and writer. */
async function expectedFile(field: string, format: ExportFormat, query: Record<string, string>, headers: Record<string, string>): Promise<string> {
  const plan = planExport(schema, field, query, { cityBounds: t.config.cityBounds, points: ['incidents', 'posts'].includes(field) });
  const writer = exportRowWriter(format, plan);
  let out = writer.begin({ query: plan.field, parameters: plan.variables });
  let after: string | null = null;
  let first = true;
  for (;;) {
    const result = await t.gql<Record<string, Record<string, unknown>>>(plan.operation, { ...plan.variables, first: 40, after }, headers);
    expect(result.errors).toBeUndefined();
    const answer = result.data![field];
    for (const row of rowsOf(plan, answer)) {
      out += writer.row(row, first);
      first = false;
    }
    const pageInfo = answer.pageInfo as { endCursor: string; hasNextPage: boolean };
    if (!pageInfo.hasNextPage) break;
    after = pageInfo.endCursor;
  }
  return out + writer.end();
}

describe('streamed list exports', () => {
  it.each([
    ['incidents', 'csv', 'categories=THEFT,ROBBERY&from=2026-01-01T00:00:00Z'],
    ['incidents', 'geojson', ''],
    ['posts', 'geojson', ''],
    ['roadDefects', 'csv', 'status=OPEN'],
    ['areas', 'geojson', 'kind=PRECINCT'],
    ['population', 'csv', ''],
  ])('%s.%s?%s is byte for byte the file of the GraphQL pages', async (field, format, search) => {
    const query = Object.fromEntries(new URLSearchParams(search));
    const res = await fetch(`${base}/export/${field}.${format}${search ? `?${search}` : ''}`, { headers: ANALYST });
    expect(res.status).toBe(200);
    const body = await res.text();
    const expected = await expectedFile(field, format as ExportFormat, query, ANALYST);
    expect(body.length).toBeGreaterThan(0);
    expect(body === expected).toBe(true);
  });

  it('every streamed batch of incident points is written to the audit log with its rows', async () => {
    const before = (await t.server.db.knex('audit_log').where({ user_id: 'stream-analyst' }).sum('row_count as rows').first()) as { rows: string | null };
    const res = await fetch(`${base}/export/incidents.csv`, { headers: ANALYST });
    const rows = (await res.text()).trim().split('\r\n').length - 1;
    const after = (await t.server.db.knex('audit_log').where({ user_id: 'stream-analyst' }).sum('row_count as rows').first()) as { rows: string | null };
    expect(rows).toBeGreaterThan(1000);
    expect(Number(after.rows) - Number(before.rows ?? 0)).toBe(rows);
  });

  it('clients that go away mid-export give their database connections back', async () => {
    // more aborted exports than the pool has connections (10)
    for (let i = 0; i < 14; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${base}/export/incidents.geojson`, { headers: ANALYST }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (error) => (req.destroyed ? resolve() : reject(error)));
      });
    }
    const res = await fetch(`${base}/export/incidents.csv?categories=THEFT`, { headers: ANALYST });
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBeGreaterThan(1000);
  });

  it('the compute budget cuts a streamed export that passes it: the client gets no complete file', async () => {
    const small = await startTestServer({ MAX_PAGE_SIZE: '40', COMPUTE_BUDGET_ANALYST: '300000' }, { testUsers: true });
    try {
      const url = small.server.url.replace('/graphql', '');
      const outcome = await new Promise<string>((resolve) => {
        http
          .get(`${url}/export/incidents.csv`, { headers: ANALYST }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(`complete ${text.length}`));
            res.on('error', () => resolve('cut'));
            res.on('aborted', () => resolve('cut'));
          })
          .on('error', () => resolve('cut'));
      });
      expect(outcome).toBe('cut');
    } finally {
      await small.stop();
    }
  });
});
