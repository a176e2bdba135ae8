import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Position } from '../../../src/domain';
import { generateDemoCity } from '../../../seeds/almaty';
import type { DemoCity } from '../../../seeds/almaty';

export const DISTRICTS_FILE = path.resolve(__dirname, '../../../seeds/almaty-districts.geojson');

export interface DistrictFeature {
  name: string;
  externalId: string;
  feature: Feature<Polygon | MultiPolygon>;
  bbox: [number, number, number, number];
}

let districtsCache: DistrictFeature[] | null = null;

/** The district polygons read straight from the file, for independent checks with turf. */
export function districtFeatures(): DistrictFeature[] {
  if (districtsCache) return districtsCache;
  const fc = JSON.parse(fs.readFileSync(DISTRICTS_FILE, 'utf8')) as {
    features: Feature<Polygon | MultiPolygon, { name_en: string; source_id: string }>[];
  };
  districtsCache = fc.features.map((f) => ({
    name: f.properties.name_en,
    externalId: f.properties.source_id,
    feature: f,
    bbox: turf.bbox(f) as [number, number, number, number],
  }));
  return districtsCache;
}

/** Name of the district containing p (turf, with a bbox pre-test), or null. */
export function districtOf(p: Position): string | null {
  for (const d of districtFeatures()) {
    const [x0, y0, x1, y1] = d.bbox;
    if (p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1) continue;
    if (turf.booleanPointInPolygon(p, d.feature)) return d.name;
  }
  return null;
}

export function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

const cities = new Map<string, DemoCity>();

/** One shared city per option set, so the test files do not regenerate it. */
export function sharedCity(incidentCount = 40_000, seed?: number): DemoCity {
  const key = `${incidentCount}:${seed ?? 'default'}`;
  let city = cities.get(key);
  if (!city) {
    city = generateDemoCity({ incidentCount, seed });
    cities.set(key, city);
  }
  return city;
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) {
    const k = key(it);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
