/**
 * The one in-memory cache of the product: least-recently-used maps from `lru-cache`, bounded by
 * entries (and by size where a size function is given). Every cache of computed answers is made
 * here, so each one is bounded, evicts the least recently used entry, and can be cleared at once
 * (tests that want a cold start, the benchmark's cold figures).
 *
 * Keys that depend on stored layers carry those layers' versions (`versionedKey`): an import bumps
 * a version (db/layerCache.ts), so a stale entry is never found again and ages out.
 */
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
