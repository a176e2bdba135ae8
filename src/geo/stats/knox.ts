/**
 * The Knox test for space-time clustering (Knox 1964), as Ratcliffe's Near Repeat Calculator
 * (Ratcliffe 2009; Johnson et al. 2007) does it: every pair of incidents falls into one distance
 * band and one time band; the observed pair counts of each (distance, time) band are compared
 * with their distribution under random timing, obtained by Monte Carlo permutation of the
 * incidents' dates among their locations (Besag and Diggle's randomisation; the spatial and the
 * temporal distributions are both kept).
 *
 *   distance rows   "same location" (d <= sameLocationMeters), then (0, b], (b, 2b], ... up to
 *                   N·b, then "beyond N·b"                                    (Euclidean metres)
 *   time columns    0..w days, w+1..2w, ..., up to M·w, then "beyond M·w"     (|Δ calendar days|)
 *   expected        mean count over the permutations
 *   Knox ratio      observed / expected (above 1: more pairs close in space and time than chance)
 *   pseudo p        (#{permutations with count >= observed} + 1) / (permutations + 1)  (upper tail,
 *                   the Near Repeat Calculator's significance of a ratio above 1)
 *   p FDR           Benjamini-Hochberg over the tested bands (every row but "beyond", every column
 *                   but "beyond")
 *
 * Speed: the close pairs (d <= N·b) are found once on a grid of side N·b; a permutation only
 * re-reads the dates of those pairs. Pairs beyond N·b are the total of all pairs per time band,
 * which a permutation of dates does not change, minus the close ones (a sweep over sorted days),
 * so the cost is O((n + close pairs) × permutations), not O(n² × permutations).
 */
import { benjaminiHochberg } from './fdr';
import { createRandom } from './random';

const { floor, sqrt, ceil } = Math;

export interface KnoxBands {
  /** width of a distance band, metres */
  distanceBandMeters: number;
  /** distance bands after "same location" (the "beyond" row is added) */
  distanceBands: number;
  /** width of a time band, days */
  timeBandDays: number;
  /** time bands (the "beyond" column is added) */
  timeBands: number;
  /** pairs this close count as the same location (0: the very same coordinates) */
  sameLocationMeters: number;
}

export interface KnoxPoints {
  /** metres on a plane */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** whole calendar days (e.g. days since the epoch in the city's zone) */
  day: ArrayLike<number>;
}

export interface ClosePairs {
  i: Int32Array;
  j: Int32Array;
  /** distance row: 0 same location, 1..N the bands */
  row: Uint8Array;
}

export interface KnoxResult {
  /** distanceBands + 2 */
  rows: number;
  /** timeBands + 1 */
  columns: number;
  /** row-major rows × columns */
  observed: Float64Array;
  expected: Float64Array;
  /** observed / expected (NaN where expected is 0) */
  ratio: Float64Array;
  p: Float64Array;
  /** NaN for the "beyond" row and column */
  pFdr: Float64Array;
  pairs: number;
  closePairs: number;
  permutations: number;
  seed: number;
}

/** Time column of a difference of `delta` whole days: 0..w -> 0, w+1..2w -> 1, ..., beyond M·w -> M. */
export function timeColumn(delta: number, bands: KnoxBands): number {
  const k = delta <= bands.timeBandDays ? 0 : ceil(delta / bands.timeBandDays) - 1;
  return k < bands.timeBands ? k : bands.timeBands;
}

/** Distance row of a distance: 0 same location, 1..N the bands, N + 1 beyond. */
export function distanceRow(d: number, bands: KnoxBands): number {
  if (d <= bands.sameLocationMeters) return 0;
  const k = ceil(d / bands.distanceBandMeters);
  return k <= bands.distanceBands ? k : bands.distanceBands + 1;
}

/** Every pair within N·b metres (and the same-location ones), found on a grid of that side. */
export function closePairs(points: KnoxPoints, bands: KnoxBands): ClosePairs {
  const n = points.x.length;
  const reach = Math.max(bands.distanceBands * bands.distanceBandMeters, bands.sameLocationMeters, 1e-9);
  let minX = Infinity;
  let minY = Infinity;
  for (let i = 0; i < n; i++) {
    if (points.x[i] < minX) minX = points.x[i];
    if (points.y[i] < minY) minY = points.y[i];
  }
  const buckets = new Map<number, number[]>();
  const keyOf = (cx: number, cy: number) => cx * 1_048_576 + cy;
  const cellX = new Int32Array(n);
  const cellY = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    cellX[i] = floor((points.x[i] - minX) / reach);
    cellY[i] = floor((points.y[i] - minY) / reach);
    const key = keyOf(cellX[i], cellY[i]);
    const list = buckets.get(key);
    if (list) list.push(i);
    else buckets.set(key, [i]);
  }
  const is: number[] = [];
  const js: number[] = [];
  const rows: number[] = [];
  const last = bands.distanceBands;
  for (let i = 0; i < n; i++) {
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = buckets.get(keyOf(cellX[i] + dx, cellY[i] + dy));
        if (!list) continue;
        for (const j of list) {
          if (j <= i) continue;
          const ddx = points.x[i] - points.x[j];
          const ddy = points.y[i] - points.y[j];
          const row = distanceRow(sqrt(ddx * ddx + ddy * ddy), bands);
          if (row > last) continue;
          is.push(i);
          js.push(j);
          rows.push(row);
        }
      }
    }
  }
  return { i: Int32Array.from(is), j: Int32Array.from(js), row: Uint8Array.from(rows) };
}

/** Pairs of all incidents per time column (any distance): depends on the multiset of days only. */
export function pairsPerTimeColumn(days: ArrayLike<number>, bands: KnoxBands): Float64Array {
  const sorted = Float64Array.from(days).sort();
  const n = sorted.length;
  const columns = bands.timeBands + 1;
  // atMost[k]: pairs with Δ <= upper edge of column k (k < M)
  const atMost = new Float64Array(bands.timeBands);
  for (let k = 0; k < bands.timeBands; k++) {
    const edge = (k + 1) * bands.timeBandDays;
    let count = 0;
    let j = 0;
    for (let i = 0; i < n; i++) {
      if (j < i + 1) j = i + 1;
      while (j < n && sorted[j] - sorted[i] <= edge) j++;
      count += j - i - 1;
    }
    atMost[k] = count;
  }
  const out = new Float64Array(columns);
  let before = 0;
  for (let k = 0; k < bands.timeBands; k++) {
    out[k] = atMost[k] - before;
    before = atMost[k];
  }
  out[bands.timeBands] = (n * (n - 1)) / 2 - before;
  return out;
}

/** The Knox table of counts for dates `days` assigned to the points of `pairs` (row-major rows × columns). */
export function knoxCounts(pairs: ClosePairs, days: ArrayLike<number>, totals: Float64Array, bands: KnoxBands): Float64Array {
  const columns = bands.timeBands + 1;
  const rows = bands.distanceBands + 2;
  const out = new Float64Array(rows * columns);
  const { i: is, j: js, row } = pairs;
  const w = bands.timeBandDays;
  const m = bands.timeBands;
  // the column of every whole-day difference up to the last band, by lookup (beyond: m)
  const lastDay = m * w;
  const columnOf = new Int32Array(lastDay + 1);
  for (let delta = 0; delta <= lastDay; delta++) columnOf[delta] = timeColumn(delta, bands);
  for (let k = 0; k < is.length; k++) {
    let delta = days[is[k]] - days[js[k]];
    if (delta < 0) delta = -delta;
    const c = delta <= lastDay && delta === floor(delta) ? columnOf[delta] : timeColumn(delta, bands);
    out[row[k] * columns + c]++;
  }
  const beyond = (rows - 1) * columns;
  for (let c = 0; c < columns; c++) {
    let close = 0;
    for (let r = 0; r < rows - 1; r++) close += out[r * columns + c];
    out[beyond + c] = totals[c] - close;
  }
  return out;
}

export interface KnoxOptions {
  /** 99 to 9,999 */
  permutations: number;
  seed?: number;
}

export const DEFAULT_KNOX_SEED = 12345;

/**
 * The close pairs ready for counting many tables: each pair's distance row as the offset of its
 * row in the table, and the time column of every whole-day difference up to the span of the days
 * by lookup, so a permutation costs one subtraction and two array reads per close pair.
 */
interface PairKernel {
  a: Int32Array;
  b: Int32Array;
  /** row × columns per pair */
  base: Int32Array;
  /** time column per Δ days from −span to span, at Δ + span (no branch on the sign: it is random) */
  columnOf: Int32Array;
  span: number;
}

function pairKernel(pairs: ClosePairs, span: number, bands: KnoxBands): PairKernel {
  const columns = bands.timeBands + 1;
  const columnOf = new Int32Array(2 * span + 1);
  for (let delta = -span; delta <= span; delta++) columnOf[delta + span] = timeColumn(Math.abs(delta), bands);
  const base = new Int32Array(pairs.row.length);
  for (let k = 0; k < base.length; k++) base[k] = pairs.row[k] * columns;
  return { a: pairs.i, b: pairs.j, base, columnOf, span };
}

/** knoxCounts for whole days (as offsets from the first day): the close rows into `close`, then the beyond row. */
function kernelCounts(kernel: PairKernel, day: Int32Array, totals: Float64Array, close: Int32Array, out: Float64Array, rows: number, columns: number): void {
  close.fill(0);
  const { a, b, base, columnOf, span } = kernel;
  for (let k = 0, m = a.length; k < m; k++) close[base[k] + columnOf[day[a[k]] - day[b[k]] + span]]++;
  const beyond = (rows - 1) * columns;
  for (let c = 0; c < columns; c++) {
    let sum = 0;
    for (let r = 0; r < rows - 1; r++) {
      out[r * columns + c] = close[r * columns + c];
      sum += close[r * columns + c];
    }
    out[beyond + c] = totals[c] - sum;
  }
}

/** Fisher-Yates in place: a uniformly random assignment of the dates to the locations. */
function shuffle(values: Int32Array, random: ReturnType<typeof createRandom>): void {
  for (let i = values.length - 1; i > 0; i--) {
    const k = random.nextInt(i + 1);
    const t = values[i];
    values[i] = values[k];
    values[k] = t;
  }
}

export function knoxTest(points: KnoxPoints, bands: KnoxBands, options: KnoxOptions): KnoxResult {
  const n = points.x.length;
  const seed = options.seed ?? DEFAULT_KNOX_SEED;
  const rows = bands.distanceBands + 2;
  const columns = bands.timeBands + 1;
  const pairs = closePairs(points, bands);
  const totals = pairsPerTimeColumn(points.day, bands);
  const observed = knoxCounts(pairs, points.day, totals, bands);
  const sum = new Float64Array(rows * columns);
  const atLeast = new Float64Array(rows * columns);
  const random = createRandom(seed);
  const days = Float64Array.from(points.day);
  // whole days: the fast kernel on offsets from the first day (a permutation keeps the multiset of days)
  let first = Infinity;
  let lastDay = -Infinity;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const d = days[i];
    if (d !== floor(d)) whole = false;
    if (d < first) first = d;
    if (d > lastDay) lastDay = d;
  }
  whole = whole && n > 0 && lastDay - first < 1e7;
  const kernel = whole ? pairKernel(pairs, lastDay - first, bands) : null;
  const offsets = whole ? Int32Array.from(days, (d) => d - first) : new Int32Array(0);
  const close = new Int32Array(rows * columns);
  let simulated: Float64Array = new Float64Array(rows * columns);
  for (let r = 0; r < options.permutations; r++) {
    // Fisher-Yates: a uniformly random assignment of the dates to the locations
    if (kernel) {
      shuffle(offsets, random);
      kernelCounts(kernel, offsets, totals, close, simulated, rows, columns);
    } else {
      for (let i = n - 1; i > 0; i--) {
        const k = random.nextInt(i + 1);
        const t = days[i];
        days[i] = days[k];
        days[k] = t;
      }
      simulated = knoxCounts(pairs, days, totals, bands);
    }
    for (let c = 0; c < sum.length; c++) {
      sum[c] += simulated[c];
      if (simulated[c] >= observed[c]) atLeast[c]++;
    }
  }
  const expected = sum.map((s) => s / options.permutations);
  const ratio = observed.map((o, c) => (expected[c] > 0 ? o / expected[c] : NaN));
  const p = atLeast.map((a) => (a + 1) / (options.permutations + 1));
  const tested: number[] = [];
  for (let r = 0; r < rows - 1; r++) for (let c = 0; c < columns - 1; c++) tested.push(r * columns + c);
  const adjusted = benjaminiHochberg(tested.map((c) => p[c]));
  const pFdr = new Float64Array(rows * columns).fill(NaN);
  tested.forEach((c, k) => (pFdr[c] = adjusted[k]));
  return { rows, columns, observed, expected, ratio, p, pFdr, pairs: (n * (n - 1)) / 2, closePairs: pairs.i.length, permutations: options.permutations, seed };
}
