import { isIP } from 'node:net';
import { AGENCIES, Agency, BBox, INCIDENT_CATEGORIES, IncidentCategory, ROAD_DEFECT_KINDS, type Role } from './domain';

/** Typed settings from the environment, checked once at start-up. */
export interface Config {
  /** The primary (DATABASE_URL): every write, and the reads that must see the writes (docs/architecture.md, "Read replicas"). */
  databaseUrl: string;
  /** Streaming replicas that serve read-only requests, and when one is skipped. */
  readReplicas: ReadReplicaConfig;
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
  /**
   * Proxies whose X-Forwarded-For is believed (TRUST_PROXY): addresses, CIDRs and the names
   * loopback, linklocal, uniquelocal, as Express's `trust proxy` takes them. Empty: trust no
   * proxy, the client address is the socket's.
   */
  trustProxy: string[];
  /** IANA zone in which local date-times without an offset are read, and nights are reckoned */
  timeZone: string;
  auth: AuthConfig;
  privacy: PrivacyConfig;
  limits: LimitConfig;
  /** The compute budget per request and role, and the worker pool of heavy analyses (docs/security.md, "Compute budget"). */
  compute: ComputeConfig;
  /**
   * Which agency fixes what (FIX_AGENCIES): keys lighting_outage, road_defect, road_defect:<kind>
   * (overrides road_defect for one kind) and youth_facility_gap.
   */
  fixAgencies: Record<string, Agency>;
  /**
   * A MapLibre style for the map page's base map (BASEMAP_STYLE_URL), for deployments that reach
   * a tile server; null: the base map is the project's own streets and districts, offline.
   */
  basemapStyleUrl: string | null;
  /** The shared response cache (docs/architecture.md, "Response cache"). */
  responseCache: ResponseCacheConfig;
}

export interface ResponseCacheConfig {
  /** RESPONSE_CACHE=off turns it off (every answer computed) */
  enabled: boolean;
  /** REDIS_URL: the shared tier (and the shared rate-limit counts); unreachable means each process answers from its own tier alone */
  redisUrl: string;
  /** RESPONSE_CACHE_PREFIX: the start of every key, so deployments (and test runs) can share one Redis */
  prefix: string;
  /** RESPONSE_CACHE_TTL_SECONDS: an answer is kept at most this long (the clock-dependent parts of answers, e.g. a window open to now, are at most this late) */
  ttlSeconds: number;
  /** RESPONSE_CACHE_LOCAL_MB: memory per process for the hottest answers in front of Redis */
  localBytes: number;
  /** RESPONSE_CACHE_MAX_ENTRY_MB: larger answers are not stored */
  maxEntryBytes: number;
}

function loadResponseCacheConfig(env: NodeJS.ProcessEnv): ResponseCacheConfig {
  return {
    enabled: !/^(off|false|0|no)$/i.test(env.RESPONSE_CACHE ?? ''),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: env.RESPONSE_CACHE_PREFIX ?? 'hotspots:answers:',
    ttlSeconds: intFrom(env, 'RESPONSE_CACHE_TTL_SECONDS', 60, 1, 86_400),
    localBytes: intFrom(env, 'RESPONSE_CACHE_LOCAL_MB', 64, 0, 16_384) * 1024 * 1024,
    maxEntryBytes: intFrom(env, 'RESPONSE_CACHE_MAX_ENTRY_MB', 16, 1, 512) * 1024 * 1024,
  };
}

export const DEFAULT_FIX_AGENCIES: Readonly<Record<string, Agency>> = { lighting_outage: 'lighting', road_defect: 'roads', youth_facility_gap: 'sport_youth' };
const FIX_AGENCY_KEYS = ['lighting_outage', 'road_defect', 'youth_facility_gap', ...ROAD_DEFECT_KINDS.map((k) => `road_defect:${k}`)];

/** "lighting_outage=lighting,road_defect:missing_crosswalk=mobility" over the defaults. */
export function parseFixAgencies(raw: string | undefined): Record<string, Agency> {
  const out: Record<string, Agency> = { ...DEFAULT_FIX_AGENCIES };
  if (!raw) return out;
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
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
  /** RATE_LIMIT_SHARED=off: each process counts its callers alone; by default the budgets are shared through Redis (REDIS_URL) */
  rateLimitShared: boolean;
  /** RATE_LIMIT_PREFIX: the start of every rate-limit key in Redis (the database's identity follows it) */
  rateLimitPrefix: string;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  statementTimeoutMs: number;
  /** Largest JSON request body accepted. */
  bodyLimit: string;
}

export interface ReadReplicaConfig {
  /** DATABASE_READ_URLS: comma-separated URLs, each naming one standby server (not a balancer over several); empty: reads go to the primary. */
  urls: string[];
  /** DATABASE_READ_MAX_LAG_MS: a replica further behind the primary than this is skipped until it catches up. */
  maxLagMs: number;
  /** DATABASE_READ_CHECK_MS: how often each replica's replay position is compared with the primary's. */
  checkIntervalMs: number;
}

/** DATABASE_READ_URLS: postgres URLs, comma-separated; each is checked to be one. */
export function parseReadUrls(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const url = entry.trim();
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`DATABASE_READ_URLS: "${url.replace(/\/\/[^@/]*@/, '//…@')}" is not a URL (postgres://user@host:port/database)`);
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new ConfigError(`DATABASE_READ_URLS: "${parsed.host}" must be a postgres:// URL`);
    return url;
  });
}

export interface ComputeConfig {
  /** Work units one request may charge, by role (COMPUTE_BUDGET_PUBLIC, _AGENCY, _WORKING_GROUP, _ANALYST, _ADMIN). */
  budgets: Record<Role, number>;
  /** Worker threads for heavy analyses (COMPUTE_WORKERS); 0 computes on the main thread. */
  workers: number;
  /** Heavy tasks that may wait for a worker; beyond that SERVER_BUSY (COMPUTE_QUEUE). */
  maxQueue: number;
}

/**
 * Work units per request (one unit: about one neighbour visit of a permutation test, ~20 ns).
 * Each ceiling holds the heaviest single request the role may ask for, not 30 aliases of it:
 * public the largest statistic allowed before (50 million: a city at resolution 8 with about
 * 9000 permutations, about a second); agencies and the working group a city risk fit (about 40
 * million) three times over, or 200 case evaluations; analysts and admins 200,000 cells with
 * k = 5 and 9999 permutations.
 */
export const DEFAULT_COMPUTE_BUDGETS: Readonly<Record<Role, number>> = {
  public: 60_000_000,
  agency: 150_000_000,
  working_group: 150_000_000,
  analyst: 200_000_000_000,
  admin: 200_000_000_000,
};

function loadComputeConfig(env: NodeJS.ProcessEnv): ComputeConfig {
  const budget = (role: Role) => intFrom(env, `COMPUTE_BUDGET_${role.toUpperCase()}`, DEFAULT_COMPUTE_BUDGETS[role], 1, Number.MAX_SAFE_INTEGER);
  return {
    budgets: { public: budget('public'), agency: budget('agency'), working_group: budget('working_group'), analyst: budget('analyst'), admin: budget('admin') },
    workers: intFrom(env, 'COMPUTE_WORKERS', 1, 0, 64),
    maxQueue: intFrom(env, 'COMPUTE_QUEUE', 16, 0, 10_000),
  };
}

/**
 * Used only outside production when nothing is configured, so `hotspots token` and `serve` agree
 * on a laptop; production refuses to start with it.
 */
export const DEVELOPMENT_JWT_SECRET = 'hotspots-development-secret-never-use-in-production';

/**
 * Secrets anyone can read in this repository: production refuses to verify tokens with them.
 * The docs, README and scripts show no other sample secret (they write `AUTH_JWT_SECRET=...`);
 * add any that a document or script comes to show.
 */
export const KNOWN_SAMPLE_SECRETS: readonly string[] = [DEVELOPMENT_JWT_SECRET];

/** NODE_ENV names production in any letter case (`production`, `Production`, `PRODUCTION`). */
export function isProduction(env: NodeJS.ProcessEnv): boolean {
  return (env.NODE_ENV ?? '').trim().toLowerCase() === 'production';
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

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: comma-separated proxy addresses or CIDRs (`10.0.0.5`, `10.0.0.0/8`, `fd00::/8`,
 * IPv4 `10.0.0.0/255.0.0.0`) or the names loopback, linklocal, uniquelocal; empty or unset trusts
 * no proxy. Checked here as proxy-addr (Express's `trust proxy`) reads it, but without its
 * looser forms: a hop count is refused (the gateway's address is what to trust, not a position
 * in a header the client writes), and so is a prefix of 0 (every address a proxy).
 */
export function parseTrustProxy(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const entries = raw.split(',').map((p) => p.trim());
  for (const entry of entries) {
    if (entry === '') throw new ConfigError(`TRUST_PROXY: empty entry in "${raw}" (comma-separated addresses or CIDRs)`);
    if (PROXY_RANGE_NAMES.includes(entry)) continue;
    if (/^\d+$/.test(entry)) throw new ConfigError(`TRUST_PROXY: "${entry}" looks like a hop count; name the proxies by address or CIDR (e.g. 10.0.0.5 or 10.0.0.0/8)`);
    const slash = entry.lastIndexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(address);
    if (family === 0) throw new ConfigError(`TRUST_PROXY: "${entry}" is not an IP address or CIDR (nor one of ${PROXY_RANGE_NAMES.join(', ')})`);
    if (slash === -1) continue;
    const range = entry.slice(slash + 1);
    const max = family === 4 ? 32 : 128;
    const prefix = /^\d{1,3}$/.test(range) ? Number(range) : family === 4 && isIP(range) === 4 ? netmaskPrefix(range) : NaN;
    if (!Number.isInteger(prefix) || prefix < 1 || prefix > max) {
      throw new ConfigError(`TRUST_PROXY: "${entry}" has no valid prefix (1 to ${max}${family === 4 ? ', or a netmask' : ''}; 0 would trust every address)`);
    }
  }
  return entries;
}

/** The prefix length of an IPv4 netmask (255.255.0.0 is 16); NaN when the ones are not contiguous. */
function netmaskPrefix(mask: string): number {
  const bits = mask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  if (!/^1*0*$/.test(bits)) return NaN;
  const zero = bits.indexOf('0');
  return zero === -1 ? 32 : zero;
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
  const names = raw
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const unknown = names.filter((c) => !(INCIDENT_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new ConfigError(`SENSITIVE_CATEGORIES names unknown categories: ${unknown.join(', ')}`);
  return names as IncidentCategory[];
}

/** Servers and token issuers call this: production never runs on the built-in development secret or a published one. */
export function checkAuthForProduction(config: Config): void {
  if (!config.production) return;
  if (config.auth.usingDevelopmentSecret) {
    throw new ConfigError('in production AUTH_JWT_SECRET (32+ characters) or AUTH_JWT_PUBLIC_KEY must be set');
  }
  const secret = config.auth.jwtSecret?.trim();
  if (secret !== undefined && KNOWN_SAMPLE_SECRETS.includes(secret)) {
    throw new ConfigError(
      'in production AUTH_JWT_SECRET must not be the built-in development secret (or another sample secret published in this repository): anyone who read the code could sign tokens for any role; set a random secret of 32+ characters (e.g. `openssl rand -base64 48`)',
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = isProduction(env);
  return {
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/hotspots',
    readReplicas: {
      urls: parseReadUrls(env.DATABASE_READ_URLS),
      maxLagMs: intFrom(env, 'DATABASE_READ_MAX_LAG_MS', 5000, 0, 3_600_000),
      checkIntervalMs: intFrom(env, 'DATABASE_READ_CHECK_MS', 1000, 50, 60_000),
    },
    port: intFrom(env, 'PORT', 4000, 0, 65535),
    cityBounds: env.CITY_BOUNDS ? parseBounds(env.CITY_BOUNDS) : ALMATY_BOUNDS,
    fineResolution: intFrom(env, 'H3_FINE_RESOLUTION', 11, 9, 15),
    maxPageSize: intFrom(env, 'MAX_PAGE_SIZE', 1000, 1, 100000),
    defaultPageSize: intFrom(env, 'DEFAULT_PAGE_SIZE', 100, 1, 100000),
    importBatchSize: intFrom(env, 'IMPORT_BATCH_SIZE', 50000, 1, 100000),
    production,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    timeZone: env.CITY_TIME_ZONE || 'Asia/Almaty',
    auth: loadAuthConfig(env),
    privacy: {
      sensitiveCategories: sensitiveCategoriesFrom(env),
      suppressionThreshold: intFrom(env, 'SUPPRESSION_THRESHOLD', 5, 1, 1000),
      releaseResolution: intFrom(env, 'RELEASE_RESOLUTION', 8, 7, 9),
    },
    limits: {
      rateLimitPerMinute: intFrom(env, 'RATE_LIMIT_PER_MINUTE', 300, 1, 1_000_000),
      rateLimitShared: !/^(off|false|0|no)$/i.test(env.RATE_LIMIT_SHARED ?? ''),
      rateLimitPrefix: env.RATE_LIMIT_PREFIX ?? 'hotspots:ratelimit:',
      maxDepth: intFrom(env, 'MAX_QUERY_DEPTH', 12, 2, 100),
      maxAliases: intFrom(env, 'MAX_QUERY_ALIASES', 30, 1, 1000),
      maxCost: intFrom(env, 'MAX_QUERY_COST', 50000, 10, 1_000_000),
      maxTokens: intFrom(env, 'MAX_QUERY_TOKENS', 5000, 50, 100_000),
      statementTimeoutMs: intFrom(env, 'STATEMENT_TIMEOUT_MS', 30000, 100, 600_000),
      bodyLimit: env.MAX_BODY_SIZE || '2mb',
    },
    compute: loadComputeConfig(env),
    fixAgencies: parseFixAgencies(env.FIX_AGENCIES),
    basemapStyleUrl: env.BASEMAP_STYLE_URL?.trim() || null,
    responseCache: loadResponseCacheConfig(env),
  };
}
