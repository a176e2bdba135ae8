/**
 * The first line of each (source, external_id) of a file, for refusing a second row with the
 * same id. A Map of a million key strings made the collector trace a million objects again and
 * again and cost a fifth of an import's CPU; here the keys' characters live in typed arrays
 * (an open-addressing hash table over one character arena), which the collector never walks.
 * Keys are compared in full, so two ids are only ever the same when they are equal.
 */
export class FirstLineIndex {
  /** per slot: entry number + 1, 0 when empty; length a power of two, at most half full */
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 11);
  private lines = new Float64Array(1 << 11);
  /** where each entry's characters start in `chars`, and how many there are */
  private starts = new Float64Array(1 << 11);
  private lengths = new Int32Array(1 << 11);
  private chars = new Uint16Array(1 << 16);
  private entries = 0;
  private used = 0;

  get size(): number {
    return this.entries;
  }

  /**
   * The line recorded for the key `first` + U+0000 + `second`, or, when the key is new, records
   * `line` for it and returns undefined.
   */
  firstLineOrAdd(first: string, second: string, line: number): number | undefined {
    const hash = hashKey(first, second);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const stored = this.slots[slot];
      if (stored === 0) break;
      const entry = stored - 1;
      if (this.hashes[entry] === hash && this.matches(entry, first, second)) return this.lines[entry];
      slot = (slot + 1) & mask;
    }
    const entry = this.entries;
    const length = first.length + 1 + second.length;
    this.reserve(entry + 1, this.used + length);
    let at = this.used;
    for (let i = 0; i < first.length; i++) this.chars[at++] = first.charCodeAt(i);
    this.chars[at++] = 0;
    for (let i = 0; i < second.length; i++) this.chars[at++] = second.charCodeAt(i);
    this.hashes[entry] = hash;
    this.lines[entry] = line;
    this.starts[entry] = this.used;
    this.lengths[entry] = length;
    this.used = at;
    this.entries = entry + 1;
    if (this.entries * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.slots[slot] = entry + 1;
    return undefined;
  }

  private matches(entry: number, first: string, second: string): boolean {
    if (this.lengths[entry] !== first.length + 1 + second.length) return false;
    let at = this.starts[entry];
    for (let i = 0; i < first.length; i++) if (this.chars[at++] !== first.charCodeAt(i)) return false;
    if (this.chars[at++] !== 0) return false;
    for (let i = 0; i < second.length; i++) if (this.chars[at++] !== second.charCodeAt(i)) return false;
    return true;
  }

  private reserve(entries: number, chars: number): void {
    if (entries > this.hashes.length) {
      const capacity = this.hashes.length * 2;
      this.hashes = grow(this.hashes, new Int32Array(capacity));
      this.lines = grow(this.lines, new Float64Array(capacity));
      this.starts = grow(this.starts, new Float64Array(capacity));
      this.lengths = grow(this.lengths, new Int32Array(capacity));
    }
    if (chars > this.chars.length) {
      let capacity = this.chars.length * 2;
      while (capacity < chars) capacity *= 2;
      this.chars = grow(this.chars, new Uint16Array(capacity));
    }
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let entry = 0; entry < this.entries; entry++) {
      let slot = this.hashes[entry] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

function grow<T extends Int32Array | Float64Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** FNV-1a over the key's UTF-16 code units, finished with a murmur mix so low bits spread. */
function hashKey(first: string, second: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < first.length; i++) h = Math.imul(h ^ first.charCodeAt(i), 0x01000193);
  h = Math.imul(h, 0x01000193);
  for (let i = 0; i < second.length; i++) h = Math.imul(h ^ second.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}
