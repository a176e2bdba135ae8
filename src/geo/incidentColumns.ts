/**
 * Incidents held in memory as columns (typed arrays), aggregated to the cells of a study area by
 * one pass over plain numbers: no SQL, no per-row objects. A pass over a million incidents takes a
 * few milliseconds, where the SQL `GROUP BY` over the same rows takes a hundred or more.
 *
 * Each incident comes with its own cell at every resolution of CELL_RESOLUTIONS (latLngToCell of
 * the point, stored in the database), so a count at a resolution is the number of incidents inside
 * the hexagon, never that of a finer cell's ancestor (H3 children stick out of their parents).
 * Per resolution, the cells become a dictionary when the columns are built: a dense id per row
 * (4 bytes) and the distinct cells; the 8-byte cells themselves are not kept.
 *
 * Cells are keyed without BigInt: an H3 cell at a known resolution is determined by the low 20
 * bits of its upper 32-bit half (base cell and the first digits) and its lower 32-bit half, 52
 * bits in all, which a double holds exactly.
 */
import { CELL_RESOLUTIONS, h3IndexToSplitLong, splitLongToH3Index } from './h3';

const TWO_POW_32 = 4_294_967_296;
/** the upper half's mode bits of an H3 cell (mode 1) */
const CELL_MODE_BITS = 1 << 27;

function cellKey(hi: number, lo: number): number {
  return (hi & 0xfffff) * TWO_POW_32 + (lo >>> 0);
}

/** Night flag of a row as stored: night, day, or not known (time not exact). */
export const NIGHT = 1;
export const DAY = 0;
export const UNKNOWN_TIME = -1;
/** District or precinct of a row that lies in none. */
export const NO_AREA = -1;

export interface IncidentColumnsInput {
  /**
   * per resolution of CELL_RESOLUTIONS (same order): each row's own cell as its 52-bit key,
   * (upper half & 0xfffff) * 2^32 + lower half
   */
  cellKeys: readonly Float64Array[];
  /** occurred_at in epoch milliseconds */
  time: Float64Array;
  /** index into `categories` */
  category: Uint16Array;
  /** NIGHT, DAY or UNKNOWN_TIME */
  night: Int8Array;
  lng: Float64Array;
  lat: Float64Array;
  /** id of the district that holds the point (point-in-polygon), or NO_AREA */
  district: Int32Array;
  /** id of the precinct that holds the point, or NO_AREA */
  precinct: Int32Array;
  categories: string[];
}

/** The key of a cell (hex) as the columns use it. */
export function cellKeyOf(cell: string): number {
  const [lo, hi] = h3IndexToSplitLong(cell);
  return cellKey(hi, lo);
}

interface CellDictionary {
  resolution: number;
  /** per row: dense id of the row's cell at this resolution */
  rowCell: Int32Array;
  /** dense id -> key */
  keys: number[];
  byKey: Map<number, number>;
  /** dense id -> H3 hex string, built on first use */
  hex: (string | undefined)[];
}

export interface IncidentFilter {
  /** epoch ms, inclusive; null for open */
  from: number | null;
  /** epoch ms, exclusive; null for open */
  to: number | null;
  categories: readonly string[] | null;
}

export interface AreaIncidentCounts {
  total: Float64Array;
  day: Float64Array;
  night: Float64Array;
  unknownTime: Float64Array;
  /** categories in the order of `byCategory`'s columns */
  categories: string[];
  /** cells x categories, row-major; present when asked for detail */
  byCategory: Float64Array | null;
}

export interface GroupedCount {
  cell: string;
  category: string;
  night: boolean | null;
  count: number;
}

/** Incidents of a study area as points, sorted by time. */
export interface AreaIncidentEvents {
  lng: Float64Array;
  lat: Float64Array;
  /** epoch ms */
  time: Float64Array;
  /** index of the incident's cell in the study area */
  cell: Int32Array;
}

/** A study area's cells mapped into a column store's dense cell ids: dense id -> area index, or -1. */
export interface AreaCellMap {
  resolution: number;
  areaIndexOfCell: Int32Array;
  cellCount: number;
}

type Column = Int32Array | Uint32Array | Float64Array | Uint16Array | Int8Array;

/** Reorders every column by occurred_at, so that a time window is one contiguous range of rows. */
function sortedByTime(input: IncidentColumnsInput): IncidentColumnsInput {
  const n = input.time.length;
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && input.time[i] < input.time[i - 1]) sorted = false;
  }
  if (sorted) return input;
  const time = input.time;
  order.sort((a, b) => time[a] - time[b]);
  const take = <A extends Column>(column: A): A => {
    const out = new (column.constructor as new (length: number) => A)(n);
    for (let i = 0; i < n; i++) out[i] = column[order[i]];
    return out;
  };
  return {
    cellKeys: input.cellKeys.map(take),
    time: take(input.time),
    category: take(input.category),
    night: take(input.night),
    lng: take(input.lng),
    lat: take(input.lat),
    district: take(input.district),
    precinct: take(input.precinct),
    categories: input.categories,
  };
}

function buildDictionary(resolution: number, keysOfRows: Float64Array): CellDictionary {
  const n = keysOfRows.length;
  const rowCell = new Int32Array(n);
  const byKey = new Map<number, number>();
  const keys: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = keysOfRows[i];
    let id = byKey.get(key);
    if (id === undefined) {
      id = keys.length;
      byKey.set(key, id);
      keys.push(key);
    }
    rowCell[i] = id;
  }
  return { resolution, rowCell, keys, byKey, hex: [] };
}

/** First row with time >= t (rows sorted by time). */
function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class IncidentColumns {
  readonly size: number;
  private readonly dictionaries = new Map<number, CellDictionary>();
  private readonly columns: Omit<IncidentColumnsInput, 'cellKeys'>;

  constructor(input: IncidentColumnsInput) {
    if (input.cellKeys.length !== CELL_RESOLUTIONS.length) throw new RangeError(`cellKeys holds ${input.cellKeys.length} resolutions, not ${CELL_RESOLUTIONS.length}`);
    const sorted = sortedByTime(input);
    const { cellKeys, ...columns } = sorted;
    this.columns = columns;
    this.size = input.time.length;
    CELL_RESOLUTIONS.forEach((resolution, k) => this.dictionaries.set(resolution, buildDictionary(resolution, cellKeys[k])));
  }

  /** The rows of a window: [start, end) of the time-sorted columns. */
  private rowRange(filter: IncidentFilter): [number, number] {
    const { time } = this.columns;
    return [filter.from === null ? 0 : lowerBound(time, filter.from), filter.to === null ? this.size : lowerBound(time, filter.to)];
  }

  get categories(): readonly string[] {
    return this.columns.categories;
  }

  /** Approximate bytes held, for logs and the architecture notes. */
  get bytes(): number {
    const c = this.columns;
    let total = c.time.byteLength + c.category.byteLength + c.night.byteLength + c.lng.byteLength + c.lat.byteLength + c.district.byteLength + c.precinct.byteLength;
    for (const d of this.dictionaries.values()) total += d.rowCell.byteLength + d.keys.length * 40;
    return total;
  }

  private dictionary(resolution: number): CellDictionary {
    const found = this.dictionaries.get(resolution);
    if (!found) throw new RangeError(`incidents keep their cell at resolutions ${CELL_RESOLUTIONS.join(', ')}, not ${resolution}`);
    return found;
  }

  /** The rows' own points, categories and areas (read-only views of the time-sorted columns). */
  get rows(): Readonly<Pick<IncidentColumnsInput, 'lng' | 'lat' | 'category' | 'district' | 'precinct' | 'night' | 'time'>> {
    return this.columns;
  }

  /** Per row, the dense id of its own cell at `resolution` (ids as in `mapArea`). */
  rowCells(resolution: number): Int32Array {
    return this.dictionary(resolution).rowCell;
  }

  /** Calls `visit(row, areaIndex)` for each row of the window and categories whose own cell at the area's resolution is in the area. */
  forEachInArea(area: AreaCellMap, filter: IncidentFilter, visit: (row: number, areaIndex: number) => void): void {
    const rowCell = this.dictionary(area.resolution).rowCell;
    const index = area.areaIndexOfCell;
    const { category } = this.columns;
    const allowed = this.categoryAllowed(filter.categories);
    const [start, end] = this.rowRange(filter);
    for (let i = start; i < end; i++) {
      const j = index[rowCell[i]];
      if (j < 0 || (allowed !== null && allowed[category[i]] === 0)) continue;
      visit(i, j);
    }
  }

  /** Builds the lookup from this store's cells at `resolution` to positions in `cells` (cells of that resolution). */
  mapArea(cells: readonly string[], resolution: number): AreaCellMap {
    const dict = this.dictionary(resolution);
    const areaIndexOfCell = new Int32Array(dict.keys.length).fill(-1);
    for (let i = 0; i < cells.length; i++) {
      const id = dict.byKey.get(cellKeyOf(cells[i]));
      if (id !== undefined) areaIndexOfCell[id] = i;
    }
    return { resolution, areaIndexOfCell, cellCount: cells.length };
  }

  private categoryAllowed(categories: readonly string[] | null): Uint8Array | null {
    if (!categories) return null;
    const allowed = new Uint8Array(this.columns.categories.length);
    const wanted = new Set(categories);
    this.columns.categories.forEach((c, i) => {
      if (wanted.has(c)) allowed[i] = 1;
    });
    return allowed;
  }

  /** Incidents per area cell (by day, night, unknown time, and by category when `detail`). */
  countInArea(area: AreaCellMap, filter: IncidentFilter, detail: boolean): AreaIncidentCounts {
    const { category, night } = this.columns;
    const rowCell = this.dictionary(area.resolution).rowCell;
    const index = area.areaIndexOfCell;
    const n = area.cellCount;
    const [start, end] = this.rowRange(filter);
    const allowed = this.categoryAllowed(filter.categories);
    const categoryCount = this.columns.categories.length;
    const total = new Float64Array(n);
    const day = new Float64Array(n);
    const nights = new Float64Array(n);
    const unknownTime = new Float64Array(n);
    if (!detail) {
      for (let i = start; i < end; i++) {
        const j = index[rowCell[i]];
        if (j < 0 || (allowed !== null && allowed[category[i]] === 0)) continue;
        total[j]++;
      }
      return { total, day, night: nights, unknownTime, categories: [...this.columns.categories], byCategory: null };
    }
    // one counter per (cell, category, night): a single write per row, the sums come after
    const width = categoryCount * 3;
    const combos = new Int32Array(n * width);
    for (let i = start; i < end; i++) {
      const j = index[rowCell[i]];
      if (j < 0) continue;
      const c = category[i];
      if (allowed !== null && allowed[c] === 0) continue;
      combos[j * width + c * 3 + night[i] + 1]++;
    }
    const byCategory = new Float64Array(n * categoryCount);
    for (let j = 0; j < n; j++) {
      let base = j * width;
      for (let c = 0; c < categoryCount; c++, base += 3) {
        const unknown = combos[base];
        const d = combos[base + 1];
        const nt = combos[base + 2];
        const sum = unknown + d + nt;
        if (sum === 0) continue;
        unknownTime[j] += unknown;
        day[j] += d;
        nights[j] += nt;
        total[j] += sum;
        byCategory[j * categoryCount + c] = sum;
      }
    }
    return { total, day, night: nights, unknownTime, categories: [...this.columns.categories], byCategory };
  }

  /**
   * The incidents of the area's cells in a window, as points in time order: position, time and
   * the index of their cell in the area (for near-repeat analysis, kernel density and forecasts).
   */
  eventsInArea(area: AreaCellMap, filter: IncidentFilter): AreaIncidentEvents {
    const { category, lng, lat, time } = this.columns;
    const rowCell = this.dictionary(area.resolution).rowCell;
    const index = area.areaIndexOfCell;
    const [start, end] = this.rowRange(filter);
    const allowed = this.categoryAllowed(filter.categories);
    const rows: number[] = [];
    for (let i = start; i < end; i++) {
      if (index[rowCell[i]] < 0 || (allowed !== null && allowed[category[i]] === 0)) continue;
      rows.push(i);
    }
    const out: AreaIncidentEvents = { lng: new Float64Array(rows.length), lat: new Float64Array(rows.length), time: new Float64Array(rows.length), cell: new Int32Array(rows.length) };
    rows.forEach((i, k) => {
      out.lng[k] = lng[i];
      out.lat[k] = lat[i];
      out.time[k] = time[i];
      out.cell[k] = index[rowCell[i]];
    });
    return out;
  }

  /**
   * Counts grouped by (cell at `resolution`, category, night) of the incidents inside a box: the
   * answer of the SQL `GROUP BY` with `geom && envelope`, from memory.
   */
  groupInEnvelope(resolution: number, envelope: readonly [number, number, number, number], filter: IncidentFilter): GroupedCount[] {
    const dict = this.dictionary(resolution);
    const { category, night, lng, lat } = this.columns;
    const [minLng, minLat, maxLng, maxLat] = envelope;
    const [start, end] = this.rowRange(filter);
    const allowed = this.categoryAllowed(filter.categories);
    const categoryCount = this.columns.categories.length;
    // group key: (dense cell, category, night + 1) packed into one number
    const groups = new Map<number, number>();
    for (let i = start; i < end; i++) {
      const x = lng[i];
      const y = lat[i];
      if (x < minLng || x > maxLng || y < minLat || y > maxLat) continue;
      const c = category[i];
      if (allowed !== null && allowed[c] === 0) continue;
      const key = (dict.rowCell[i] * categoryCount + c) * 3 + (night[i] + 1);
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const out: GroupedCount[] = [];
    for (const [key, count] of groups) {
      const nightCode = (key % 3) - 1;
      const rest = Math.floor(key / 3);
      const c = rest % categoryCount;
      const id = Math.floor(rest / categoryCount);
      out.push({ cell: this.hexOf(dict, id), category: this.columns.categories[c], night: nightCode === UNKNOWN_TIME ? null : nightCode === NIGHT, count });
    }
    return out;
  }

  private hexOf(dict: CellDictionary, id: number): string {
    let hex = dict.hex[id];
    if (hex === undefined) {
      const key = dict.keys[id];
      const hi = CELL_MODE_BITS | (dict.resolution << 20) | Math.floor(key / TWO_POW_32);
      hex = splitLongToH3Index((key % TWO_POW_32) | 0, hi);
      dict.hex[id] = hex;
    }
    return hex;
  }
}
