/**
 * Emerging hot spot categories, following Esri's "How Emerging Hot Spot Analysis works"
 * (ArcGIS Pro, Space Time Pattern Mining toolbox). Input per cell: the Gi* z-score and p-value at
 * each time step (oldest first) and, computed here, the Mann-Kendall trend of the z-scores.
 *
 * Definitions (n time steps; a step is a significant hot spot when p <= alpha and z > 0, a
 * significant cold spot when p <= alpha and z < 0; "trend up/down" means a Mann-Kendall test
 * on the z series with p <= trendAlpha and S > 0 / S < 0):
 *
 *   new            final step hot; no earlier step hot
 *   consecutive    final run of >= 2 hot steps; no hot step before that run; < 90 % of steps hot
 *   intensifying   >= 90 % of steps hot, final step hot, trend up
 *   persistent     >= 90 % of steps hot, final step hot, no significant trend
 *   diminishing    >= 90 % of steps hot, final step hot, trend down
 *   sporadic       final step hot, < 90 % of steps hot, some earlier step hot, no step cold,
 *                  and not consecutive (on-again, off-again)
 *   oscillating    final step hot, < 90 % of steps hot, some earlier step cold
 *                  (and not new or consecutive)
 *   historical     final step not hot, >= 90 % of steps hot
 *   ... and the same eight with hot and cold, z > 0 and z < 0, up and down exchanged;
 *   no pattern     none of the above.
 *
 * Esri lists the categories without saying which wins where two descriptions overlap (a cell
 * that was cold once and is hot for the first time at the final step fits both "new" and
 * "oscillating"). The rules above are made mutually exclusive with this precedence, under which
 * Esri's description of each label holds for every cell given it: the final step decides the hot
 * or cold side; then >= 90 % (intensifying / persistent / diminishing by trend); then new,
 * consecutive, oscillating, sporadic. Esri evaluates at least ten time steps; shorter series are classified
 * the same way with a SHORT_SERIES warning.
 */
import { mannKendall, type MannKendallResult } from './mannKendall';
import type { StatWarning } from './warnings';

export const EMERGING_HOT_SPOT_CATEGORIES = [
  'new_hot_spot',
  'consecutive_hot_spot',
  'intensifying_hot_spot',
  'persistent_hot_spot',
  'diminishing_hot_spot',
  'sporadic_hot_spot',
  'oscillating_hot_spot',
  'historical_hot_spot',
  'new_cold_spot',
  'consecutive_cold_spot',
  'intensifying_cold_spot',
  'persistent_cold_spot',
  'diminishing_cold_spot',
  'sporadic_cold_spot',
  'oscillating_cold_spot',
  'historical_cold_spot',
  'no_pattern',
] as const;
export type EmergingHotSpotCategory = (typeof EMERGING_HOT_SPOT_CATEGORIES)[number];

export interface EmergingHotSpotOptions {
  /** significance level of a hot or cold step (default 0.10: any non-zero Esri Gi_Bin) */
  alpha?: number;
  /** significance level of the Mann-Kendall trend (default 0.10, Esri's 90 % trend bin) */
  trendAlpha?: number;
  /** share of steps that makes a location persistent/intensifying/diminishing/historical (0.9) */
  persistentShare?: number;
}

export interface EmergingHotSpotCell {
  category: EmergingHotSpotCategory;
  /** Mann-Kendall test of the z-score series */
  trend: MannKendallResult;
  hotSteps: number;
  coldSteps: number;
  steps: number;
}

const DEFAULT_ALPHA = 0.1;
const DEFAULT_TREND_ALPHA = 0.1;
const DEFAULT_PERSISTENT_SHARE = 0.9;
export const ESRI_MINIMUM_STEPS = 10;

/** Category of one location from its z and p series (same length, oldest step first). */
export function classifyEmergingHotSpot(z: ArrayLike<number>, p: ArrayLike<number>, options: EmergingHotSpotOptions = {}): EmergingHotSpotCell {
  if (z.length !== p.length) throw new RangeError(`${z.length} z-scores but ${p.length} p-values`);
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const trendAlpha = options.trendAlpha ?? DEFAULT_TREND_ALPHA;
  const share = options.persistentShare ?? DEFAULT_PERSISTENT_SHARE;
  const n = z.length;
  // +1 hot, -1 cold, 0 neither, per step
  const state = new Int8Array(n);
  let hotSteps = 0;
  let coldSteps = 0;
  for (let t = 0; t < n; t++) {
    if (p[t] <= alpha && z[t] > 0) {
      state[t] = 1;
      hotSteps++;
    } else if (p[t] <= alpha && z[t] < 0) {
      state[t] = -1;
      coldSteps++;
    }
  }
  const trend = mannKendall(z);
  const base = { trend, hotSteps, coldSteps, steps: n };
  if (n === 0) return { category: 'no_pattern', ...base };

  const trendSign = trend.p <= trendAlpha ? Math.sign(trend.s) : 0;
  const last = state[n - 1];
  if (last === 0) {
    if (hotSteps >= share * n) return { category: 'historical_hot_spot', ...base };
    if (coldSteps >= share * n) return { category: 'historical_cold_spot', ...base };
    return { category: 'no_pattern', ...base };
  }
  return { category: classifyActive(state, last, trendSign, share), ...base };
}

/** Rules for a location that is significant (hot: side = 1, cold: side = -1) at the final step. */
function classifyActive(state: Int8Array, side: number, trendSign: number, share: number): EmergingHotSpotCategory {
  const n = state.length;
  const suffix = side > 0 ? 'hot_spot' : 'cold_spot';
  let sameSide = 0;
  let oppositeSide = 0;
  for (let t = 0; t < n; t++) {
    if (state[t] === side) sameSide++;
    else if (state[t] === -side) oppositeSide++;
  }
  if (sameSide >= share * n) {
    // "intensifying" is a trend away from zero: up for hot spots, down for cold spots
    const away = trendSign * side;
    if (away > 0) return `intensifying_${suffix}`;
    if (away < 0) return `diminishing_${suffix}`;
    return `persistent_${suffix}`;
  }
  let runStart = n - 1;
  while (runStart > 0 && state[runStart - 1] === side) runStart--;
  const runLength = n - runStart;
  let sameBeforeRun = false;
  for (let t = 0; t < runStart; t++) if (state[t] === side) sameBeforeRun = true;
  if (!sameBeforeRun && runLength === 1) return `new_${suffix}`;
  if (!sameBeforeRun && runLength >= 2) return `consecutive_${suffix}`;
  if (oppositeSide > 0) return `oscillating_${suffix}`;
  return `sporadic_${suffix}`;
}

export interface EmergingHotSpotsResult {
  cells: EmergingHotSpotCell[];
  warnings: StatWarning[];
}

/**
 * Classifies every cell from per-step Gi* results: `steps[t].z[i]`, `steps[t].p[i]` for cell i at
 * step t (oldest first), e.g. the z and p (or FDR-adjusted p) of `getisOrdGiStar` per time slice.
 */
export function emergingHotSpots(steps: readonly { z: ArrayLike<number>; p: ArrayLike<number> }[], options: EmergingHotSpotOptions = {}): EmergingHotSpotsResult {
  const warnings: StatWarning[] = [];
  if (steps.length === 0) return { cells: [], warnings };
  const cellCount = steps[0].z.length;
  for (const [t, step] of steps.entries()) {
    if (step.z.length !== cellCount || step.p.length !== cellCount) throw new RangeError(`time step ${t} does not have ${cellCount} cells`);
  }
  if (steps.length < ESRI_MINIMUM_STEPS) {
    warnings.push({
      code: 'SHORT_SERIES',
      message: `${steps.length} time steps; Esri's Emerging Hot Spot Analysis needs at least ${ESRI_MINIMUM_STEPS} for a meaningful trend`,
    });
  }
  const z = new Float64Array(steps.length);
  const p = new Float64Array(steps.length);
  const cells: EmergingHotSpotCell[] = new Array<EmergingHotSpotCell>(cellCount);
  for (let i = 0; i < cellCount; i++) {
    for (let t = 0; t < steps.length; t++) {
      z[t] = steps[t].z[i];
      p[t] = steps[t].p[i];
    }
    cells[i] = classifyEmergingHotSpot(z, p, options);
  }
  return { cells, warnings };
}
