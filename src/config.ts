import { AGENCIES, Agency, BBox, ROAD_DEFECT_KINDS } from './domain';

/** Typed settings from the environment, checked once at start-up. */
export interface Config {
  databaseUrl: string;
  port: number;
  /** Lng/lat box outside which imported coordinates are rejected. */
  cityBounds: BBox;
  /** H3 resolution at which every point stores its cell; coarser cells are derived in SQL. */
  fineResolution: number;
  maxPageSize: number;
  defaultPageSize: number;
  /** Rows per transaction during imports: a crash loses at most the batch in flight, never half of one. */
  importBatchSize: number;
  production: boolean;
  /** IANA zone in which local date-times without an offset are read, and nights are reckoned */
  timeZone: string;
  /**
   * Which agency fixes what (FIX_AGENCIES): keys lighting_outage, road_defect, road_defect:<kind>
   * (overrides road_defect for one kind) and youth_facility_gap.
   */
  fixAgencies: Record<string, Agency>;
}

export const DEFAULT_FIX_AGENCIES: Readonly<Record<string, Agency>> = { lighting_outage: 'lighting', road_defect: 'roads', youth_facility_gap: 'sport_youth' };
const FIX_AGENCY_KEYS = ['lighting_outage', 'road_defect', 'youth_facility_gap', ...ROAD_DEFECT_KINDS.map((k) => `road_defect:${k}`)];

/** "lighting_outage=lighting,road_defect:missing_crosswalk=mobility" over the defaults. */
export function parseFixAgencies(raw: string | undefined): Record<string, Agency> {
  const out: Record<string, Agency> = { ...DEFAULT_FIX_AGENCIES };
  if (!raw) return out;
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, agency] = part.split('=').map((p) => p.trim());
    if (!FIX_AGENCY_KEYS.includes(key)) throw new ConfigError(`FIX_AGENCIES: unknown item kind "${key}" (one of ${FIX_AGENCY_KEYS.join(', ')})`);
    const known = AGENCIES.find((a) => a === agency);
    if (!known) throw new ConfigError(`FIX_AGENCIES: unknown agency "${agency}" for ${key} (one of ${AGENCIES.join(', ')})`);
    out[key] = known;
  }
  return out;
}

export class ConfigError extends Error {}

/** Almaty's city limits with a margin: the districts span lng 76.74-77.17, lat 43.03-43.40. */
export const ALMATY_BOUNDS: BBox = [76.7, 43.0, 77.25, 43.45];

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseBounds(raw: string, name = 'CITY_BOUNDS'): BBox {
  const parts = raw.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) {
    throw new ConfigError(`${name} must be "minLng,minLat,maxLng,maxLat", got "${raw}"`);
  }
  const [minLng, minLat, maxLng, maxLat] = parts as BBox;
  if (minLng >= maxLng || minLat >= maxLat || minLng < -180 || maxLng > 180 || minLat < -90 || maxLat > 90) {
    throw new ConfigError(`${name} must be a valid lng/lat box with min < max, got "${raw}"`);
  }
  return [minLng, minLat, maxLng, maxLat];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/hotspots',
    port: intFrom(env, 'PORT', 4000, 0, 65535),
    cityBounds: env.CITY_BOUNDS ? parseBounds(env.CITY_BOUNDS) : ALMATY_BOUNDS,
    fineResolution: intFrom(env, 'H3_FINE_RESOLUTION', 11, 9, 15),
    maxPageSize: intFrom(env, 'MAX_PAGE_SIZE', 1000, 1, 100000),
    defaultPageSize: intFrom(env, 'DEFAULT_PAGE_SIZE', 100, 1, 100000),
    importBatchSize: intFrom(env, 'IMPORT_BATCH_SIZE', 5000, 1, 100000),
    production: env.NODE_ENV === 'production',
    timeZone: env.CITY_TIME_ZONE || 'Asia/Almaty',
    fixAgencies: parseFixAgencies(env.FIX_AGENCIES),
  };
}
