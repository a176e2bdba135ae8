/**
 * `node dist/bench/forecastKernels.js [incidents]`: the forecasting kernels timed in-process on
 * the demo city without a database or a server (for profiling with `node --cpu-prof`): the Knox
 * test with 999 permutations over the city's latest 10,000 incidents (the nearRepeat bench
 * case's window) and the 12-week backtest of every method over the first district at
 * resolution 9 (the forecastBacktest case).
 */
import { performance } from 'node:perf_hooks';
import { latLngToCell, polygonToCells } from 'h3-js';
import { generateDemoCity, iterateIncidents } from '../seeds/almaty';
import { forecastNoteText } from '../src/analysis/forecastNotes';
import { backtestForecasts, FORECAST_METHODS, ForecastHistory } from '../src/geo/forecast';
import { metresPerDegree } from '../src/geo/geometry';
import { knoxTest } from '../src/geo/stats';
import { english } from '../src/i18n/texts';

const DAY = 86_400_000;
const count = Number(process.argv[2] ?? 100_000);
const only = process.argv[3] ?? '';
const city = generateDemoCity({ incidentCount: 0 });
const t0 = performance.now();
const records = [...iterateIncidents(city, count)].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
console.log(`${records.length} incidents generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const per = metresPerDegree(43.25);
/** wall and CPU seconds since `t` (the machine may be shared: CPU time is what the code cost) */
function since(t: { wall: number; cpu: NodeJS.CpuUsage }): string {
  const cpu = process.cpuUsage(t.cpu);
  return `${((performance.now() - t.wall) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`;
}
const start = () => ({ wall: performance.now(), cpu: process.cpuUsage() });

if (!only || only === 'knox') {
  const recent = records.slice(-10_000);
  const points = {
    x: Float64Array.from(recent, (r) => (r.geometry.coordinates[0] - 76.9) * per.lng),
    y: Float64Array.from(recent, (r) => (r.geometry.coordinates[1] - 43.25) * per.lat),
    day: Float64Array.from(recent, (r) => Math.floor(r.occurredAt.getTime() / DAY)),
  };
  const t = start();
  const result = knoxTest(points, { distanceBandMeters: 100, distanceBands: 4, timeBandDays: 7, timeBands: 4, sameLocationMeters: 0 }, { permutations: 999, seed: 12345 });
  console.log(
    `knox: ${recent.length} incidents over ${((points.day[points.day.length - 1] - points.day[0]) | 0) + 1} days, ${result.closePairs} close pairs, 999 permutations: ${since(t)}; observed[0..4] ${Array.from(result.observed.slice(0, 5))}, p[0..4] ${Array.from(result.p.slice(0, 5))}`,
  );
}

if (!only || only === 'backtest') {
  const district = city.areas.find((a) => a.kind === 'district')!;
  const polys = district.geometry.type === 'Polygon' ? [district.geometry.coordinates] : district.geometry.coordinates;
  const cells = [...new Set(polys.flatMap((p) => polygonToCells(p as number[][][], 9, true)))];
  const index = new Map(cells.map((c, i) => [c, i]));
  const end = Math.floor(records[records.length - 1].occurredAt.getTime() / (7 * DAY)) * 7 * DAY;
  const weeks = 52;
  const from = end - weeks * 7 * DAY;
  const steps = weeks * 7;
  const counts = new Float64Array(steps * cells.length);
  let inside = 0;
  for (const r of records) {
    const t = r.occurredAt.getTime();
    if (t < from || t >= end) continue;
    const n = index.get(latLngToCell(r.geometry.coordinates[1], r.geometry.coordinates[0], 9));
    if (n === undefined) continue;
    counts[Math.floor((t - from) / DAY) * cells.length + n]++;
    inside++;
  }
  const history: ForecastHistory = {
    cells: cells.length,
    counts,
    edges: Array.from({ length: weeks + 2 }, (_, k) => k * 7),
    x: Float64Array.from(cells, (_, i) => (i % 60) * 350),
    y: Float64Array.from(cells, (_, i) => Math.floor(i / 60) * 350),
    cellArea: new Float64Array(cells.length).fill(0.105),
    kdeBandwidthMeters: 700,
    phase: Array.from({ length: weeks + 2 }, (_, k) => ((k * 7) / 365.25) % 1),
  };
  for (const method of FORECAST_METHODS) {
    const t = start();
    const result = backtestForecasts(history, weeks, { origins: 12, shares: [0.01, 0.02, 0.05], primaryShare: 0.02, methods: [method], seed: 12345 });
    console.log(`backtest ${method}: ${cells.length} cells, ${inside} incidents, ${since(t)}; PAI 2 % ${result.methods[0].scores[1].pai.toFixed(3)}; ${english(forecastNoteText(result.methods[0].note)).slice(-160)}`);
  }
}
