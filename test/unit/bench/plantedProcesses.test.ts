/**
 * The city generator's planted processes (bench/city.ts): near-repeat bands come out significant
 * where near repeats are planted and not elsewhere, and over a 12-week rolling-origin backtest the
 * self-exciting forecast beats last week's counts on PAI at 2 % of the area.
 */
import { cellToLatLng, latLngToCell, polygonToCells } from 'h3-js';
import { DEFAULT_PLANTED, withPlantedProcesses } from '../../../bench/city';
import { generateDemoCity, iterateIncidents } from '../../../seeds/almaty';
import type { IncidentRecord } from '../../../src/domain';
import { backtestForecasts, FORECAST_METHODS, ForecastHistory } from '../../../src/geo/forecast';
import { metresPerDegree } from '../../../src/geo/geometry';
import { knoxTest } from '../../../src/geo/stats';

const city = generateDemoCity({ incidentCount: 0 });
const records: IncidentRecord[] = [...withPlantedProcesses(iterateIncidents(city, 60_000), DEFAULT_PLANTED, { start: city.meta.start, end: city.meta.end })];
const per = metresPerDegree(43.25);
const DAY = 86_400_000;

function knoxAround(centre: [number, number], radiusM: number) {
  const inside = records.filter((r) => {
    const [lng, lat] = r.geometry.coordinates;
    return ((lng - centre[0]) * per.lng) ** 2 + ((lat - centre[1]) * per.lat) ** 2 <= radiusM ** 2 && (r.timePrecision ?? 'exact') === 'exact';
  });
  const points = {
    x: inside.map((r) => (r.geometry.coordinates[0] - centre[0]) * per.lng),
    y: inside.map((r) => (r.geometry.coordinates[1] - centre[1]) * per.lat),
    day: inside.map((r) => Math.floor(r.occurredAt.getTime() / DAY)),
  };
  return knoxTest(points, { distanceBandMeters: 100, distanceBands: 4, timeBandDays: 7, timeBands: 4, sameLocationMeters: 0 }, { permutations: 199, seed: 1 });
}

describe('planted processes of the city generator', () => {
  it('near-repeat bands are significant where planted, and not elsewhere', () => {
    const planted = knoxAround(DEFAULT_PLANTED.nearRepeat!.centres[0], 800);
    // row 1 = (0, 100] m, column 0 = 0-7 days
    expect(planted.ratio[1 * planted.columns]).toBeGreaterThan(1.5);
    expect(planted.pFdr[1 * planted.columns]).toBeLessThan(0.05);
    const control = knoxAround([76.905, 43.205], 800);
    const tested = Array.from(control.pFdr).filter(Number.isFinite);
    expect(tested.length).toBe(20);
    expect(tested.every((p) => p > 0.05)).toBe(true);
  });

  it('the self-exciting forecast beats last week on PAI at 2 % over a 12-week backtest', () => {
    const box = [76.89, 43.22, 76.97, 43.28];
    const cells = polygonToCells(
      [
        [
          [box[0], box[1]],
          [box[2], box[1]],
          [box[2], box[3]],
          [box[0], box[3]],
          [box[0], box[1]],
        ],
      ],
      9,
      true,
    );
    const index = new Map(cells.map((c, i) => [c, i]));
    const weeks = 30;
    const end = Math.floor(city.meta.end.getTime() / (7 * DAY)) * 7 * DAY;
    const from = end - weeks * 7 * DAY;
    const counts = new Float64Array(weeks * 7 * cells.length);
    for (const r of records) {
      const t = r.occurredAt.getTime();
      if (t < from || t >= end || (r.timePrecision ?? 'exact') !== 'exact') continue;
      const i = index.get(latLngToCell(r.geometry.coordinates[1], r.geometry.coordinates[0], 9));
      if (i !== undefined) counts[Math.floor((t - from) / DAY) * cells.length + i]++;
    }
    const history: ForecastHistory = {
      cells: cells.length,
      counts,
      edges: Array.from({ length: weeks + 1 }, (_, k) => 7 * k),
      x: Float64Array.from(cells, (c) => (cellToLatLng(c)[1] - box[0]) * per.lng),
      y: Float64Array.from(cells, (c) => (cellToLatLng(c)[0] - box[1]) * per.lat),
      cellArea: new Float64Array(cells.length).fill(0.105),
      kdeBandwidthMeters: 350,
      phase: Array.from({ length: weeks + 1 }, (_, k) => (k * 7) / 365.25),
    };
    const result = backtestForecasts(history, weeks, { origins: 12, shares: [0.01, 0.02, 0.05], primaryShare: 0.02, methods: FORECAST_METHODS, seed: 1 });
    const pai = (m: string) => result.methods.find((r) => r.method === m)!.scores[1].pai;
    expect(pai('selfExciting')).toBeGreaterThan(pai('lastPeriod'));
  });
});
