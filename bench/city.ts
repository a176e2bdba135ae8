/** The benchmark's city: the demo city's layers in the database, its incidents as a CSV file to import. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Knex } from 'knex';
import { generateDemoCity, iterateIncidents } from '../seeds/almaty';
import type { DemoCity } from '../seeds/almaty';
import type { Config } from '../src/config';
import type { IncidentRecord } from '../src/domain';
import { metresPerDegree } from '../src/geo/geometry';
import { createRandom } from '../src/geo/stats/random';
import { contextLayers, storeRecords } from '../src/cli/seed';

export const INCIDENTS_CSV_HEADER = 'external_id,source,occurred_at,category,lat,lng,outdoor,description,time_precision\n';

/** Every layer but incidents (districts, precincts, 39 posts, population, facilities, outages, defects). */
export function generateCityLayers(): DemoCity {
  return generateDemoCity({ incidentCount: 0 });
}

export async function storeCityLayers(knex: Knex, config: Config, city: DemoCity): Promise<Record<string, number>> {
  const stored: Record<string, number> = {};
  for (const [layer, records] of contextLayers(city)) {
    const counts = await storeRecords(knex, layer, records, config);
    stored[layer] = (stored[layer] ?? 0) + counts.inserted + counts.updated + counts.unchanged;
  }
  return stored;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Planted space-time processes for forecasting and near-repeat tests (off unless asked; the
 * city's own incidents are unchanged):
 * - near repeats: each incident within `radiusM` of a planted centre is followed, with
 *   probability `followUp`, by another of its category at a uniform distance of 0-100 m and a
 *   uniform delay of 0-7 days (and that one may be followed in turn: a branching process);
 * - a moving hot area: `perDay` extra incidents a day within 300 m of a centre that moves 150 m
 *   east every week from `moving.start`.
 */
export interface PlantedProcesses {
  nearRepeat?: { centres: [number, number][]; radiusM: number; followUp: number };
  moving?: { start: [number, number]; perDay: number };
  seed?: number;
}

export const DEFAULT_PLANTED: PlantedProcesses = {
  nearRepeat: {
    centres: [
      [76.9535, 43.2628],
      [76.9385, 43.2575],
    ],
    radiusM: 900,
    followUp: 0.5,
  },
  moving: { start: [76.905, 43.24], perDay: 1.5 },
  seed: 20261203,
};

/** The city's incidents with the planted processes added (the city's own incidents first, then the planted ones). */
export function* withPlantedProcesses(records: Iterable<IncidentRecord>, planted: PlantedProcesses, window?: { start: Date; end: Date }): Generator<IncidentRecord, void, undefined> {
  const random = createRandom(planted.seed ?? 1);
  const per = metresPerDegree(43.25);
  let added = 0;
  let first = Infinity;
  let last = -Infinity;
  const near = planted.nearRepeat;
  const within = (p: [number, number]) => near !== undefined && near.centres.some(([x, y]) => ((p[0] - x) * per.lng) ** 2 + ((p[1] - y) * per.lat) ** 2 <= near.radiusM ** 2);
  const offspring = function* (r: IncidentRecord): Generator<IncidentRecord> {
    let parent = r;
    while (near && random.nextFloat() < near.followUp) {
      const angle = random.nextFloat() * 2 * Math.PI;
      const d = random.nextFloat() * 100;
      const [lng, lat] = parent.geometry.coordinates;
      const t = new Date(parent.occurredAt.getTime() + Math.floor(random.nextFloat() * 7 * 86_400_000));
      if (window && t >= window.end) return;
      parent = {
        ...parent,
        externalId: `nr-${added++}`,
        occurredAt: t,
        description: 'planted near repeat',
        geometry: { type: 'Point', coordinates: [lng + (d * Math.cos(angle)) / per.lng, lat + (d * Math.sin(angle)) / per.lat] },
      };
      yield parent;
    }
  };
  for (const r of records) {
    yield r;
    first = Math.min(first, r.occurredAt.getTime());
    last = Math.max(last, r.occurredAt.getTime());
    if (r.timePrecision === undefined || r.timePrecision === 'exact') if (within(r.geometry.coordinates)) yield* offspring(r);
  }
  const moving = planted.moving;
  if (!moving || !Number.isFinite(first)) return;
  const start = window?.start.getTime() ?? first;
  const end = window?.end.getTime() ?? last;
  for (let day = 0; start + day * 86_400_000 < end; day++) {
    const centre = [moving.start[0] + (150 * Math.floor(day / 7)) / per.lng, moving.start[1]];
    const count = Math.floor(moving.perDay + random.nextFloat());
    for (let k = 0; k < count; k++) {
      const angle = random.nextFloat() * 2 * Math.PI;
      const d = 300 * Math.sqrt(random.nextFloat());
      yield {
        source: 'planted',
        externalId: `mv-${added++}`,
        occurredAt: new Date(start + day * 86_400_000 + Math.floor(random.nextFloat() * 86_400_000)),
        category: 'theft',
        outdoor: true,
        description: 'planted moving hot area',
        geometry: { type: 'Point', coordinates: [centre[0] + (d * Math.cos(angle)) / per.lng, centre[1] + (d * Math.sin(angle)) / per.lat] },
      };
    }
  }
}

/** Streams `count` incidents of the city (deterministic) to a CSV file in the import format, with planted processes when asked. */
export async function writeIncidentsCsv(city: DemoCity, count: number, file: string, planted?: PlantedProcesses): Promise<void> {
  const out = createWriteStream(file);
  out.write(INCIDENTS_CSV_HEADER);
  let chunk: string[] = [];
  const records = planted ? withPlantedProcesses(iterateIncidents(city, count), planted) : iterateIncidents(city, count);
  for (const r of records) {
    const [lng, lat] = r.geometry.coordinates;
    chunk.push(
      [
        csvField(r.externalId),
        csvField(r.source),
        r.occurredAt.toISOString(),
        r.category,
        String(lat),
        String(lng),
        r.outdoor === null ? '' : String(r.outdoor),
        r.description === null ? '' : csvField(r.description),
        r.timePrecision ?? 'exact',
      ].join(','),
    );
    if (chunk.length >= 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(chunk.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
