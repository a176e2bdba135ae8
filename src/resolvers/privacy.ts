/**
 * The one place incident aggregates are shaped for the caller's role: every answer built from
 * incident counts (hexagons, hotspots, clusters, and whatever reuses computeHexagons /
 * computeHotspots / computeClusters, such as tiles and exports) passes through here.
 * Pure rules live in src/geo/privacy.ts.
 */
import type { TimeWindow } from '../db/reads';
import type { Role } from '../domain';
import { imputedForStatistics, isReleasable, releaseMonthsWindow, releaseWindow, suppressBreakdown } from '../geo/privacy';
import { MAX_STUDY_CELLS } from '../geo/studyArea';
import type { StudyAreaArgs } from '../schema/analysis';
import type { RiskModelArgs } from '../schema/risk';
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

/**
 * Arguments of a gathering whose per-cell counts never leave the server as they are: the risk
 * models fit on true counts and release model-level figures (under riskArgsForRelease's lattice).
 */
export function argsWithTrueCounts<T extends StudyAreaArgs>(ctx: RequestContext, args: T): ReleasedArgs<T> {
  const policy: ReleasePolicy = { ...releasePolicy(ctx), restricted: false, maxCells: MAX_STUDY_CELLS };
  return { policy, args, window: toTimeWindow(args.window, 'window'), categories: nonEmpty(args.categories, 'categories') };
}

/** The resolution of the risk models' release below analyst: about a street block (0.1 km² cells). */
export const RISK_RELEASE_RESOLUTION = 9;
/** The window of the risk models' release below analyst, in whole calendar months. */
export const RISK_RELEASE_MONTHS = 12;

/**
 * The lattice of the risk models (riskFactors, riskSurface, fixPriorities) below analyst: a whole
 * district or the city, resolution 9 with the default reach, 12 whole ended calendar months, all
 * categories. A Poisson model's fitted values sum to the observed total over the study area (and
 * over the cells of every selected factor), so models of freely drawn areas or windows could be
 * differenced down to one cell's count; districts and calendar years cannot. Analysts' arguments
 * pass unchanged.
 */
export function riskArgsForRelease<T extends RiskModelArgs>(ctx: RequestContext, args: T, now = new Date()): T {
  if (!releasePolicy(ctx).restricted) return args;
  const area = args.area ?? {};
  if (area.bbox || area.polygon || area.precinctId || (!area.districtId && area.city !== true)) {
    throw badInput('area', 'below the analyst role a risk model covers a whole district (districtId) or the city (city: true): models of freely drawn areas could be subtracted from one another');
  }
  if (nonEmpty(args.categories, 'categories') !== null) {
    throw badInput('categories', 'below the analyst role a risk model covers all categories: a category filter would let one model be subtracted from another');
  }
  for (const field of ['proximityRings', 'proximityMeters'] as const) {
    if (args[field] !== undefined && args[field] !== null) throw badInput(field, `below the analyst role the reach is the default (about 150 m at resolution ${RISK_RELEASE_RESOLUTION}); leave ${field} out`);
  }
  const window = toTimeWindow(args.window, 'window');
  const released = releaseMonthsWindow(window?.from ?? null, window?.to ?? null, now, RISK_RELEASE_MONTHS);
  if (!released.ok) throw badInput('window', released.reason);
  return { ...args, resolution: RISK_RELEASE_RESOLUTION, window: { from: released.from, to: released.to } };
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
