import fc from 'fast-check';
import { FirstLineIndex } from '../../../src/import/keyIndex';

/** The reference: the Map of joined keys that importFile used before. */
function referenceLines(keys: [string, string][]): (number | undefined)[] {
  const seen = new Map<string, number>();
  return keys.map(([source, id], line) => {
    const key = `${source}\u0000${id}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, line);
    return first;
  });
}

function indexLines(keys: [string, string][]): (number | undefined)[] {
  const index = new FirstLineIndex();
  return keys.map(([source, id], line) => index.firstLineOrAdd(source, id, line));
}

describe('FirstLineIndex', () => {
  it('finds the first line of every repeated key, as a Map of the joined keys does', () => {
    // few distinct characters, so keys repeat and share prefixes; any UTF-16 text too
    const text = fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', 'é', '中'), maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { maxLength: 300 }), (keys) => {
        expect(indexLines(keys)).toEqual(referenceLines(keys));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every key apart through growth to a hundred thousand keys', () => {
    const keys: [string, string][] = [];
    for (let i = 0; i < 100_000; i++) keys.push([i % 3 === 0 ? 'call_112' : 'patrol', `inc-${i % 70_000}`]);
    const expected = referenceLines(keys);
    expect(indexLines(keys)).toEqual(expected);
    expect(expected.filter((line) => line !== undefined).length).toBeGreaterThan(0);
  });

  it('compares the joined key, as before: a U+0000 inside an id is not told from the separator', () => {
    const index = new FirstLineIndex();
    expect(index.firstLineOrAdd('a', 'b\u0000c', 1)).toBeUndefined();
    expect(index.firstLineOrAdd('a\u0000b', 'c', 2)).toBe(1);
    expect(index.firstLineOrAdd('a', 'bc', 3)).toBeUndefined();
    expect(index.firstLineOrAdd('ab', 'c', 4)).toBeUndefined();
    expect(index.size).toBe(3);
  });
});
