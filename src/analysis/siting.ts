/**
 * Siting of new posts among candidates, existing posts kept: `suggestPostSites` chooses a number
 * of sites that bring the most demand within walking reach (maximal covering location problem,
 * Church and ReVelle 1974); `minimumPostSites` finds the fewest sites that reach every
 * significant hot spot cell (location set covering, Toregas et al. 1971). Greedy with its
 * proven bound (Nemhauser, Wolsey and Fisher 1978), then the integer program solved by HiGHS on
 * the reduced instance within a time limit charged to the request's compute budget, in the worker
 * pool (src/geo/coverage/coverageMip.ts); greedy stays the answer when the solver fails or finds
 * nothing better. Demand: residents, young residents, incidents, or significant hot spot cells
 * (Gi*, binFdr >= 2) weighted by z. See docs/coverage.md.
 */
import { affordableSolverSeconds, chargeSiting, chargeSitingSolver } from '../compute/charges';
import { runComputeTask } from '../compute/pool';
import type { SitingSettings } from '../compute/tasks';
import { UNITS } from '../compute/budget';
import type { RequestContext } from '../context';
import { growEnvelope, incidentCountsInArea, populationByCell } from '../db/aggregates';
import { coveragePosts, type CoveragePost } from '../db/coverage';
import { DEFAULT_WALKING_RADIUS_M } from '../domain';
import { badInput } from '../errors';
import { buildCoverageRelation, DEFAULT_MIP_TIME_LIMIT_SECONDS, type LatLng, type MipReport } from '../geo/coverage';
import { cellCentre } from '../geo/h3';
import { text, withTexts, type Text } from '../i18n/texts';
import type { AnalysisWarning, HotspotAnalysis, StudyAreaArgs } from '../schema/analysis';
import type { MinimumSites, SiteSuggestion, SitingArgs, SolverRun, SuggestedSite, SuggestSitesArgs } from '../schema/coverage';
import { checkResolution, coverageHotspotArgs, FINE_RESOLUTION, scopedCategories, SIGNIFICANT_BIN } from './coverage';
import { hotspotsOfCounts } from './hotspots';
import { nonEmpty, toTimeWindow } from './inputs';
import { resolveStudyArea, type CountedStudyArea, type ResolvedStudyArea } from './studyArea';
import { describeReach, MAX_WALKING_RADIUS_M, postPlace, postsReachingBox, radiusOf, resolveReach, siteReachCells, type ReachSettings } from './walkingReach';

const MAX_CANDIDATES = 20_000;
const MAX_NEW_SITES = 200;
const SOLVER_SECONDS = { min: 0.1, max: 60 };

function checkTimeLimit(args: SitingArgs): void {
  const t = args.timeLimitSeconds;
  if (t !== undefined && t !== null && !(t >= SOLVER_SECONDS.min && t <= SOLVER_SECONDS.max)) {
    throw badInput('timeLimitSeconds', `must be from ${SOLVER_SECONDS.min} to ${SOLVER_SECONDS.max} seconds, got ${t}`);
  }
}

/**
 * The solver's settings, its time limit charged to the request's budget: the limit asked for, or
 * by default 10 s or what the budget left affords, whichever is less (greedy alone, with a
 * warning, when that is under 0.1 s).
 */
async function solverSettings(ctx: RequestContext, args: SitingArgs, operation: string, warnings: AnalysisWarning[]): Promise<{ settings: SitingSettings; skipped: Text | null }> {
  const method = args.solver === 'exact' ? 'mip' : args.solver;
  if (method === 'greedy') return { settings: { method }, skipped: null };
  let seconds = args.timeLimitSeconds ?? Math.min(DEFAULT_MIP_TIME_LIMIT_SECONDS, Math.floor(affordableSolverSeconds(ctx) * 10) / 10);
  if (seconds < SOLVER_SECONDS.min) {
    const skipped = text('analysis.siting.notAfforded');
    warnings.push(withTexts<AnalysisWarning>({ code: 'SOLVER_NOT_AFFORDED', message: text('analysis.siting.notAffordedWarning', { reason: skipped }), cells: [] }));
    return { settings: { method: 'greedy' }, skipped };
  }
  seconds = Math.min(seconds, SOLVER_SECONDS.max);
  await chargeSitingSolver(ctx, operation, seconds);
  return { settings: { method, timeLimitSeconds: seconds }, skipped: null };
}

function solverRunOf(mip: MipReport | null): SolverRun | null {
  if (!mip) return null;
  return {
    solver: mip.solver,
    status: mip.status,
    detail: mip.detail,
    nodes: mip.nodes,
    elapsedMs: mip.elapsedMs,
    reductionMs: mip.reductionMs,
    timeLimitSeconds: mip.timeLimitSeconds,
    candidates: mip.reduction.candidatesAfter,
    demandItems: mip.reduction.demandAfter,
    lagrangianBound: mip.lagrangian?.bound ?? null,
  };
}

function searchOutcomeOf(mip: MipReport | null): string {
  if (!mip) return 'notAttempted';
  return mip.status === 'optimal' ? 'proven' : mip.status === 'timeLimit' ? 'timeBudgetExceeded' : mip.status;
}

/** What the integer program added to greedy, for the method's text. */
function solverWords(solver: string, mip: MipReport | null): Text | '' {
  if (solver === 'mip') return text('analysis.siting.solver.mip', { solver: mip?.solver ?? 'HiGHS' });
  return mip ? text('analysis.siting.solver.nothingBetter', { solver: mip.solver }) : '';
}

/**
 * Why greedy's sites are the answer. The words mirror src/geo/coverage/coverageMip.ts's English
 * `fallback` (pure, so without the catalogues): a report with a MIP run failed or found nothing
 * better; without one no solver was there.
 */
function fallbackText(fallback: string | null, mip: MipReport | null, skipped: Text | null): Text | null {
  if (fallback === null) return skipped;
  if (!mip) return text('analysis.siting.noSolver');
  return text(mip.status === 'failed' ? 'analysis.siting.solverFailed' : 'analysis.siting.nothingBetter', { detail: mip.detail });
}

interface Candidate {
  place: LatLng;
  label: string | null;
}

interface SitingInstance {
  area: ResolvedStudyArea;
  settings: ReachSettings;
  candidates: Candidate[];
  candidateRadiusM: number;
  posts: CoveragePost[];
  warnings: AnalysisWarning[];
}

async function prepareSiting(ctx: RequestContext, args: SitingArgs): Promise<SitingInstance> {
  checkResolution(args.resolution, 'resolution', 9, FINE_RESOLUTION);
  checkResolution(args.candidateResolution, 'candidateResolution', 7, 10);
  const window = toTimeWindow(args.window, 'window');
  nonEmpty(args.categories, 'categories');
  if (args.candidates) {
    if (args.candidates.length === 0) throw badInput('candidates', 'must not be empty (leave it out to use the cell centres of the area)');
    if (args.candidates.length > MAX_CANDIDATES) throw badInput('candidates', `at most ${MAX_CANDIDATES} candidates, got ${args.candidates.length}`);
    args.candidates.forEach((c, i) => {
      if (!Number.isFinite(c.lng) || !Number.isFinite(c.lat) || Math.abs(c.lng) > 180 || Math.abs(c.lat) > 90) {
        throw badInput(`candidates[${i}]`, `(${c.lng}, ${c.lat}) is not a longitude/latitude`);
      }
    });
  }
  const area = await resolveStudyArea(ctx, args as StudyAreaArgs);
  const settings = await resolveReach(ctx, args, area.envelope, area.cells);
  let candidates: Candidate[];
  if (args.candidates) {
    candidates = args.candidates.map((c) => ({ place: { lng: c.lng, lat: c.lat }, label: c.label ?? null }));
  } else {
    const candidateArea = await resolveStudyArea(ctx, { ...(args as StudyAreaArgs), resolution: args.candidateResolution });
    if (candidateArea.cells.length > MAX_CANDIDATES) {
      throw badInput('candidateResolution', `gives ${candidateArea.cells.length} candidate cells in the area; at most ${MAX_CANDIDATES} (choose a coarser resolution or give candidates)`);
    }
    candidates = candidateArea.cells.map((cell) => {
      const [lng, lat] = cellCentre(cell);
      return { place: { lng, lat }, label: cell };
    });
  }
  const nearby = await coveragePosts(ctx.knex, { envelope: growEnvelope(area.envelope, MAX_WALKING_RADIUS_M), end: window?.to ?? new Date() });
  const posts = postsReachingBox(nearby, settings, area.envelope);
  const warnings = [...settings.warnings];
  if (posts.length === 0) warnings.push({ code: 'NO_EXISTING_POSTS', message: 'no existing post is within walking radius of the area: coverage before is 0', cells: [] });
  return { area, settings, candidates, candidateRadiusM: args.radius ?? DEFAULT_WALKING_RADIUS_M, posts, warnings };
}

/** Demand weight per cell of the area at its resolution (cells with no weight left out). */
async function demandWeights(ctx: RequestContext, args: SuggestSitesArgs, area: ResolvedStudyArea): Promise<{ cells: string[]; weights: number[]; hotspots: HotspotAnalysis | null }> {
  const totals = new Map<string, number>();
  let hotspots: HotspotAnalysis | null = null;
  if (args.demand === 'residents' || args.demand === 'youngResidents') {
    for (const row of await populationByCell(ctx.knex, { resolution: area.resolution, envelope: area.envelope })) {
      if (area.index.has(row.cell)) totals.set(row.cell, (totals.get(row.cell) ?? 0) + (args.demand === 'residents' ? row.residents : row.youngResidents));
    }
  } else {
    const counted = await countIncidentsInArea(ctx, area, args);
    if (args.demand === 'incidents') {
      area.cells.forEach((cell, i) => totals.set(cell, counted.counts[i]));
    } else {
      hotspots = hotspotsOfCounts(counted, coverageHotspotArgs(args, area.resolution));
      for (const c of hotspots.cells) if (c.binFdr >= SIGNIFICANT_BIN && c.z !== null) totals.set(c.h3, c.z);
    }
  }
  const cells = [...totals.keys()].filter((c) => totals.get(c)! > 0).sort();
  return { cells, weights: cells.map((c) => totals.get(c)!), hotspots };
}

/** Incidents per cell of the area (each incident in its own cell), from the in-memory columns. */
async function countIncidentsInArea(ctx: RequestContext, area: ResolvedStudyArea, args: { window?: SitingArgs['window']; categories?: string[] }): Promise<CountedStudyArea> {
  const window = toTimeWindow(args.window, 'window');
  const categories = await scopedCategories(ctx, 'post siting', args, area);
  const { total } = await incidentCountsInArea(ctx.knex, { cells: area.cells, resolution: area.resolution, from: window?.from ?? null, to: window?.to ?? null, categories, detail: false });
  return { area, counts: total, from: window?.from ?? null, to: window?.to ?? null, categories };
}

function coverageLists(instance: SitingInstance, demandCells: string[]): { candidateCoverage: Int32Array[]; existing: Int32Array } {
  const { settings, area } = instance;
  const reach = instance.candidates.map((c) => siteReachCells(settings, c.place, instance.candidateRadiusM, area.resolution).cells);
  const candidateCoverage = buildCoverageRelation(reach, demandCells);
  const postReach = instance.posts.map((p) => siteReachCells(settings, postPlace(p), radiusOf(settings, p), area.resolution).cells);
  const [existingCovered] = buildCoverageRelation([postReach.flat()], demandCells);
  return { candidateCoverage, existing: existingCovered };
}

function siteOf(instance: SitingInstance, candidate: number, rank: number, marginalGain: number, coveredAfter: number): SuggestedSite {
  const c = instance.candidates[candidate];
  return { rank, lng: c.place.lng, lat: c.place.lat, label: c.label, candidateIndex: candidate, marginalGain, coveredAfter };
}

export async function computeSiteSuggestion(ctx: RequestContext, args: SuggestSitesArgs): Promise<SiteSuggestion> {
  if (!Number.isInteger(args.count) || args.count < 1 || args.count > MAX_NEW_SITES) throw badInput('count', `must be an integer from 1 to ${MAX_NEW_SITES}, got ${args.count}`);
  checkTimeLimit(args);
  const instance = await prepareSiting(ctx, args);
  if (args.count > instance.candidates.length) {
    throw badInput('count', `asks for ${args.count} sites but there are only ${instance.candidates.length} candidates`);
  }
  await chargeSiting(ctx, 'suggestPostSites', instance.candidates.length, instance.area.cells.length);
  const demand = await demandWeights(ctx, args, instance.area);
  const { candidateCoverage, existing } = coverageLists(instance, demand.cells);
  const warnings = [...instance.warnings, ...(demand.hotspots?.warnings ?? [])];
  const { settings, skipped } = await solverSettings(ctx, args, 'suggestPostSites', warnings);
  const units = instance.candidates.length * demand.cells.length * UNITS.sitingPerCandidateCell + (settings.timeLimitSeconds ?? 0) * UNITS.solverSecond;
  const result = await runComputeTask('maximalCovering', { input: { demandWeights: demand.weights, candidateCoverage, coveredByExistingPosts: existing, newSiteCount: args.count }, settings }, units);
  if (demand.cells.length === 0) warnings.push({ code: 'NO_DEMAND', message: `the area holds no ${args.demand} to cover`, cells: [] });
  if (result.sites.length < args.count) {
    warnings.push({ code: 'FEWER_SITES', message: `only ${result.sites.length} of ${args.count} sites add anything; the others would cover nothing new`, cells: [] });
  }
  const share = (v: number): number | null => (result.totalDemand > 0 ? v / result.totalDemand : null);
  return withTexts<SiteSuggestion>({
    reach: describeReach(instance.settings),
    demand: args.demand,
    method: text('analysis.siting.maximalCovering', {
      cells: demand.cells.length,
      resolution: instance.area.resolution,
      demand: text(`analysis.siting.demand.${args.demand}`),
      candidates: instance.candidates.length,
      radius: instance.candidateRadiusM,
      posts: instance.posts.length,
      solver: solverWords(result.method, result.mip),
    }),
    solver: result.method,
    optimal: result.optimal,
    searchOutcome: searchOutcomeOf(result.mip),
    fallbackReason: fallbackText(result.fallback, result.mip, skipped),
    solverRun: solverRunOf(result.mip),
    candidateCount: instance.candidates.length,
    existingPostCount: instance.posts.length,
    totalDemand: result.totalDemand,
    coveredBefore: result.coveredBefore,
    coveredAfter: result.coveredAfter,
    shareBefore: share(result.coveredBefore),
    shareAfter: share(result.coveredAfter),
    upperBound: result.upperBound,
    lpBound: result.lpBound,
    gap: result.gap,
    greedyCoveredAfter: result.greedyCoveredAfter,
    provenGainRatio: result.provenGainRatio,
    greedyGuarantee: result.greedyGuarantee,
    uncoverableDemand: result.uncoverableDemand,
    sites: result.sites.map((s, k) => siteOf(instance, s.candidate, k + 1, s.marginalGain, s.coveredAfter)),
    warnings,
  });
}

export async function computeMinimumSites(ctx: RequestContext, args: SitingArgs): Promise<MinimumSites> {
  checkTimeLimit(args);
  const instance = await prepareSiting(ctx, args);
  await chargeSiting(ctx, 'minimumPostSites', instance.candidates.length, instance.area.cells.length);
  const hotspots = hotspotsOfCounts(await countIncidentsInArea(ctx, instance.area, args), coverageHotspotArgs(args, instance.area.resolution));
  const targets = hotspots.cells.filter((c) => c.binFdr >= SIGNIFICANT_BIN).map((c) => c.h3);
  const { candidateCoverage, existing } = coverageLists(instance, targets);
  const warnings = [...instance.warnings, ...hotspots.warnings];
  const { settings, skipped } = await solverSettings(ctx, args, 'minimumPostSites', warnings);
  const units = instance.candidates.length * targets.length * UNITS.sitingPerCandidateCell + (settings.timeLimitSeconds ?? 0) * UNITS.solverSecond;
  const result = await runComputeTask('setCovering', { input: { demandCount: targets.length, targets: targets.map((_, j) => j), candidateCoverage, coveredByExistingPosts: existing }, settings }, units);
  if (targets.length === 0) warnings.push({ code: 'NO_TARGETS', message: 'the area holds no significant hot spot cell (binFdr >= 2): no site is needed', cells: [] });
  let covered = result.alreadyCoveredTargets.length;
  return withTexts<MinimumSites>({
    reach: describeReach(instance.settings),
    method: text('analysis.siting.setCovering', {
      targets: targets.length,
      resolution: instance.area.resolution,
      candidates: instance.candidates.length,
      radius: instance.candidateRadiusM,
      posts: instance.posts.length,
      solver: solverWords(result.method, result.mip),
    }),
    solver: result.method,
    optimal: result.optimal,
    count: result.sites.length,
    lowerBound: result.lowerBound,
    lpBound: result.lpBound,
    gap: result.gap,
    greedyCount: result.greedySiteCount,
    fallbackReason: fallbackText(result.fallback, result.mip, skipped),
    solverRun: solverRunOf(result.mip),
    greedyFactor: result.greedyFactor,
    targetCount: targets.length,
    alreadyCovered: result.alreadyCoveredTargets.length,
    uncoverableCells: result.uncoverableTargets.map((j) => targets[j]),
    candidateCount: instance.candidates.length,
    sites: result.sites.map((s, k) => {
      covered += s.newlyCoveredTargets;
      return siteOf(instance, s.candidate, k + 1, s.newlyCoveredTargets, covered);
    }),
    warnings,
  });
}
