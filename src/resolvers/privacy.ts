/**
 * The one place incident aggregates are shaped for the caller's role: every answer built from
 * incident counts (hexagons, hotspots, clusters, and whatever reuses computeHexagons /
 * computeHotspots / computeClusters, such as tiles and exports) passes through here.
 * Pure rules live in src/geo/privacy.ts.
 */
import type { TimeWindow } from '../db/reads';
import type { Role } from '../domain';
import { imputedForStatistics, isReleasable, releaseWindow, suppressBreakdown } from '../geo/privacy';
import { MAX_STUDY_CELLS } from '../geo/studyArea';
import type { StudyAreaArgs } from '../schema/analysis';
import type { PrivacyNote } from '../schema/privacy';
import type { RequestContext } from './context';
import { badInput } from './errors';
import { nonEmpty, toTimeWindow } from './inputs';

const TRUSTED: readonly Role[] = ['admin', 'analyst'];

export interface ReleasePolicy {
  /** true below the analyst role */
  restricted: boolean;
  threshold: number;
  resolution: number;
  /** largest study area, in cells */
  maxCells: number;
}

/**
 * Below analyst: study areas up to 20,000 cells (about 15,000 km² at resolution 8; Almaty is
 * about 700 km²) and statistics up to 50 million neighbour visits (cells x neighbours x
 * permutations), about half a second of CPU. Permutation tests run on the event loop, so one
 * anonymous request for 9999 permutations over a huge area would stall every other caller.
 */
const RESTRICTED_MAX_CELLS = 20_000;
const RESTRICTED_MAX_WORK = 50_000_000;

export function releasePolicy(ctx: RequestContext): ReleasePolicy {
  return {
    restricted: !TRUSTED.includes(ctx.user.role),
    threshold: ctx.config.privacy.suppressionThreshold,
    resolution: ctx.config.privacy.releaseResolution,
    maxCells: TRUSTED.includes(ctx.user.role) ? MAX_STUDY_CELLS : RESTRICTED_MAX_CELLS,
  };
}

/** Refuses statistics whose permutation work exceeds what a caller below analyst may ask for. */
export function checkComputeBudget(policy: ReleasePolicy, cellCount: number, k: number, permutations: number): void {
  if (!policy.restricted) return;
  const neighbours = 3 * k * (k + 1) + 1;
  const work = cellCount * neighbours * Math.max(1, permutations);
  if (work > RESTRICTED_MAX_WORK) {
    throw badInput('permutations', `${permutations} permutations with k = ${k} over ${cellCount} cells is more work than roles below analyst may ask for (cells x neighbours x permutations at most ${RESTRICTED_MAX_WORK}); ask for fewer permutations, a smaller k or a smaller area`);
  }
}

export interface ReleasedArgs<T extends StudyAreaArgs> {
  policy: ReleasePolicy;
  /** the arguments with the resolution the answer is given at */
  args: T;
  window: TimeWindow | null;
  categories: string[] | null;
}

/**
 * Checks and fixes the lattice of a release: below analyst one resolution, one whole finished
 * calendar month, all categories. Analysts' arguments pass unchanged.
 */
export function argsForRelease<T extends StudyAreaArgs>(ctx: RequestContext, args: T, now = new Date()): ReleasedArgs<T> {
  const policy = releasePolicy(ctx);
  const window = toTimeWindow(args.window, 'window');
  const categories = nonEmpty(args.categories, 'categories');
  if (!policy.restricted) return { policy, args, window, categories };
  if (categories !== null) {
    throw badInput('categories', 'below the analyst role aggregates always cover all categories (per-category counts are in incidentsByCategory); a category filter would let one count be subtracted from another');
  }
  const released = releaseWindow(window?.from ?? null, window?.to ?? null, now);
  if (!released.ok) throw badInput('window', released.reason);
  return { policy, args: { ...args, resolution: policy.resolution }, window: { from: released.from, to: released.to }, categories: null };
}

export interface ReleasedCounts {
  /** per cell, null when suppressed */
  released: (number | null)[];
  /** what statistics are computed from: true counts for analysts, released ones (imputed) below */
  forStatistics: Float64Array;
  suppressedCells: number;
  /** the study-area total as released: true for analysts, the sum of released cells below */
  total: number;
}

export function releaseCounts(policy: ReleasePolicy, counts: Float64Array): ReleasedCounts {
  if (!policy.restricted) {
    let total = 0;
    for (const c of counts) total += c;
    return { released: Array.from(counts), forStatistics: counts, suppressedCells: 0, total };
  }
  const released = Array.from(counts, (c) => (isReleasable(c, policy.threshold) ? c : null));
  const total = released.reduce<number>((sum, c) => sum + (c ?? 0), 0);
  return { released, forStatistics: imputedForStatistics(released, policy.threshold), suppressedCells: released.filter((c) => c === null).length, total };
}

/** One cell's counts and their breakdowns, suppressed together so no part can be subtracted out. */
export function releaseBreakdowns(policy: ReleasePolicy, total: number, breakdowns: readonly (readonly number[])[]): { total: number | null; breakdowns: (number | null)[][] } {
  if (!policy.restricted) return { total, breakdowns: breakdowns.map((b) => [...b]) };
  const shaped = breakdowns.map((parts) => suppressBreakdown(total, parts, policy.threshold));
  return { total: shaped[0]?.total ?? (isReleasable(total, policy.threshold) ? total : null), breakdowns: shaped.map((s) => s.parts) };
}

export function privacyNote(policy: ReleasePolicy, resolution: number, suppressedCells: number): PrivacyNote {
  return {
    applied: policy.restricted,
    threshold: policy.threshold,
    resolution,
    suppressedCells,
    rules: policy.restricted
      ? `below the analyst role: counts from 1 to ${policy.threshold - 1} are null (suppressed), breakdowns are suppressed so that no part can be subtracted out, answers are at resolution ${policy.resolution} for one whole finished calendar month (UTC) over all categories, study-area totals sum released cells only, and statistics are computed from released counts with each suppressed count taken as ${policy.threshold / 2}`
      : 'analyst or admin: true counts, no suppression',
  };
}
