/**
 * `npm run bench [-- --incidents N] [--only TEXT]`: a generated city of N incidents in a fresh
 * database, its incidents imported through the real CLI import from CSV (timed end to end), then
 * every case of bench/cases/*.ts run through HTTP against a running server (warm-up first), each
 * next to its SQL floor timed in the same run, then the contention cases (heavy anonymous
 * clients in a loop while a cheap query is timed, for --load-seconds), then a concurrent mixed
 * dashboard load with autocannon. `--only TEXT` runs just the cases and contention cases whose
 * name contains TEXT (the dashboard load only for `--only load`), e.g. `--only contention` for the contention case alone.
 * The cases run against one server process with the response cache off; the load runs at one
 * process, at `--workers N` processes (default: the cores) and at N processes with the response
 * cache warm (bench/load.ts). Prints the one-screen table of every figure with a target
 * (bench/summary.ts) and writes the figures to bench/results/bench-<N>.json.
 */
import 'reflect-metadata';
import { spawn, ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import { issueToken } from '../src/auth/tokens';
import os from 'node:os';
import http from 'node:http';
import zlib from 'node:zlib';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { loadConfig } from '../src/config';
import { connect, dropDatabase } from '../src/db/connection';
import { generateCityLayers, storeCityLayers, writeIncidentsCsv } from './city';
import { CopyFloor, copyFloorLine, timeCopyFloor } from './copyFloor';
import { ProfileImportResult, timeProfileImport } from './importProfile';
import type { AnonymousAsk, BenchCase, BenchContext, ContentionCase, FloorSql, LoadRequest } from './types';
import { cacheLatency, LoadFigures, LoadOptions, LoadRun, runLoad, warmUp } from './load';
import { formatSummary } from './summary';

/** The checkout: bench/ from the sources (tests), dist/bench/ when compiled. */
const ROOT = existsSync(path.resolve(__dirname, '..', 'package.json')) ? path.resolve(__dirname, '..') : path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface BenchOptions {
  incidents: number;
  iterations: number;
  warmup: number;
  loadSeconds: number;
  connections: number;
  databaseUrl: string;
  out: string;
  keepDatabase: boolean;
  log: (line: string) => void;
  /** run only the cases (and contention cases) whose name contains this; the dashboard load is then left out */
  only?: string;
  /** server processes of the several-process load (default: the number of cores) */
  processes?: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  runs: number;
}

export interface CaseResult {
  name: string;
  status: 'measured' | 'skipped';
  note?: string;
  /** the first request after the server started (includes building caches) */
  firstMs?: number;
  latencyMs?: Percentiles;
  floorMs?: Percentiles;
  /** p50 / floor p50 */
  ratioToFloor?: number;
  responseBytes?: number;
  target?: BenchCase['target'];
  met?: boolean;
}

export interface ContentionResult {
  name: string;
  status: 'measured' | 'skipped';
  note?: string;
  /** the heavy request in words */
  heavy?: string;
  heavyClients?: number;
  /** heavy requests completed during the measurement, with their errors and mean duration */
  heavyRequests?: number;
  heavyErrors?: number;
  heavyMeanMs?: number;
  /** the cheap query alone, before the heavy clients start */
  aloneMs?: Percentiles;
  /** the cheap query while the heavy clients run */
  latencyMs?: Percentiles;
  seconds?: number;
  target: ContentionCase['target'];
  met?: boolean;
}

export interface ExportResult {
  name: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** bytes on the wire (compressed) */
  bytes: number;
  contentEncoding: string | null;
  target: { rowsPerSecond: number };
  met: boolean;
}

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; loadAverage: number[]; node: string };
  incidents: number;
  iterations: number;
  setup: { generateSeconds: number; csvSeconds: number; csvBytes: number; otherLayers: Record<string, number> };
  import: { rows: number; seconds: number; rowsPerSecond: number; summary: string; target: { rowsPerSecond: number }; met: boolean; copyFloor?: CopyFloor & { ratio: number } };
  /** the same incidents as a register is published, imported with a mapping profile (case `import with a profile`) */
  importWithProfile?: ProfileImportResult | null;
  cases: CaseResult[];
  contention: ContentionResult[];
  /** city-wide exports of every incident point, gzip-compressed as a client asking for it gets them */
  exports?: ExportResult[];
  load: (LoadFigures & { target: { requestsPerSecond: number; p99Ms: number } }) | null;
  /** the mixed load at 1 process, N processes, and N processes with the response cache warm (bench/load.ts) */
  loads?: LoadRun[];
  totalSeconds: number;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  // nearest rank
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Starts `hotspots serve --workers N` on a free port; resolves with its GraphQL URL once it answers. */
function startServer(env: NodeJS.ProcessEnv, workers = 1): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--workers', String(workers)], { env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /ready at (http:\/\/\S+\/graphql)/.exec(out);
      if (match) resolve({ url: match[1], child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before it was ready: ${out}`)));
  });
}

interface Timed {
  ms: number;
  bytes: number;
  body: string;
}

/** The benchmark's own credentials (an analyst's bearer token), set when the run starts. */
let authorization = '';

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }) });
  const body = await response.text();
  return { ms: performance.now() - started, bytes: body.length, body };
}

function graphQLProblem(body: string): { code: string; message: string } | null {
  const parsed = JSON.parse(body) as { errors?: { message: string; extensions?: { code?: string } }[] };
  if (!parsed.errors?.length) return null;
  return { code: parsed.errors[0].extensions?.code ?? 'UNKNOWN', message: parsed.errors[0].message };
}

async function timeSql(knex: Knex, floor: FloorSql, warmup: number, iterations: number): Promise<Percentiles> {
  // the GROUP BY runs in full; only its row count travels, so the floor is the database's work alone
  const sql = `SELECT count(*) FROM (${floor.sql}) AS floor`;
  const samples: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const started = performance.now();
    await knex.raw(sql, (floor.bindings ?? []) as Knex.RawBinding[]);
    if (i >= warmup) samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

interface CaseModule {
  cases?: BenchCase[];
  contention?: ContentionCase[];
  dashboardLoad?: (ctx: BenchContext) => LoadRequest[];
}

/** Every bench/cases/*.js module, the dashboard's first. */
function loadCaseModules(): { file: string; module: CaseModule }[] {
  const dir = path.join(__dirname, 'cases');
  // compiled: cases/*.js; under ts-jest the sources: cases/*.ts
  const ext = path.extname(__filename);
  const first = `dashboard${ext}`;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts'))
    .sort((a, b) => (a === first ? -1 : b === first ? 1 : a.localeCompare(b)));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return files.map((file) => ({ file, module: require(path.join(dir, file)) as CaseModule }));
}

async function benchContext(knex: Knex): Promise<BenchContext> {
  const districts = (await knex('areas').where({ kind: 'district' }).orderBy('id').select('id')) as { id: string }[];
  const [{ last }] = (await knex('incidents').max('occurred_at as last')) as { last: Date | null }[];
  const end = last ? new Date(last.getTime() + 1) : new Date();
  const yearFrom = new Date(end);
  yearFrom.setUTCFullYear(yearFrom.getUTCFullYear() - 1);
  const monthFrom = new Date(end.getTime() - 30 * 86_400_000);
  const [{ count }] = (await knex('incidents').where('occurred_at', '>=', yearFrom).count('* as count')) as { count: string }[];
  return {
    incidentsInYear: Number(count),
    districtIds: districts.map((d) => String(d.id)),
    year: { from: yearFrom.toISOString(), to: end.toISOString() },
    month: { from: monthFrom.toISOString(), to: end.toISOString() },
  };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log;
  const benchStarted = performance.now();
  const config = loadConfig({ ...process.env, DATABASE_URL: options.databaseUrl });
  // a production server: it needs a signing secret; the benchmark signs in as an analyst (true
  // counts, no suppression) and lifts the per-caller rate limit, which would otherwise throttle the load
  const secret = randomBytes(32).toString('hex');
  const env = { ...process.env, DATABASE_URL: options.databaseUrl, NODE_ENV: 'production', AUTH_JWT_SECRET: secret, RATE_LIMIT_PER_MINUTE: '1000000' };
  authorization = `Bearer ${await issueToken(loadConfig(env).auth, { role: 'analyst', agency: null, subject: 'bench', expiresIn: '2h' })}`;
  await dropDatabase(options.databaseUrl);
  const migrated = await run(process.execPath, [CLI, 'migrate'], env);
  if (migrated.code !== 0) throw new Error(`migrate failed (${migrated.code}): ${migrated.stderr}`);
  const db = connect(options.databaseUrl);
  let server: ChildProcess | null = null;
  try {
    log(`database ${new URL(options.databaseUrl).pathname.slice(1)} created and migrated`);

    let t = performance.now();
    const city = generateCityLayers();
    const otherLayers = await storeCityLayers(db.knex, config, city);
    const generateSeconds = (performance.now() - t) / 1000;
    log(
      `city layers generated and stored in ${generateSeconds.toFixed(1)} s: ${Object.entries(otherLayers)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );

    const workDir = path.join(ROOT, '.bench');
    await fs.mkdir(workDir, { recursive: true });
    const csv = path.join(workDir, `incidents-${options.incidents}.csv`);
    t = performance.now();
    await writeIncidentsCsv(city, options.incidents, csv);
    const csvSeconds = (performance.now() - t) / 1000;
    const csvBytes = (await fs.stat(csv)).size;
    log(`${options.incidents} incidents written to ${path.relative(ROOT, csv)} (${(csvBytes / 1e6).toFixed(0)} MB) in ${csvSeconds.toFixed(1)} s`);

    t = performance.now();
    const imported = await run(process.execPath, [CLI, 'import', 'incidents', csv, '--rejects', `${csv}.rejects.csv`], env);
    const importSeconds = (performance.now() - t) / 1000;
    if (imported.code !== 0) throw new Error(`import failed (${imported.code}): ${imported.stderr}`);
    const importRate = options.incidents / importSeconds;
    log(`import (CLI, end to end from CSV): ${imported.stdout.trim().split('\n')[0]}`);
    log(`import: ${options.incidents} rows in ${importSeconds.toFixed(1)} s = ${Math.round(importRate)} rows/s (target 100000)`);
    const floor = await timeCopyFloor(db.knex, `${csv}.floor.copy`);
    log(copyFloorLine(importSeconds, floor));
    await db.knex.raw('ANALYZE');
    const wanted = (name: string) => options.only === undefined || name.includes(options.only);

    let importWithProfile: ProfileImportResult | null = null;
    if (wanted('import with a profile')) {
      importWithProfile = await timeProfileImport({ run, cli: CLI, env, databaseUrl: options.databaseUrl, config, city, incidents: options.incidents, workDir, plainRowsPerSecond: importRate });
      const p = importWithProfile;
      log(`import with a profile (register layout: Russian columns, ';', decimal commas, local dd.MM.yyyy dates, Russian categories): ${p.summary}`);
      log(`import with a profile: ${p.rows} rows in ${p.seconds.toFixed(1)} s = ${p.rowsPerSecond} rows/s, ${(p.cost * 100).toFixed(1)} % slower than without (${p.plainRowsPerSecond} rows/s; target at most 20 %)`);
    }

    const ctx = await benchContext(db.knex);
    // the cases time the analyses: one process, no response cache
    const started = await startServer({ ...env, RESPONSE_CACHE: 'off' });
    server = started.child;
    const url = started.url;
    log(`server at ${url}`);

    const modules = loadCaseModules();
    const results: CaseResult[] = [];
    for (const { file, module } of modules) {
      for (const c of (module.cases ?? []).filter((x) => wanted(x.name))) {
        const variables = typeof c.variables === 'function' ? c.variables(ctx) : (c.variables ?? {});
        const first = await post(url, c.query, variables);
        const problem = graphQLProblem(first.body);
        if (problem) {
          const note = problem.code === 'GRAPHQL_VALIDATION_FAILED' ? `not in this schema (${problem.message})` : `${problem.code}: ${problem.message}`;
          log(`skip ${c.name} (${file}): ${note}`);
          results.push({ name: c.name, status: 'skipped', note, target: c.target });
          continue;
        }
        const summary = c.summary ? c.summary((JSON.parse(first.body) as { data: Record<string, unknown> }).data) : undefined;
        if (summary) log(`${c.name}: ${summary}`);
        const iterations = Math.max(1, Math.round(((c.iterations ?? options.iterations) * options.iterations) / 30));
        for (let i = 1; i < options.warmup; i++) await post(url, c.query, variables);
        const samples: number[] = [];
        for (let i = 0; i < iterations; i++) samples.push((await post(url, c.query, variables)).ms);
        const latencyMs = percentiles(samples);
        const floorSpec = typeof c.floorSql === 'function' ? c.floorSql(ctx) : c.floorSql;
        const floorMs = floorSpec ? await timeSql(db.knex, floorSpec, Math.min(2, options.warmup), Math.max(3, Math.round(iterations / 3))) : undefined;
        const ratioToFloor = floorMs ? latencyMs.p50 / floorMs.p50 : undefined;
        const met =
          c.target === undefined
            ? undefined
            : (c.target.p50Ms === undefined || latencyMs.p50 < c.target.p50Ms) &&
              (c.target.p99Ms === undefined || latencyMs.p99 < c.target.p99Ms) &&
              (c.target.floorRatio === undefined || (ratioToFloor !== undefined && ratioToFloor < c.target.floorRatio));
        const result: CaseResult = { name: c.name, status: 'measured', note: summary, firstMs: round(first.ms), latencyMs, floorMs, ratioToFloor, responseBytes: first.bytes, target: c.target, met };
        results.push(result);
        log(
          `${c.name}: p50 ${latencyMs.p50.toFixed(1)} ms, p95 ${latencyMs.p95.toFixed(1)}, p99 ${latencyMs.p99.toFixed(1)}` +
            (floorMs ? `; floor p50 ${floorMs.p50.toFixed(1)} ms, ratio ${ratioToFloor!.toFixed(2)}` : '') +
            ` (first ${first.ms.toFixed(0)} ms, ${(first.bytes / 1024).toFixed(0)} KiB)`,
        );
      }
    }

    const contention: ContentionResult[] = [];
    for (const c of modules.flatMap((m) => m.module.contention ?? []).filter((x) => wanted(x.name))) {
      if (options.loadSeconds <= 0) continue;
      contention.push(await runContention(url, c, ctx, options.loadSeconds, log));
    }

    const exportResults: ExportResult[] = [];
    for (const format of ['csv', 'geojson'] as const) {
      const name = `export incidents city ${format} gzip`;
      if (!wanted(name)) continue;
      exportResults.push(await timeExport(url.replace(/\/graphql$/, ''), format, name));
      const e = exportResults[exportResults.length - 1];
      log(`${name}: ${e.rows} rows in ${e.seconds.toFixed(1)} s = ${e.rowsPerSecond.toLocaleString('en')} rows/s, ${(e.bytes / 1e6).toFixed(1)} MB ${e.contentEncoding ?? 'uncompressed'} (target >= 50,000 rows/s)`);
    }

    let load: BenchResults['load'] = null;
    const loads: LoadRun[] = [];
    const processes = options.processes ?? os.availableParallelism();
    const dashboard = modules.find((m) => m.module.dashboardLoad)?.module.dashboardLoad;
    if (dashboard && options.loadSeconds > 0 && wanted('mixed load')) {
      const mix = dashboard(ctx);
      for (const r of mix) {
        const problem = graphQLProblem((await post(url, r.query, r.variables)).body);
        if (problem) throw new Error(`load request ${r.name} fails: ${problem.code} ${problem.message}`);
      }
      log(
        `mixed dashboard load: ${mix.length} requests cycled by ${options.connections} connections for ${options.loadSeconds} s, at 1 process, ${processes} processes, ${processes} processes with the response cache warm`,
      );
      const loadOptions = (at: string): LoadOptions => ({ url: at, authorization, connections: options.connections, seconds: options.loadSeconds });
      const report = (run: LoadRun) =>
        log(
          `load, ${run.name}: ${Math.round(run.requestsPerSecond)} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, ${run.errors} errors, ${run.non2xx} non-2xx` +
            (run.hitMs ? `; cache hit p50 ${run.hitMs.p50} ms p99 ${run.hitMs.p99}, miss p50 ${run.missMs!.p50} ms p99 ${run.missMs!.p99}` : ''),
        );
      const single = await runLoad(loadOptions(url), mix, { name: 'mixed load, 1 process', processes: 1, responseCache: 'off', target: LOAD_TARGET });
      report(single);
      loads.push(single);
      load = { ...single, mix: single.mix };
      await stopServer(server);
      // N processes, no cache: every process builds its own columns first (round robin reaches each)
      const several = await startServer({ ...env, RESPONSE_CACHE: 'off' }, processes);
      server = several.child;
      await warmUp(loadOptions(several.url), mix, processes + 1);
      loads.push(await runLoad(loadOptions(several.url), mix, { name: `mixed load, ${processes} processes`, processes, responseCache: 'off', target: LOAD_TARGET }));
      report(loads[loads.length - 1]);
      await stopServer(server);
      // N processes sharing the response cache in Redis (a key prefix of this run's own)
      const cachedEnv = { ...env, RESPONSE_CACHE: 'on', RESPONSE_CACHE_PREFIX: `hotspots-bench:${process.pid}:${Date.now().toString(36)}:` };
      const warm = await startServer(cachedEnv, processes);
      server = warm.child;
      const latency = await cacheLatency(loadOptions(warm.url), mix);
      if (latency.unexpected > 0) log(`note: ${latency.unexpected} requests of the hit/miss timing were not the expected miss or hit (is Redis running?)`);
      const warmRun = await runLoad(loadOptions(warm.url), mix, { name: `mixed load, ${processes} processes, cache warm`, processes, responseCache: 'warm', target: WARM_LOAD_TARGET });
      loads.push({ ...warmRun, missMs: latency.missMs, hitMs: latency.hitMs });
      report(loads[loads.length - 1]);
    }

    const results_: BenchResults = {
      startedAt: new Date(Date.now() - (performance.now() - benchStarted)).toISOString(),
      machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((v) => round(v, 2)), node: process.version },
      incidents: options.incidents,
      iterations: options.iterations,
      setup: { generateSeconds: round(generateSeconds), csvSeconds: round(csvSeconds), csvBytes, otherLayers },
      import: {
        rows: options.incidents,
        seconds: round(importSeconds, 2),
        rowsPerSecond: Math.round(importRate),
        summary: imported.stdout.trim().split('\n')[0],
        target: { rowsPerSecond: 100_000 },
        met: importRate >= 100_000 && importSeconds <= 1.5 * floor.seconds,
        copyFloor: { ...floor, ratio: round(importSeconds / floor.seconds, 2) },
      },
      importWithProfile,
      cases: results,
      contention,
      exports: exportResults,
      load,
      loads,
      totalSeconds: 0,
    };
    results_.totalSeconds = round((performance.now() - benchStarted) / 1000);
    await fs.mkdir(path.dirname(options.out), { recursive: true });
    await fs.writeFile(options.out, JSON.stringify(results_, null, 2) + '\n');
    await fs.rm(csv, { force: true });
    return results_;
  } finally {
    if (server) await stopServer(server);
    await db.knex.destroy();
    if (!options.keepDatabase) await dropDatabase(options.databaseUrl);
  }
}

/** The issue's targets for the mixed dashboard load: computed answers, and answers dashboards repeat. */
const LOAD_TARGET = { requestsPerSecond: 300, p99Ms: 250 };
const WARM_LOAD_TARGET = { requestsPerSecond: 2000, p99Ms: 250 };

/** Stops a server started by startServer (all its processes) and waits for it to exit. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Anonymous requests: no credentials, the public role. */
async function postAnonymous(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await response.text();
  return { ms: performance.now() - started, bytes: body.length, body };
}

/** Times `cheap` one request after another until `until` (performance.now() milliseconds). */
async function timeCheap(url: string, cheap: string, until: number): Promise<number[]> {
  const samples: number[] = [];
  while (performance.now() < until) {
    const timed = await post(url, cheap, {});
    const problem = graphQLProblem(timed.body);
    if (problem) throw new Error(`the cheap query fails: ${problem.code} ${problem.message}`);
    samples.push(timed.ms);
  }
  return samples;
}

/**
 * A contention case: the cheap query alone for a quarter of `seconds`, then for `seconds` while
 * `clients` anonymous clients each send the heavy request in a loop.
 */
async function runContention(url: string, c: ContentionCase, ctx: BenchContext, seconds: number, log: (line: string) => void): Promise<ContentionResult> {
  const ask: AnonymousAsk = async (query, variables) => JSON.parse((await postAnonymous(url, query, variables)).body);
  let heavy: Awaited<ReturnType<ContentionCase['heavy']>>;
  try {
    heavy = await c.heavy(ctx, ask);
    const first = await postAnonymous(url, heavy.query, heavy.variables);
    const problem = graphQLProblem(first.body);
    if (problem) throw new Error(`${problem.code}: ${problem.message}`);
    log(`${c.name}: heavy request ${heavy.description}, ${first.ms.toFixed(0)} ms alone`);
  } catch (error) {
    const note = (error as Error).message;
    log(`skip ${c.name}: ${note}`);
    return { name: c.name, status: 'skipped', note, target: c.target };
  }
  await timeCheap(url, c.cheap, performance.now() + 500);
  const alone = await timeCheap(url, c.cheap, performance.now() + (seconds * 1000) / 4);
  let stop = false;
  let heavyRequests = 0;
  let heavyErrors = 0;
  let heavyMs = 0;
  const clients = Array.from({ length: c.clients }, async () => {
    while (!stop) {
      const timed = await postAnonymous(url, heavy.query, heavy.variables);
      if (stop) break;
      heavyRequests++;
      heavyMs += timed.ms;
      if (graphQLProblem(timed.body)) heavyErrors++;
    }
  });
  // the heavy clients are busy before the measurement starts
  await new Promise((resolve) => setTimeout(resolve, 200));
  const loaded = await timeCheap(url, c.cheap, performance.now() + seconds * 1000);
  stop = true;
  await Promise.all(clients);
  const latencyMs = percentiles(loaded);
  const aloneMs = percentiles(alone);
  const met = latencyMs.p99 < c.target.p99Ms && heavyRequests > 0 && heavyErrors === 0;
  log(
    `${c.name}: cheap query p50 ${latencyMs.p50.toFixed(1)} ms, p99 ${latencyMs.p99.toFixed(1)} ms over ${latencyMs.runs} requests (alone p50 ${aloneMs.p50.toFixed(1)}, p99 ${aloneMs.p99.toFixed(1)}); ` +
      `${heavyRequests} heavy requests in ${seconds} s, mean ${(heavyMs / Math.max(1, heavyRequests)).toFixed(0)} ms, ${heavyErrors} errors; target p99 < ${c.target.p99Ms} ms ${met ? 'met' : 'NOT met'}`,
  );
  return {
    name: c.name,
    status: 'measured',
    heavy: heavy.description,
    heavyClients: c.clients,
    heavyRequests,
    heavyErrors,
    heavyMeanMs: round(heavyMs / Math.max(1, heavyRequests)),
    aloneMs,
    latencyMs,
    seconds,
    target: c.target,
    met,
  };
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function formatTable(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`benchmark at ${r.incidents.toLocaleString('en')} incidents (${r.machine.cpus} CPUs, load average ${r.machine.loadAverage.join(' ')}; node ${r.machine.node})`);
  const floor = r.import.copyFloor ? `; bare COPY ${r.import.copyFloor.rowsPerSecond.toLocaleString('en')} rows/s, ratio ${r.import.copyFloor.ratio} x` : '';
  lines.push(`import: ${r.import.rowsPerSecond.toLocaleString('en')} rows/s end to end from CSV (${r.import.seconds} s${floor})   target >= 100,000 and <= 1.5 x COPY   ${r.import.met ? 'met' : 'NOT met'}`);
  if (r.importWithProfile) {
    const p = r.importWithProfile;
    lines.push(`import with a profile: ${p.rowsPerSecond.toLocaleString('en')} rows/s (${p.seconds} s), ${(p.cost * 100).toFixed(1)} % slower than without   target <= 20 %   ${p.met ? 'met' : 'NOT met'}`);
  }
  lines.push('');
  lines.push(`${pad('operation', 32)}${lpad('p50', 9)}${lpad('p95', 9)}${lpad('p99', 9)}${lpad('floor', 9)}${lpad('ratio', 7)}${lpad('first', 9)}${lpad('KiB', 7)}  target`);
  for (const c of r.cases) {
    if (c.status === 'skipped') {
      lines.push(`${pad(c.name, 32)}skipped: ${c.note}`);
      continue;
    }
    const l = c.latencyMs!;
    const target = c.target
      ? [c.target.p50Ms !== undefined ? `p50 < ${c.target.p50Ms}` : '', c.target.floorRatio !== undefined ? `ratio < ${c.target.floorRatio}` : ''].filter(Boolean).join(', ') + (c.met ? '  met' : '  NOT met')
      : '';
    lines.push(
      `${pad(c.name, 32)}${lpad(l.p50.toFixed(1), 9)}${lpad(l.p95.toFixed(1), 9)}${lpad(l.p99.toFixed(1), 9)}${lpad(c.floorMs ? c.floorMs.p50.toFixed(1) : '-', 9)}${lpad(c.ratioToFloor !== undefined ? c.ratioToFloor.toFixed(2) : '-', 7)}${lpad(c.firstMs!.toFixed(0), 9)}${lpad(((c.responseBytes ?? 0) / 1024).toFixed(0), 7)}  ${target}`,
    );
  }
  lines.push('(milliseconds; floor: the bare SQL GROUP BY over the same rows, timed in this run; ratio: p50 / floor p50; first: first request after start, caches cold)');
  for (const c of r.contention ?? []) {
    lines.push('');
    if (c.status === 'skipped') {
      lines.push(`${c.name}: skipped: ${c.note}`);
      continue;
    }
    lines.push(
      `${c.name} (${c.heavyClients} client(s) looping ${c.heavy}; ${c.heavyRequests} heavy requests in ${c.seconds} s, mean ${c.heavyMeanMs} ms, errors ${c.heavyErrors}): ` +
        `cheap query p50 ${c.latencyMs!.p50.toFixed(1)} ms, p99 ${c.latencyMs!.p99.toFixed(1)} ms (${c.latencyMs!.runs} runs; alone p50 ${c.aloneMs!.p50.toFixed(1)}, p99 ${c.aloneMs!.p99.toFixed(1)})   target p99 < ${c.target.p99Ms} ms   ${c.met ? 'met' : 'NOT met'}`,
    );
  }
  for (const e of r.exports ?? []) {
    lines.push('');
    lines.push(
      `${e.name}: ${e.rowsPerSecond.toLocaleString('en')} rows/s (${e.rows.toLocaleString('en')} rows in ${e.seconds} s, ${(e.bytes / 1e6).toFixed(1)} MB ${e.contentEncoding ?? 'uncompressed'})   target >= ${e.target.rowsPerSecond.toLocaleString('en')} rows/s   ${e.met ? 'met' : 'NOT met'}`,
    );
  }
  if (r.load) {
    lines.push('');
    lines.push(
      `mixed dashboard load (${r.load.connections} connections, ${r.load.seconds} s; ${r.load.mix.join(', ')}): ${Math.round(r.load.requestsPerSecond)} req/s, p50 ${r.load.latencyMs.p50} ms, p99 ${r.load.latencyMs.p99} ms, errors ${r.load.errors + r.load.non2xx}   target >= 300 req/s at p99 < 250 ms   ${r.load.met ? 'met' : 'NOT met'}`,
    );
  }
  lines.push(`total ${r.totalSeconds} s`);
  return lines.join('\n');
}

/**
 * One city-wide export of every incident point (sensitive categories are never points), read to
 * the end as a GIS client would, asking for gzip; the rows are counted from what arrived.
 */
async function timeExport(base: string, format: 'csv' | 'geojson', name: string): Promise<ExportResult> {
  const started = performance.now();
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(`${base}/export/incidents.${format}`, { headers: { authorization, 'accept-encoding': 'gzip' } }, resolve).on('error', reject);
  });
  if (response.statusCode !== 200) throw new Error(`${name}: HTTP ${response.statusCode}`);
  const contentEncoding = response.headers['content-encoding'] ?? null;
  let bytes = 0;
  response.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const body: NodeJS.ReadableStream = contentEncoding === 'gzip' ? response.pipe(zlib.createGunzip()) : response;
  // rows counted as they arrive: CSV lines (descriptions hold no line breaks) or GeoJSON features
  const marker = format === 'csv' ? '\n' : '"type":"Feature"';
  const decoder = new TextDecoder();
  let rows = 0;
  let tail = '';
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const text = tail + decoder.decode(chunk, { stream: true });
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) rows++;
    // a marker split over two chunks is found whole in the next text; a shorter tail holds no whole marker
    tail = text.slice(Math.max(0, text.length - marker.length + 1));
  }
  if (format === 'csv') rows -= 1; // the header line
  const seconds = (performance.now() - started) / 1000;
  const rowsPerSecond = Math.round(rows / seconds);
  return { name, rows, seconds: round(seconds, 2), rowsPerSecond, bytes, contentEncoding, target: { rowsPerSecond: 50_000 }, met: rowsPerSecond >= 50_000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      incidents: { type: 'string' },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      'load-seconds': { type: 'string' },
      connections: { type: 'string' },
      database: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean' },
      only: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const int = (raw: string | undefined, fallback: number, name: string, min: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return value;
  };
  const incidents = int(values.incidents, 1_000_000, 'incidents', 1);
  const base = process.env.BENCH_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const results = await runBench({
    incidents,
    iterations: int(values.iterations, 30, 'iterations', 1),
    warmup: int(values.warmup, 5, 'warmup', 1),
    loadSeconds: int(values['load-seconds'], 20, 'load-seconds', 0),
    connections: int(values.connections, 16, 'connections', 1),
    databaseUrl: `${base}/${values.database ?? 'hotspots_bench'}`,
    out: values.out ?? path.join(ROOT, 'bench', 'results', `bench-${incidents}.json`),
    keepDatabase: values.keep ?? false,
    only: values.only,
    processes: values.workers === undefined ? undefined : int(values.workers, 2, 'workers', 1),
    log: (line) => console.log(line),
  });
  console.log(
    '\n' +
      formatSummary(
        results,
        `benchmark at ${results.incidents.toLocaleString('en')} incidents (${results.machine.cpus} CPUs, load average ${results.machine.loadAverage.join(' ')}; node ${results.machine.node}; total ${results.totalSeconds} s)`,
      ),
  );
  console.log(`\nresults written to ${path.relative(process.cwd(), values.out ?? path.join(ROOT, 'bench', 'results', `bench-${incidents}.json`))}`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
