/** The benchmark end to end at a tiny size: every stage runs and the results file has its shape. No timings are asserted. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBench, formatTable, BenchResults } from '../../bench/run';
import { formatSummary } from '../../bench/summary';

it('runs import, cases with floors and the mixed load at 5,000 incidents and writes the JSON', async () => {
  const out = path.join(os.tmpdir(), `hotspots-bench-${process.pid}.json`);
  const base = process.env.DATABASE_URL!.replace(/\/[^/]+$/, '');
  const lines: string[] = [];
  const results = await runBench({
    incidents: 5000,
    iterations: 2,
    warmup: 1,
    loadSeconds: 1,
    connections: 2,
    databaseUrl: `${base}/hotspots_bench_smoke_${process.pid}`,
    out,
    keepDatabase: false,
    processes: 2,
    log: (line) => lines.push(line),
  });
  const written = JSON.parse(await fs.readFile(out, 'utf8')) as BenchResults;
  expect(written).toEqual(JSON.parse(JSON.stringify(results)));
  expect(written.incidents).toBe(5000);
  expect(written.import).toMatchObject({ rows: 5000, target: { rowsPerSecond: 100000 } });
  expect(written.import.summary).toMatch(/inserted 5000/);
  expect(written.import.rowsPerSecond).toBeGreaterThan(0);
  // the register layout with its profile imports every row too
  expect(written.importWithProfile).toMatchObject({ rows: 5000, target: { maxCost: 0.2 } });
  expect(written.importWithProfile!.summary).toMatch(/inserted 5000, updated 0, rejected 0/);
  const names = written.cases.map((c) => c.name);
  expect(names).toEqual(expect.arrayContaining(['hexagons city year res 9', 'hotspots city res 10', 'hotspots district res 9']));
  for (const c of written.cases.filter((x) => x.status === 'measured')) {
    expect(c.latencyMs).toEqual({ p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number), min: expect.any(Number), max: expect.any(Number), runs: expect.any(Number) });
    expect(c.latencyMs!.p50).toBeLessThanOrEqual(c.latencyMs!.p99);
  }
  const hexagons = written.cases.find((c) => c.name === 'hexagons city year res 9')!;
  expect(hexagons.floorMs?.p50).toEqual(expect.any(Number));
  expect(hexagons.ratioToFloor).toEqual(expect.any(Number));
  expect(written.load).toMatchObject({ connections: 2, errors: 0, non2xx: 0, target: { requestsPerSecond: 300, p99Ms: 250 } });
  expect(written.load!.requests).toBeGreaterThan(0);
  expect(formatTable(written)).toMatch(/hotspots city res 10/);
  // the load at 1 process, 2 processes, and 2 processes with the response cache warm (hits and misses timed)
  expect(written.loads!.map((l) => [l.processes, l.responseCache, l.errors, l.non2xx])).toEqual([
    [1, 'off', 0, 0],
    [2, 'off', 0, 0],
    [2, 'warm', 0, 0],
  ]);
  expect(written.loads![2]).toMatchObject({ target: { requestsPerSecond: 2000, p99Ms: 250 }, hitMs: { p50: expect.any(Number) }, missMs: { p50: expect.any(Number) } });
  expect(lines.some((l) => /requests of the hit\/miss timing were not/.test(l))).toBe(false);
  const summary = formatSummary(written, 'bench');
  expect(summary).toMatch(/import, CSV end to end/);
  expect(summary).toMatch(/mixed load, 2 processes, cache warm/);
  await fs.rm(out, { force: true });
}, 300_000);
