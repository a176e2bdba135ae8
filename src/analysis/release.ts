/**
 * The one place incident aggregates are shaped for the caller's role: every answer built from
 * incident counts (hexagons, hotspots, clusters, and whatever reuses computeHexagons /
 * computeHotspots / computeClusters, such as tiles and exports) passes through here.
 * Pure rules live in src/geo/privacy.ts.
 */
import type { CellCount } from '../db/aggregates';
import type { TimeWindow } from '../db/reads';
import { INCIDENT_CATEGORIES } from '../domain';
import type { Role } from '../domain';
import { recordRead } from '../db/audit';
import { imputedForStatistics, isReleasable, releaseMonthsWindow, releaseWindow, suppressBreakdown } from '../geo/privacy';
import { MAX_STUDY_CELLS } from '../geo/studyArea';
import type { StudyAreaArgs } from '../schema/analysis';
import type { RiskModelArgs } from '../schema/risk';
import type { PrivacyNote } from '../schema/privacy';
import type { RequestContext } from '../context';
import { chargeCompute, neighboursOf, UNITS } from '../compute/budget';
import { badInput } from '../errors';
import { text, withTexts } from '../i18n/texts';
import { nonEmpty, toTimeWindow } from './inputs';

const TRUSTED: readonly Role[] = ['admin', 'analyst'];

export interface ReleasePolicy {
  /** true below the analyst role, and for an analyst's count of sensitive categories: counts are suppressed */
  restricted: boolean;
  /** an analyst's or admin's count of sensitive categories alone (see sensitiveScope): suppressed, not on the lattice */
  sensitiveQuery?: boolean;
  /** an analyst's all-categories count finer than the sensitive lattice, which leaves sensitive incidents out */
  sensitiveExcluded?: boolean;
  threshold: number;
  resolution: number;
  /** largest study area, in cells */
  maxCells: number;
}

/**
 * Below analyst: study areas up to 20,000 cells (about 15,000 km² at resolution 8; Almaty is
 * about 700 km²). The work of statistics is bounded per request by the compute budget.
 */
const RESTRICTED_MAX_CELLS = 20_000;

export function releasePolicy(ctx: RequestContext): ReleasePolicy {
  return {
    restricted: !TRUSTED.includes(ctx.user.role),
    threshold: ctx.config.privacy.suppressionThreshold,
    resolution: ctx.config.privacy.releaseResolution,
    maxCells: TRUSTED.includes(ctx.user.role) ? MAX_STUDY_CELLS : RESTRICTED_MAX_CELLS,
  };
}

/**
 * Charges a statistic's permutation work (cells x neighbours x permutations) to the request's
 * compute budget, summed over all its fields and aliases (src/compute/budget.ts); the units charged.
 */
export async function checkComputeBudget(ctx: RequestContext, statistic: string, cellCount: number, k: number, permutations: number): Promise<number> {
  const units = UNITS.statistic(cellCount, k, permutations);
  await chargeCompute(ctx, units, `${statistic}: ${cellCount} cells x ${neighboursOf(k)} neighbours x ${Math.max(1, permutations)} permutations`);
  return units;
}

export interface ReleasedArgs<T extends StudyAreaArgs> {
  policy: ReleasePolicy;
  /** the arguments with the resolution the answer is given at */
  args: T;
  window: TimeWindow | null;
  categories: string[] | null;
}

/** The finest cells and the shortest window in which anyone may count sensitive categories. */
export const SENSITIVE_MAX_RESOLUTION = 9;
export const SENSITIVE_MIN_WINDOW_MS = 86_400_000;

export interface SensitiveScope {
  /** the categories to count: as asked, or every non-sensitive one when sensitive ones are left out */
  categories: string[] | null;
  /** the request counts sensitive categories alone: suppress and audit it */
  sensitive: boolean;
  /** sensitive incidents were left out of an all-categories count finer than the sensitive lattice */
  excluded: boolean;
}

/**
 * Sensitive categories for analysts and admins (who get true counts otherwise): counted only in
 * cells of resolution 9 or coarser and windows of a day or longer, alone (never mixed with other
 * categories, whose exact counts an analyst has from raw points and could subtract), suppressed
 * like counts below analyst, and audited. An all-categories count finer than that leaves them
 * out and says so. Callers below analyst never reach this: their categories are fixed to all,
 * and sensitive ones are folded (foldSensitiveCategories).
 */
export function sensitiveScope(
  ctx: RequestContext,
  categories: string[] | null,
  resolution: number,
  window: TimeWindow | null,
  paths: { categories: string; resolution: string; window: string } = { categories: 'categories', resolution: 'resolution', window: 'window' },
): SensitiveScope {
  const sensitive = new Set<string>(ctx.config.privacy.sensitiveCategories);
  const shortWindow = window?.from && window.to ? window.to.getTime() - window.from.getTime() < SENSITIVE_MIN_WINDOW_MS : false;
  const fine = resolution > SENSITIVE_MAX_RESOLUTION || shortWindow;
  const asked = (categories ?? []).filter((c) => sensitive.has(c));
  if (asked.length > 0) {
    const list = [...sensitive].join(', ');
    if (asked.length < categories!.length)
      throw badInput(paths.categories, `sensitive categories (${list}) are counted alone: mixed with other categories, whose exact counts are known from raw points, they could be subtracted out`);
    if (resolution > SENSITIVE_MAX_RESOLUTION) throw badInput(paths.resolution, `sensitive categories (${list}) are counted at resolution ${SENSITIVE_MAX_RESOLUTION} or coarser, got ${resolution}`);
    if (shortWindow) throw badInput(paths.window, `sensitive categories (${list}) are counted over windows of a day or longer`);
    return { categories, sensitive: true, excluded: false };
  }
  if (categories === null && fine && sensitive.size > 0) {
    return { categories: INCIDENT_CATEGORIES.filter((c) => !sensitive.has(c)), sensitive: false, excluded: true };
  }
  return { categories, sensitive: false, excluded: false };
}

/** Writes an analyst's count of sensitive categories to the audit log, as reads of raw points are. */
export async function auditSensitiveCount(ctx: RequestContext, operation: string, filter: unknown, cells: number): Promise<void> {
  // every such read is audited: the answer is never served from the response cache
  if (ctx.answer) ctx.answer.store = false;
  await recordRead(ctx.primary, ctx.user, `${operation} (sensitive categories)`, filter, cells);
}

/**
 * Checks and fixes the lattice of a release: below analyst one resolution, one whole finished
 * calendar month, all categories. Analysts' arguments pass unchanged, but for sensitive
 * categories (sensitiveScope).
 */
export function argsForRelease<T extends StudyAreaArgs>(ctx: RequestContext, args: T, now = new Date()): ReleasedArgs<T> {
  const policy = releasePolicy(ctx);
  const window = toTimeWindow(args.window, 'window');
  const categories = nonEmpty(args.categories, 'categories');
  if (!policy.restricted) {
    const scope = sensitiveScope(ctx, categories, args.resolution, window);
    const shaped = scope.sensitive ? { ...policy, restricted: true, sensitiveQuery: true } : scope.excluded ? { ...policy, sensitiveExcluded: true } : policy;
    return { policy: shaped, args, window, categories: scope.categories };
  }
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
/** The youth-facility gap distance of the risk models' release below analyst (the argument's default). */
export const RISK_RELEASE_YOUTH_GAP_METERS = 1000;
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
  // a free distance would let two models' gap sets differ by one cell, and their fits by its count
  if (args.youthGapMeters !== RISK_RELEASE_YOUTH_GAP_METERS) {
    throw badInput('youthGapMeters', `below the analyst role the youth-facility gap is the default ${RISK_RELEASE_YOUTH_GAP_METERS} m; leave youthGapMeters out`);
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

/** The category parts a cell is released with below analyst: each a list of indexes into the counted categories. */
export interface ReleasedCategories {
  names: string[];
  parts: number[][];
}

/**
 * Below analyst a cell's categories are released as parts of its total: every non-sensitive
 * category in name order, with the sensitive ones folded into `other` (kept whole with them). A
 * sensitive category is never named per cell, so no released number proves one present.
 */
export function foldSensitiveCategories(counted: readonly string[], sensitive: readonly string[]): ReleasedCategories {
  const sensitiveSet = new Set(sensitive);
  const names = [...new Set([...counted.filter((c) => !sensitiveSet.has(c)), 'other'])].sort();
  const parts = names.map((name) => counted.flatMap((c, k) => (c === name || (name === 'other' && sensitiveSet.has(c)) ? [k] : [])));
  return { names, parts };
}

/**
 * One month's cells as the release lattice gives them below analyst: each cell's total and its
 * day / night / unknown-time breakdown suppressed as `hexagons` releases them, and the value of
 * `timeOfDay` taken from the released numbers (a suppressed one counts as 0). Sums of these are
 * functions of released numbers only. `rows` are one month's counts at the release resolution.
 */
export function releasedMonthCells(policy: ReleasePolicy, rows: readonly CellCount[], timeOfDay: 'all' | 'day' | 'night'): { values: Map<string, number>; suppressed: number } {
  const byCell = new Map<string, [number, number, number]>();
  for (const row of rows) {
    const parts = byCell.get(row.cell) ?? [0, 0, 0];
    parts[row.night === false ? 0 : row.night === true ? 1 : 2] += row.count;
    byCell.set(row.cell, parts);
  }
  const values = new Map<string, number>();
  let suppressed = 0;
  for (const [cell, parts] of byCell) {
    const shaped = suppressBreakdown(parts[0] + parts[1] + parts[2], parts, policy.threshold);
    if (shaped.total === null) suppressed++;
    const value = timeOfDay === 'all' ? shaped.total : shaped.parts[timeOfDay === 'day' ? 0 : 1];
    if (value) values.set(cell, value);
  }
  return { values, suppressed };
}

/** One cell's counts and their breakdowns, suppressed together so no part can be subtracted out. */
export function releaseBreakdowns(policy: ReleasePolicy, total: number, breakdowns: readonly (readonly number[])[]): { total: number | null; breakdowns: (number | null)[][] } {
  if (!policy.restricted) return { total, breakdowns: breakdowns.map((b) => [...b]) };
  const shaped = breakdowns.map((parts) => suppressBreakdown(total, parts, policy.threshold));
  return { total: shaped[0]?.total ?? (isReleasable(total, policy.threshold) ? total : null), breakdowns: shaped.map((s) => s.parts) };
}

export function privacyNote(policy: ReleasePolicy, resolution: number, suppressedCells: number): PrivacyNote {
  const limits = { max: SENSITIVE_MAX_RESOLUTION, suppressedMax: policy.threshold - 1, imputed: policy.threshold / 2, resolution: policy.resolution };
  return withTexts<PrivacyNote>({
    applied: policy.restricted,
    threshold: policy.threshold,
    resolution,
    suppressedCells,
    rules: text(policy.sensitiveQuery ? 'analysis.privacy.sensitive' : policy.restricted ? 'analysis.privacy.restricted' : policy.sensitiveExcluded ? 'analysis.privacy.excluded' : 'analysis.privacy.trusted', limits),
  });
}
