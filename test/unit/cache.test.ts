/** The one cache (src/cache.ts): bounded, least recently used out, shared computations, cleared at once. */
import { cachedPromise, cacheStatistics, clearCaches, createCache, versionedKey } from '../../src/cache';

describe('createCache', () => {
  it('holds at most `max` entries, dropping the least recently used', () => {
    const cache = createCache<string, number>({ name: 'test: bounds', max: 3 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.has('a')).toBe(false);
    expect([...cache.keys()].sort()).toEqual(['b', 'c', 'd']);
  });

  it('a read makes an entry the most recently used', () => {
    const cache = createCache<string, number>({ name: 'test: LRU order', max: 3 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // now b is the least recently used
    cache.set('d', 4);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    cache.set('e', 5); // then c
    expect(cache.has('c')).toBe(false);
    expect([...cache.keys()].sort()).toEqual(['a', 'd', 'e']);
  });

  it('with a size function, the total size is bounded too', () => {
    const cache = createCache<string, number[]>({ name: 'test: size', max: 100, maxSize: 10, sizeOf: (value) => value.length });
    cache.set('a', [1, 2, 3, 4]);
    cache.set('b', [1, 2, 3, 4]);
    cache.set('c', [1, 2, 3, 4]);
    expect(cache.calculatedSize).toBeLessThanOrEqual(10);
    expect(cache.has('a')).toBe(false);
    expect(cache.has('c')).toBe(true);
  });

  it('lists each cache with its entries and bound', () => {
    const cache = createCache<string, number>({ name: 'test: statistics', max: 7 });
    cache.set('a', 1);
    expect(cacheStatistics()).toContainEqual({ name: 'test: statistics', entries: 1, max: 7 });
  });
});

describe('cachedPromise', () => {
  it('shares one computation between concurrent requests for a key, and keeps its value', async () => {
    const cache = createCache<string, Promise<number>>({ name: 'test: shared', max: 4 });
    let runs = 0;
    let release: (value: number) => void = () => undefined;
    const compute = (): Promise<number> => {
      runs++;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    const first = cachedPromise(cache, 'k', compute);
    const second = cachedPromise(cache, 'k', compute);
    expect(second).toBe(first);
    release(42);
    await expect(Promise.all([first, second])).resolves.toEqual([42, 42]);
    await expect(cachedPromise(cache, 'k', compute)).resolves.toBe(42);
    expect(runs).toBe(1);
  });

  it('drops a failed computation, so the next request computes again', async () => {
    const cache = createCache<string, Promise<number>>({ name: 'test: failure', max: 4 });
    let runs = 0;
    const failing = cachedPromise(cache, 'k', async () => {
      runs++;
      throw new Error('database gone');
    });
    // a request that joins while the failing computation runs shares its failure
    const joined = cachedPromise(cache, 'k', async () => 0);
    expect(joined).toBe(failing);
    await expect(failing).rejects.toThrow('database gone');
    await expect(joined).rejects.toThrow('database gone');
    expect(cache.has('k')).toBe(false);
    await expect(
      cachedPromise(cache, 'k', async () => {
        runs++;
        return 7;
      }),
    ).resolves.toBe(7);
    expect(runs).toBe(2);
    expect(cache.has('k')).toBe(true);
  });
});

describe('versionedKey', () => {
  it('differs when a layer version or a part differs, and is equal otherwise', () => {
    expect(versionedKey([3, 5], 'area', 9)).toBe(versionedKey([3, 5], 'area', 9));
    expect(versionedKey([3, 6], 'area', 9)).not.toBe(versionedKey([3, 5], 'area', 9));
    expect(versionedKey([3, 5], 'area', 10)).not.toBe(versionedKey([3, 5], 'area', 9));
    // versions and parts cannot run into each other
    expect(versionedKey([3], 5)).not.toBe(versionedKey([3, 5]));
  });
});

describe('clearCaches', () => {
  it('empties every cache made by createCache', async () => {
    const plain = createCache<string, number>({ name: 'test: clear plain', max: 4 });
    const promised = createCache<string, Promise<number>>({ name: 'test: clear promised', max: 4 });
    plain.set('a', 1);
    await cachedPromise(promised, 'b', async () => 2);
    clearCaches();
    expect(plain.size).toBe(0);
    expect(promised.size).toBe(0);
    // and they work as before afterwards
    plain.set('a', 3);
    expect(plain.get('a')).toBe(3);
  });
});
