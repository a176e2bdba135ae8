/**
 * The one in-memory cache of the product: least-recently-used maps from `lru-cache`, bounded by
 * entries (and by size where a size function is given). Every cache of computed answers is made
 * here, so each one is bounded, evicts the least recently used entry, and can be cleared at once
 * (tests that want a cold start, the benchmark's cold figures).
 *
 * Keys that depend on stored layers carry those layers' versions (`versionedKey`): an import bumps
 * a version (db/layerCache.ts), so a stale entry is never found again and ages out.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

export interface CacheOptions<K, V> {
  /** what it holds, for the cache list (`cacheStatistics`) */
  name: string;
  /** most entries */
  max: number;
  /** with `sizeOf`: the most total size (e.g. bytes or cells) */
  maxSize?: number;
  sizeOf?: (value: V, key: K) => number;
  /** entries older than this are not returned */
  ttlMs?: number;
}

export type Cache<K extends {}, V extends {}> = LRUCache<K, V>;

const registry = new Map<string, LRUCache<{}, {}>>();

export function createCache<K extends {}, V extends {}>(options: CacheOptions<K, V>): Cache<K, V> {
  const cache = new LRUCache<K, V>({
    max: options.max,
    ...(options.sizeOf ? { maxSize: options.maxSize ?? options.max * 1_000, sizeCalculation: (value: V, key: K) => Math.max(1, options.sizeOf!(value, key)) } : {}),
    ...(options.ttlMs ? { ttl: options.ttlMs } : {}),
  });
  registry.set(options.name, cache as unknown as LRUCache<{}, {}>);
  return cache;
}

/**
 * The value cached under `key`, or the one `compute` gives, cached. A promise is cached while it
 * runs, so concurrent requests for the same key share one computation; a failure is not kept.
 */
export function cachedPromise<K extends {}, V>(cache: Cache<K, Promise<V>>, key: K, compute: () => Promise<V>): Promise<V> {
  const found = cache.get(key);
  if (found) return found;
  const value = compute();
  cache.set(key, value);
  value.catch(() => {
    if (cache.get(key) === value) cache.delete(key);
  });
  return value;
}

/** A key from the versions of the layers an answer reads and the request's own parts. */
export function versionedKey(versions: readonly number[], ...parts: unknown[]): string {
  return JSON.stringify([versions, ...parts]);
}

/** Empties every cache made by createCache. */
export function clearCaches(): void {
  for (const cache of registry.values()) cache.clear();
}

/** Entries held by each cache, by name. */
export function cacheStatistics(): { name: string; entries: number; max: number }[] {
  return [...registry].map(([name, cache]) => ({ name, entries: cache.size, max: cache.max }));
}

/*
 * The second tier: answers shared by every process and instance (a Redis server). Values are
 * bytes, keys are hashes of `versionedKey`: an answer is found again only while every layer it
 * read is at the version it was built from, so a write is never answered from before it, and an
 * entry left behind by an import is never asked for again and expires (TTL). In front of the
 * shared store each process keeps the hottest answers in an LRU of this module (by bytes).
 * The shared store is a help, never a dependency: when it is unreachable or slow, a lookup is a
 * miss, a store is dropped, and one warning is logged per outage.
 */

/** Where the shared tier keeps its bytes (a Redis server in production; a Map in unit tests). */
export interface SharedStore {
  get(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  /** false while the store is known to be unreachable (lookups then skip it at once) */
  readonly ready: boolean;
  close(): Promise<void>;
}

export interface TieredCacheOptions {
  name: string;
  /** bytes of answers each process keeps in memory in front of the shared store (0: none) */
  localBytes: number;
  /** how long an answer is kept, in both tiers */
  ttlSeconds: number;
  /** larger answers are not stored */
  maxEntryBytes: number;
  shared: SharedStore | null;
}

export type TierHit = 'local' | 'shared';

export interface TieredCacheStatistics {
  name: string;
  hitsLocal: number;
  hitsShared: number;
  misses: number;
  stores: number;
  /** answers larger than maxEntryBytes, not stored */
  tooLarge: number;
  /** lookups and stores the shared store failed (each counted as a miss or a dropped store) */
  sharedErrors: number;
  sharedReady: boolean;
}

export interface TieredCache {
  get(key: string): Promise<{ value: Buffer; tier: TierHit } | null>;
  set(key: string, value: Buffer): Promise<void>;
  statistics(): TieredCacheStatistics;
  close(): Promise<void>;
}

/** A cache key of fixed length from the versions of the layers an answer read and its own parts. */
export function hashedKey(versions: readonly (number | string)[], ...parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([versions, ...parts]))
    .digest('base64url');
}

/** An LRU of this process in front of a shared store; either may be absent. */
export function createTieredCache(options: TieredCacheOptions): TieredCache {
  const local = options.localBytes > 0 ? createCache<string, Buffer>({ name: options.name, max: 100_000, maxSize: options.localBytes, sizeOf: (v) => v.length, ttlMs: options.ttlSeconds * 1000 }) : null;
  const stats = { hitsLocal: 0, hitsShared: 0, misses: 0, stores: 0, tooLarge: 0, sharedErrors: 0 };
  const shared = options.shared;
  return {
    async get(key) {
      const near = local?.get(key);
      if (near) {
        stats.hitsLocal++;
        return { value: near, tier: 'local' };
      }
      if (shared?.ready) {
        try {
          const far = await shared.get(key);
          if (far) {
            stats.hitsShared++;
            local?.set(key, far);
            return { value: far, tier: 'shared' };
          }
        } catch {
          stats.sharedErrors++;
        }
      }
      stats.misses++;
      return null;
    },
    async set(key, value) {
      if (value.length > options.maxEntryBytes) {
        stats.tooLarge++;
        return;
      }
      stats.stores++;
      local?.set(key, value);
      if (!shared?.ready) return;
      try {
        await shared.set(key, value, options.ttlSeconds);
      } catch {
        stats.sharedErrors++;
      }
    },
    statistics: () => ({ name: options.name, ...stats, sharedReady: shared?.ready ?? false }),
    close: async () => {
      local?.clear();
      await shared?.close();
    },
  };
}

export interface RedisStoreOptions {
  url: string;
  /** every key starts with it: one Redis server can hold several deployments (and test runs) */
  prefix: string;
  /** a command slower than this counts as failed (the answer is computed instead) */
  commandTimeoutMs: number;
  warn: (message: string) => void;
}

/**
 * A Redis server as the shared store (ioredis). Commands are never queued while disconnected:
 * they fail at once and the caller computes the answer; the client reconnects in the background.
 */
export async function connectRedisStore(options: RedisStoreOptions): Promise<SharedStore> {
  const redis = new Redis(options.url, {
    keyPrefix: options.prefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
  });
  let ready = false;
  let warned = false;
  const where = new URL(options.url).host;
  redis.on('ready', () => {
    ready = true;
    if (warned) options.warn(`response cache: Redis at ${where} is back; the shared cache is on again`);
    warned = false;
  });
  redis.on('error', (error: Error) => {
    ready = false;
    if (!warned) options.warn(`response cache: Redis at ${where} is unreachable (${error.message}); answering without the shared cache until it is back`);
    warned = true;
  });
  redis.on('close', () => {
    ready = false;
  });
  // wait briefly for the first connection, so the first requests already share answers
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1500);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
    redis.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    get ready() {
      return ready;
    },
    get: (key) => redis.getBuffer(key),
    set: async (key, value, ttlSeconds) => {
      await redis.set(key, value, 'EX', ttlSeconds);
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
