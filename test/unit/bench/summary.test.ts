/** The bench's one-screen table is generic over the results: a section it has never heard of appears with its figure, target and verdict. */
import { formatSummary, summaryRows } from '../../../bench/summary';

const results = {
  incidents: 1000,
  import: { rows: 1000, seconds: 1, rowsPerSecond: 81_000, ratioToCopy: 1.4, target: { rowsPerSecond: 100_000 }, met: false },
  cases: [
    { name: 'hexagons city year res 9', status: 'measured', latencyMs: { p50: 38.2, p95: 50, p99: 61 }, ratioToFloor: 0.09, target: { p50Ms: 40 }, met: true },
    { name: 'posts list', status: 'measured', latencyMs: { p50: 2, p95: 3, p99: 4 } },
    { name: 'gone', status: 'skipped', note: 'not in this schema', target: { p50Ms: 10 } },
  ],
  load: { requestsPerSecond: 100, latencyMs: { p50: 1, p99: 2 }, target: { requestsPerSecond: 300, p99Ms: 250 }, met: false },
  loads: [{ name: 'mixed load, 2 processes, cache warm', requestsPerSecond: 2500, latencyMs: { p50: 5, p99: 20 }, hitMs: { p50: 1.2 }, missMs: { p50: 30 }, target: { requestsPerSecond: 2000, p99Ms: 250 }, met: true }],
  siting: { name: 'suggestPostSites 36 of 10,000', figure: 'optimal, gap 0 %', target: 'proven optimal within 10 s', met: true },
  forecasts: [{ name: 'forecast district', latencyMs: { p50: 12, p99: 30 }, target: { p50Ms: 50 }, met: true }],
  totalSeconds: 3,
};

it('has a row per figure with a target or verdict, in the issue order, including sections it does not know', () => {
  const rows = summaryRows(results);
  expect(rows.map((r) => r.name)).toEqual(['import, CSV end to end', 'mixed load, 2 processes, cache warm', 'hexagons city year res 9', 'gone', 'suggestPostSites 36 of 10,000', 'forecast district']);
  expect(rows[0]).toEqual({ name: 'import, CSV end to end', figure: '81,000 rows/s', target: '>= 100,000 rows/s', ratio: '1.40x', met: false });
  expect(rows[1].figure).toBe('2,500 req/s, p50 5.0 ms, p99 20.0, hit p50 1.2, miss p50 30.0');
  expect(rows[2]).toMatchObject({ figure: 'p50 38.2 ms, p99 61.0', target: 'p50 < 40 ms', ratio: '0.09x', met: true });
  expect(rows[4]).toMatchObject({ figure: 'optimal, gap 0 %', target: 'proven optimal within 10 s', met: true });
  const text = formatSummary(results, 'heading');
  expect(text.split('\n').length).toBeLessThan(40);
  expect(text).toMatch(/4 of 5 targets met/);
});
