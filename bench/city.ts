/** The benchmark's city: the demo city's layers in the database, its incidents as a CSV file to import. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Knex } from 'knex';
import { generateDemoCity, iterateIncidents } from '../seeds/almaty';
import type { DemoCity } from '../seeds/almaty';
import type { Config } from '../src/config';
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

/** Streams `count` incidents of the city (deterministic) to a CSV file in the import format. */
export async function writeIncidentsCsv(city: DemoCity, count: number, file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(INCIDENTS_CSV_HEADER);
  let chunk: string[] = [];
  for (const r of iterateIncidents(city, count)) {
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
