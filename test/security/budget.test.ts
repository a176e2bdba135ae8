/**
 * The compute budget of one request and the worker pool (docs/security.md, "Compute budget"):
 * aliases of the heaviest request a role may ask for are refused together with QUERY_TOO_COSTLY
 * before any of them computes, one of them passes, heavy work runs in a worker thread while a
 * cheap query answers, results from the pool are bit for bit those of the main thread, a full
 * queue answers SERVER_BUSY and export rows are charged.
 *
 * No assertion reads a clock: the pool's task function and the risk fit are spied on to see
 * what ran, and the cheap query is checked to answer while the heavy task is still computing.
 */
import { gridDisk, latLngToCell } from 'h3-js';
import { seedDemoCity } from '../../src/cli/seed';
import * as pool from '../../src/compute/pool';
import { TASKS } from '../../src/compute/tasks';
import type { RequestUser } from '../../src/domain';
import { buildH3Weights, localMoran, rowStandardised, withoutSelf } from '../../src/geo/stats';
import * as riskModel from '../../src/geo/risk/riskModel';
import { startTestServer, TEST_ANALYST, TestServer, testUserHeaders, truncateLayers } from '../support/server';

const PUBLIC: RequestUser = { id: 'anonymous', role: 'public', agency: null };
const WORKING_GROUP: RequestUser = { id: 'wg-budget', role: 'working_group', agency: null };
const now = new Date();
const END = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const START = new Date(Date.UTC(END.getUTCFullYear() - 1, END.getUTCMonth(), 1));

let t: TestServer | null = null;
/** cells of the city at the release resolution (8) */
let cityCells = 0;
/** the most permutations the public budget allows for the city at resolution 8 (k = 1: 7 neighbours) */
let heaviestPermutations = 0;

const server = (): TestServer => t!;
const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;
const hotspots = (alias: string, permutations: number) => `${alias}: hotspots(area: { city: true }, resolution: 8, permutations: ${permutations}) { hotCellCount studyArea { cellCount } }`;
const aliases = (count: number, field: (alias: string) => string) => `{ ${Array.from({ length: count }, (_, i) => field(`a${i}`)).join(' ')} }`;

beforeAll(async () => {
  // the budget is charged for computing: a repeated request answered from the response cache costs nothing
  t = await startTestServer({ RESPONSE_CACHE: 'off' }, { testUsers: true });
  await truncateLayers(t.server);
  // a year of incidents ending with the last whole month: the release windows of the public and of the risk models hold them
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 6000, start: START, end: END });
  const res = await t.gqlAs<{ hexagons: { studyArea: { cellCount: number } } }>(PUBLIC, '{ hexagons(area: { city: true }, resolution: 8) { studyArea { cellCount } } }');
  expect(res.errors).toBeUndefined();
  cityCells = res.data!.hexagons.studyArea.cellCount;
  heaviestPermutations = Math.min(9999, Math.floor(t.config.compute.budgets.public / (cityCells * 7)));
}, 600_000);

afterAll(async () => {
  await t?.stop();
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the compute budget of one request', () => {
  it('has defaults that hold one heaviest request of each role and not 30 of it', () => {
    const { budgets } = server().config.compute;
    const publicHeaviest = cityCells * 7 * heaviestPermutations;
    expect(heaviestPermutations).toBeGreaterThanOrEqual(999);
    expect(publicHeaviest).toBeLessThanOrEqual(budgets.public);
    expect(30 * publicHeaviest).toBeGreaterThan(budgets.public);
    // a working-group city risk fit: 9 built-in factors over about 5600 resolution-9 cells at 800 units each
    const fit = 5600 * 9 * 800;
    expect(fit).toBeLessThanOrEqual(budgets.working_group);
    expect(30 * fit).toBeGreaterThan(budgets.working_group);
    // analysts: 200,000 cells, k = 5 (91 cells), 9999 permutations
    expect(200_000 * 91 * 9999).toBeLessThanOrEqual(budgets.analyst);
  });

  it('refuses 30 aliases of the heaviest anonymous hotspots request with QUERY_TOO_COSTLY naming the budget, before any of them computes', async () => {
    const tasks = jest.spyOn(pool, 'runComputeTask');
    const res = await server().gqlAs(
      PUBLIC,
      aliases(30, (a) => hotspots(a, heaviestPermutations)),
    );
    expect(res.data ?? null).toBeNull();
    expect(code(res)).toBe('QUERY_TOO_COSTLY');
    const budget = server().config.compute.budgets.public;
    const extensions = res.errors![0].extensions!;
    expect(extensions).toMatchObject({ budget, role: 'public' });
    expect(extensions.requested as number).toBeGreaterThan(budget);
    expect(res.errors![0].message).toContain(`compute budget of the public role, ${budget.toLocaleString('en-US')} work units per request`);
    expect(res.errors![0].message).toContain(`hotspots: ${cityCells} cells x 7 neighbours x ${heaviestPermutations} permutations`);
    expect(tasks).not.toHaveBeenCalled();
  });

  it('answers one alias of it', async () => {
    const tasks = jest.spyOn(pool, 'runComputeTask');
    const res = await server().gqlAs<{ a0: { studyArea: { cellCount: number } } }>(
      PUBLIC,
      aliases(1, (a) => hotspots(a, heaviestPermutations)),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.a0.studyArea.cellCount).toBe(cityCells);
    expect(tasks).toHaveBeenCalledTimes(1);
  });

  it('sums different fields: hotspots and clusters that fit alone do not fit together', async () => {
    const clusters = `c: clusters(area: { city: true }, resolution: 8, permutations: ${heaviestPermutations}) { studyArea { cellCount } }`;
    const together = await server().gqlAs(PUBLIC, `{ ${hotspots('h', heaviestPermutations)} ${clusters} }`);
    expect(code(together)).toBe('QUERY_TOO_COSTLY');
    const alone = await server().gqlAs(PUBLIC, `{ ${clusters} }`);
    expect(alone.errors).toBeUndefined();
  });

  it('refuses 30 aliases of a working-group city risk model before any fit, and answers one', async () => {
    const fits = jest.spyOn(riskModel, 'analyseRiskFactors');
    const field = (alias: string) => `${alias}: riskFactors(area: { city: true }) { modelCellCount }`;
    // refused first: a fitted model is cached, and cached models cost nothing
    const refused = await server().gqlAs(WORKING_GROUP, aliases(30, field));
    expect(code(refused)).toBe('QUERY_TOO_COSTLY');
    expect(refused.errors![0].extensions).toMatchObject({ budget: server().config.compute.budgets.working_group, role: 'working_group' });
    expect(refused.errors![0].message).toContain('compute budget of the working_group role');
    expect(refused.errors![0].message).toMatch(/risk model fit: \d+ cells x \d+ candidate factors/);
    expect(fits).not.toHaveBeenCalled();

    const one = await server().gqlAs<{ a0: { modelCellCount: number } }>(WORKING_GROUP, aliases(1, field));
    expect(one.errors).toBeUndefined();
    expect(one.data!.a0.modelCellCount).toBeGreaterThan(0);
    expect(fits).toHaveBeenCalledTimes(1);
  }, 120_000);

  it('lets analysts ask for what the public may not', async () => {
    const res = await server().gqlAs(
      TEST_ANALYST,
      aliases(2, (a) => hotspots(a, heaviestPermutations)),
    );
    expect(res.errors).toBeUndefined();
  });
});

describe('the worker pool', () => {
  it('answers { me { role } } while a heavy request computes in a worker', async () => {
    let computing!: () => void;
    const started = new Promise<void>((resolve) => (computing = resolve));
    let taskFinished = false;
    const original = pool.runComputeTask;
    jest.spyOn(pool, 'runComputeTask').mockImplementation((...args: Parameters<typeof original>) => {
      const running = original(...args);
      computing();
      return running.finally(() => (taskFinished = true)) as ReturnType<typeof original>;
    });
    const order: string[] = [];
    const heavy = server()
      .gqlAs(
        PUBLIC,
        aliases(1, (a) => hotspots(a, heaviestPermutations)),
      )
      .then((res) => (order.push('heavy'), res));
    await started;
    expect(pool.computePoolRunning()).toBe(true);
    const cheap = await server().gqlAs<{ me: { role: string } }>(PUBLIC, '{ me { role } }');
    order.push('me');
    // the permutation test was still running when the cheap query was answered: it did not hold the event loop
    expect(taskFinished).toBe(false);
    expect(cheap.data!.me.role).toBe('public');
    const res = await heavy;
    expect(res.errors).toBeUndefined();
    expect(order).toEqual(['me', 'heavy']);
  });

  it('gives results bit for bit equal to the main thread', async () => {
    const cells = gridDisk(latLngToCell(43.25, 76.92, 8), 6);
    const weights = buildH3Weights(cells, { k: 1 });
    const values = Float64Array.from(cells, (_, i) => (i * 7919) % 11);
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const sameArrays = (a: Record<string, unknown>, b: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(a)) {
        if (ArrayBuffer.isView(value)) expect({ key, equal: bytes(value).equals(bytes(b[key] as ArrayBufferView)) }).toEqual({ key, equal: true });
        else expect(b[key]).toEqual(value);
      }
    };
    expect(pool.computePoolRunning()).toBe(true);
    const gi = { values, weights, options: { permutations: 499, seed: 99 } };
    sameArrays((await pool.runComputeTask('giStar', gi, pool.POOL_MIN_UNITS)) as unknown as Record<string, unknown>, TASKS.giStar(gi) as unknown as Record<string, unknown>);
    const moranWeights = rowStandardised(withoutSelf(weights));
    const lisa = { values, weights: moranWeights, options: { permutations: 499, seed: 99, alpha: 0.05 } };
    const fromPool = (await pool.runComputeTask('moran', lisa, pool.POOL_MIN_UNITS)) as unknown as Record<string, unknown>;
    sameArrays(fromPool, localMoran(values, moranWeights, lisa.options) as unknown as Record<string, unknown>);
  });
});

describe('a full queue and export rows', () => {
  let b: TestServer;
  beforeAll(async () => {
    // the pool belongs to the process: the first server's is closed, the next one starts its own
    await t?.stop();
    t = null;
    b = await startTestServer({ COMPUTE_QUEUE: '0', COMPUTE_BUDGET_PUBLIC: '50000', RESPONSE_CACHE: 'off' }, { testUsers: true });
  });
  afterAll(async () => {
    await b?.stop();
  });

  it('answers SERVER_BUSY when every worker computes and no task may wait', async () => {
    const ask = () =>
      b.gqlAs(
        TEST_ANALYST,
        aliases(1, (a) => hotspots(a, 9999)),
      );
    const answers = await Promise.all([ask(), ask()]);
    const codes = answers.map((res) => (res.errors ? code(res) : 'ok')).sort();
    expect(codes).toEqual(['SERVER_BUSY', 'ok']);
    const busy = answers.find((res) => res.errors)!;
    expect(busy.errors![0].message).toMatch(/busy/);
  });

  it('charges export rows to the same budget: 400 QUERY_TOO_COSTLY before anything is written', async () => {
    const response = await fetch(b.server.url.replace(/\/graphql$/, '/export/posts.csv'), { headers: testUserHeaders(PUBLIC) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', budget: 50_000 });
    expect(body.errors[0].message).toMatch(/export of posts: \d+ rows/);
  });
});
