/**
 * The forecast backtest on the real police.uk months of the City of London (24 months, 2017-2018,
 * in ../shared/data/police-uk-city-of-london): incidents binned by month (police.uk publishes
 * months only) into H3 cells at a resolution, every method forecasting each of the last 12 months
 * from the months before it. Prints the table of docs/forecasting.md.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/policeUkBacktest.js [resolution]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { cellAreaKm2, cellCentre, neighbourSpacingMeters, pointToCell } from '../src/geo/h3';
import { backtestForecasts, FORECAST_METHODS, ForecastHistory } from '../src/geo/forecast';
import { metresPerDegree } from '../src/geo/geometry';

const dir = path.resolve(__dirname, '../../../shared/data/police-uk-city-of-london');
const resolution = Number(process.argv[2] ?? 9);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('-street.csv'))
  .sort();
const months = files.map((f) => f.slice(0, 7));
const rows: { month: number; cell: string }[] = [];
for (const [k, file] of files.entries()) {
  const records = parse(fs.readFileSync(path.join(dir, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  for (const r of records) {
    const lng = Number(r.Longitude);
    const lat = Number(r.Latitude);
    if (!r.Longitude || !Number.isFinite(lng) || !Number.isFinite(lat)) continue;
    rows.push({ month: k, cell: pointToCell([lng, lat], resolution) });
  }
}
// the study area: every cell that held an incident in any month (the City is about 2.9 km²)
const cells = [...new Set(rows.map((r) => r.cell))].sort();
const index = new Map(cells.map((c, i) => [c, i]));
const counts = new Float64Array(months.length * cells.length);
for (const r of rows) counts[r.month * cells.length + index.get(r.cell)!]++;
const centres = cells.map(cellCentre);
const per = metresPerDegree(51.515);
const history: ForecastHistory = {
  cells: cells.length,
  counts,
  edges: months.map((_, k) => k).concat(months.length),
  x: Float64Array.from(centres, ([lng]) => (lng + 0.09) * per.lng),
  y: Float64Array.from(centres, ([, lat]) => (lat - 51.515) * per.lat),
  cellArea: Float64Array.from(cells, cellAreaKm2),
  kdeBandwidthMeters: 2 * neighbourSpacingMeters(resolution),
  phase: months.map((m) => (Number(m.slice(5, 7)) - 1) / 12),
};
const started = performance.now();
const result = backtestForecasts(history, months.length, { origins: 12, shares: [0.01, 0.02, 0.05], primaryShare: 0.02, methods: FORECAST_METHODS, seed: 12345 });
const ms = performance.now() - started;
const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '-');
console.log(
  `${rows.length} located incidents, ${months[0]} to ${months[months.length - 1]}, ${cells.length} cells at resolution ${resolution} (cells that ever held an incident), origins ${months[result.originPeriods[0]]} to ${months[months.length - 1]}; ${ms.toFixed(0)} ms`,
);
console.log('| method | PAI 1 % | PAI 2 % | PAI 5 % | PEI 2 % | RRI 2 % | p vs last month (FDR) |');
console.log('|---|---|---|---|---|---|---|');
for (const m of result.methods) {
  const [a, b, c] = m.scores;
  console.log(`| ${m.method} | ${f(a.pai)} | ${f(b.pai)} | ${f(c.pai)} | ${f(b.pei)} | ${f(b.rri)} | ${Number.isFinite(m.pVersusLastPeriod) ? `${f(m.pVersusLastPeriod, 3)} (${f(m.pVersusLastPeriodFdr, 3)})` : ''} |`);
}
console.log(`chosen: ${result.chosen}`);
for (const m of result.methods) console.log(`${m.method}: ${m.note}`);
