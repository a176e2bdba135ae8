import { AGENCIES, Agency, BBox, INCIDENT_CATEGORIES, IncidentCategory, ROAD_DEFECT_KINDS } from './domain';

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
  auth: AuthConfig;
  privacy: PrivacyConfig;
  limits: LimitConfig;
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

/** Where bearer tokens are checked against; at least one of secret and public key in production. */
export interface AuthConfig {
  /** HS256 shared secret (at least 32 characters). */
  jwtSecret: string | null;
  /** PEM (SPKI) public key for RS256 / ES256 tokens signed elsewhere (the city's identity provider). */
  jwtPublicKey: string | null;
  /** PEM (PKCS#8) private key with which `hotspots token` signs, when tokens are not HS256. */
  jwtPrivateKey: string | null;
  issuer: string;
  audience: string;
  /** True when no secret or key was configured and the built-in development secret is in use. */
  usingDevelopmentSecret: boolean;
}

export interface PrivacyConfig {
  /** Categories never returned as points, to any role. */
  sensitiveCategories: IncidentCategory[];
  /** Below `analyst`, counts under this are returned as null with a `suppressed` flag. */
  suppressionThreshold: number;
  /** The one H3 resolution at which aggregates are released below `analyst`. */
  releaseResolution: number;
}

export interface LimitConfig {
  rateLimitPerMinute: number;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  statementTimeoutMs: number;
  /** Largest JSON request body accepted. */
  bodyLimit: string;
}

/**
 * Used only outside production when nothing is configured, so `hotspots token` and `serve` agree
 * on a laptop; production refuses to start with it.
 */
export const DEVELOPMENT_JWT_SECRET = 'hotspots-development-secret-never-use-in-production';

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

function pemFrom(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (!raw) return null;
  // keys arrive through environments that cannot hold newlines as "\n"
  const pem = raw.replace(/\\n/g, '\n');
  if (!pem.includes('-----BEGIN')) throw new ConfigError(`${name} must be a PEM key (-----BEGIN ...)`);
  return pem;
}

export function loadAuthConfig(env: NodeJS.ProcessEnv): AuthConfig {
  const secret = env.AUTH_JWT_SECRET || null;
  if (secret !== null && secret.length < 32) throw new ConfigError('AUTH_JWT_SECRET must be at least 32 characters');
  const jwtPublicKey = pemFrom(env, 'AUTH_JWT_PUBLIC_KEY');
  const jwtPrivateKey = pemFrom(env, 'AUTH_JWT_PRIVATE_KEY');
  const configured = secret !== null || jwtPublicKey !== null;
  return {
    jwtSecret: configured ? secret : DEVELOPMENT_JWT_SECRET,
    jwtPublicKey,
    jwtPrivateKey,
    issuer: env.AUTH_JWT_ISSUER || 'hotspots-api',
    audience: env.AUTH_JWT_AUDIENCE || 'hotspots-api',
    usingDevelopmentSecret: !configured,
  };
}

function sensitiveCategoriesFrom(env: NodeJS.ProcessEnv): IncidentCategory[] {
  const raw = env.SENSITIVE_CATEGORIES;
  if (raw === undefined) return ['domestic_conflict', 'sexual_offence'];
  const names = raw.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const unknown = names.filter((c) => !(INCIDENT_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new ConfigError(`SENSITIVE_CATEGORIES names unknown categories: ${unknown.join(', ')}`);
  return names as IncidentCategory[];
}

/** Servers and token issuers call this: production never runs on the built-in development secret. */
export function checkAuthForProduction(config: Config): void {
  if (config.production && config.auth.usingDevelopmentSecret) {
    throw new ConfigError('in production AUTH_JWT_SECRET (32+ characters) or AUTH_JWT_PUBLIC_KEY must be set');
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  return {
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/hotspots',
    port: intFrom(env, 'PORT', 4000, 0, 65535),
    cityBounds: env.CITY_BOUNDS ? parseBounds(env.CITY_BOUNDS) : ALMATY_BOUNDS,
    fineResolution: intFrom(env, 'H3_FINE_RESOLUTION', 11, 9, 15),
    maxPageSize: intFrom(env, 'MAX_PAGE_SIZE', 1000, 1, 100000),
    defaultPageSize: intFrom(env, 'DEFAULT_PAGE_SIZE', 100, 1, 100000),
    importBatchSize: intFrom(env, 'IMPORT_BATCH_SIZE', 5000, 1, 100000),
    production,
    timeZone: env.CITY_TIME_ZONE || 'Asia/Almaty',
    auth: loadAuthConfig(env),
    privacy: {
      sensitiveCategories: sensitiveCategoriesFrom(env),
      suppressionThreshold: intFrom(env, 'SUPPRESSION_THRESHOLD', 5, 1, 1000),
      releaseResolution: intFrom(env, 'RELEASE_RESOLUTION', 8, 7, 9),
    },
    limits: {
      rateLimitPerMinute: intFrom(env, 'RATE_LIMIT_PER_MINUTE', 300, 1, 1_000_000),
      maxDepth: intFrom(env, 'MAX_QUERY_DEPTH', 12, 2, 100),
      maxAliases: intFrom(env, 'MAX_QUERY_ALIASES', 30, 1, 1000),
      maxCost: intFrom(env, 'MAX_QUERY_COST', 50000, 10, 1_000_000),
      maxTokens: intFrom(env, 'MAX_QUERY_TOKENS', 5000, 50, 100_000),
      statementTimeoutMs: intFrom(env, 'STATEMENT_TIMEOUT_MS', 30000, 100, 600_000),
      bodyLimit: env.MAX_BODY_SIZE || '2mb',
    },
    fixAgencies: parseFixAgencies(env.FIX_AGENCIES),
  };
}
