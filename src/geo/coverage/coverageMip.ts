/**
 * Maximal covering and set covering solved as integer programs (mipModel.ts) on the reduced
 * instance (coverageReduction.ts), started from the greedy solution, within a time limit; greedy
 * stays the answer when the solver fails, is not given, or stops without beating it.
 *
 * What the answers state:
 * - `lpBound`: the optimum of the LP relaxation (of the reduced model, plus what existing posts
 *   cover): a bound on any solution, often within a fraction of a per cent of the optimum for
 *   maximal covering (Church and ReVelle 1974 found most relaxations integral);
 * - `upperBound` / `lowerBound`: the best proven bound, the tightest of the MIP's dual bound, the
 *   LP bound and greedy's own bound, rounded to an integer (down for a maximum, up for a
 *   minimum) when every solution has an integer objective;
 * - `gap`: how far the answer may be from the optimum, relative to the bound: 0 when proven;
 * - `optimal`: only when the solver proved it (or greedy met its own bound).
 */
import { buildInverseCoverage } from './coverageIndex';
import { lagrangianMaximalCovering } from './lagrangian';
import { greedyCandidateBounds, reduceMaximalCovering, reduceSetCovering } from './coverageReduction';
import { preparedMaximalCovering, solveMaximalCovering, type MaximalCoveringInput, type MaximalCoveringResult } from './maximalCovering';
import { maximalCoveringLp, setCoveringLp, xName, yName, type MipRun, type MipSolve } from './mipModel';
import { preparedSetCovering, solveSetCovering, type SetCoveringInput, type SetCoveringResult } from './setCovering';

export const DEFAULT_MIP_TIME_LIMIT_SECONDS = 10;

export interface CoveringMipOptions {
  /** `greedy`: greedy only. `mip`: the integer program whenever a solver is given. `auto` (default): the integer program unless greedy already meets its own bound. */
  readonly method?: 'auto' | 'greedy' | 'mip';
  /** The solver (src/compute/mipSolver.ts); without one the answer is greedy's. */
  readonly solve?: MipSolve;
  /** Default 10 s. */
  readonly timeLimitSeconds?: number;
}

/** How the integer program went, for the answer. */
export interface MipReport {
  readonly solver: string;
  readonly status: MipRun['status'];
  readonly detail: string;
  readonly nodes: number;
  readonly elapsedMs: number;
  readonly timeLimitSeconds: number;
  /** Milliseconds spent reducing the model (bounds, Lagrangian relaxation, reductions) before the solver ran. */
  readonly reductionMs: number;
  /** The Lagrangian bound (maximal covering only; null otherwise) and its subgradient iterations. */
  readonly lagrangian: { readonly bound: number; readonly iterations: number } | null;
  /** Sizes before and after the reductions. */
  readonly reduction: { readonly demandBefore: number; readonly demandAfter: number; readonly candidatesBefore: number; readonly candidatesAfter: number; readonly nonzeros: number };
}

export interface MaximalCoveringMipResult extends Omit<MaximalCoveringResult, 'method' | 'search'> {
  readonly method: 'mip' | 'greedy';
  /** LP relaxation bound on covered weight (existing posts included); null when not solved. */
  readonly lpBound: number | null;
  /** (upperBound - coveredAfter) / upperBound: 0 when proven optimal. */
  readonly gap: number;
  /** Why greedy's sites are the answer although the integer program was asked for (null otherwise). */
  readonly fallback: string | null;
  readonly mip: MipReport | null;
}

/** The report of a solver run, the same for both problems. */
function mipReport(run: MipRun, timeLimitSeconds: number, reductionMs: number, lagrangian: MipReport['lagrangian'], reduction: MipReport['reduction']): MipReport {
  return { solver: run.solver, status: run.status, detail: run.detail, nodes: run.nodes, elapsedMs: run.elapsedMs, timeLimitSeconds, reductionMs, lagrangian, reduction };
}

const isIntegral = (weights: Float64Array): boolean => weights.every((w) => Number.isInteger(w));

/** Slack before rounding a bound: the solver's tolerances leave ~1e-9 relative noise. */
const roundingSlack = (v: number): number => 1e-6 * Math.max(1, Math.abs(v));

function failedRun(error: unknown): MipRun {
  const detail = error instanceof Error ? error.message : String(error);
  return { status: 'failed', detail, lpBound: null, objective: null, bound: null, values: null, nodes: 0, elapsedMs: 0, solver: 'HiGHS' };
}

function runSafely(solve: MipSolve, ...args: Parameters<MipSolve>): MipRun {
  try {
    return solve(...args);
  } catch (error) {
    return failedRun(error);
  }
}

function greedyOnly(greedy: MaximalCoveringResult, fallback: string | null): MaximalCoveringMipResult {
  const { method: _method, search: _search, ...rest } = greedy;
  const gap = greedy.optimal || greedy.upperBound <= 0 ? 0 : (greedy.upperBound - greedy.coveredAfter) / greedy.upperBound;
  return { ...rest, method: 'greedy', lpBound: null, gap, fallback, mip: null };
}

/** Maximal covering by integer programming; see the module comment. */
export function solveMaximalCoveringMip(input: MaximalCoveringInput, options: CoveringMipOptions = {}): MaximalCoveringMipResult {
  const greedy = solveMaximalCovering(input, { method: 'greedy' });
  const method = options.method ?? 'auto';
  if (method === 'greedy') return greedyOnly(greedy, null);
  if (!options.solve) return greedyOnly(greedy, 'no integer programming solver available');
  if (greedy.optimal && method === 'auto') return greedyOnly(greedy, null); // greedy met its own bound: nothing left to prove

  const reductionStarted = Date.now();
  const prepared = preparedMaximalCovering(input);
  // reduction 3: candidates whose bound stays below greedy's value, first by greedy's prefixes,
  // then by the Lagrangian relaxation of the instance reduced so far
  const tolerance = 1e-9 * Math.max(1, greedy.totalDemand);
  const integral = isIntegral(prepared.weights);
  const incumbent = greedy.coveredAfter;
  const timeLimitSeconds = options.timeLimitSeconds ?? DEFAULT_MIP_TIME_LIMIT_SECONDS;
  const prefixBounds = greedyCandidateBounds(
    prepared.weights,
    prepared.lists,
    prepared.preCovered,
    greedy.sites.map((s) => s.candidate),
    input.newSiteCount,
  );
  const excluded = Uint8Array.from(prefixBounds, (u) => (u < incumbent - tolerance ? 1 : 0));
  const first = reduceMaximalCovering(prepared.weights, prepared.lists, prepared.preCovered, excluded);
  const itemsOf = buildInverseCoverage(first.candidateOriginal.length, first.demandCandidates);
  const lagrangian = lagrangianMaximalCovering({
    weights: first.weights,
    itemCandidates: first.demandCandidates,
    candidateItems: Array.from(first.candidateOriginal, (_, c) => itemsOf.candidates.subarray(itemsOf.offsets[c], itemsOf.offsets[c + 1])),
    p: input.newSiteCount,
    incumbent: incumbent - first.constant,
    slack: integral ? 1 - 1e-6 : tolerance,
    timeBudgetMs: 250 * timeLimitSeconds,
  });
  first.candidateReduced.forEach((r, c) => {
    if (r < 0 || lagrangian.candidateBounds[r] + first.constant < incumbent - tolerance) excluded[c] = 1;
  });
  const reduced = reduceMaximalCovering(prepared.weights, prepared.lists, prepared.preCovered, excluded);
  const reductionMs = Date.now() - reductionStarted;
  const candidateCount = reduced.candidateOriginal.length;
  if (candidateCount === 0 || reduced.weights.length === 0) return greedyOnly(greedy, null); // nothing left to choose: greedy gains nothing and is optimal
  const p = input.newSiteCount;

  // start: greedy's sites, each replaced by the reduced candidate that covers at least as much
  const startSites = new Set<number>();
  for (const s of greedy.sites) if (reduced.candidateReduced[s.candidate] >= 0) startSites.add(reduced.candidateReduced[s.candidate]);
  const startY = reduced.demandCandidates.map((cands) => (cands.some((c) => startSites.has(c)) ? 1 : 0));
  const columns = Array.from({ length: candidateCount }, (_, c) => xName(c));
  const run = runSafely(
    options.solve,
    {
      lp: maximalCoveringLp(reduced.weights, reduced.demandCandidates, candidateCount, p),
      columns,
      start: {
        names: [...columns, ...startY.map((_, k) => yName(k))],
        values: Float64Array.from([...columns.map((_, c) => (startSites.has(c) ? 1 : 0)), ...startY]),
      },
      integralObjective: integral,
    },
    { timeLimitSeconds: Math.max(0.05, timeLimitSeconds - reductionMs / 1000) }, // the reductions spent part of the limit
  );

  const constant = reduced.constant;
  const roundDown = (v: number): number => (integral ? Math.floor(v + roundingSlack(v)) : v);
  const lpBound = run.lpBound === null ? null : constant + run.lpBound;
  let upperBound = Math.min(greedy.upperBound, roundDown(first.constant + lagrangian.bound));
  if (lpBound !== null) upperBound = Math.min(upperBound, roundDown(lpBound));
  if (run.bound !== null) upperBound = Math.min(upperBound, roundDown(constant + run.bound));

  let sites = greedy.sites;
  let chosenBy: 'mip' | 'greedy' = 'greedy';
  let fallback: string | null = null;
  if (run.values) {
    const chosen = new Set<number>();
    run.values.forEach((v, c) => {
      if (v > 0.5) chosen.add(reduced.candidateOriginal[c]);
    });
    const mipSites = prepared.order([...chosen]);
    const mipCovered = mipSites.length === 0 ? greedy.coveredBefore : mipSites[mipSites.length - 1].coveredAfter;
    const notWorse = mipCovered >= greedy.coveredAfter - tolerance;
    if (chosen.size <= p && notWorse && (mipCovered > greedy.coveredAfter + tolerance || run.status === 'optimal')) {
      sites = mipSites;
      chosenBy = 'mip';
    }
  }
  if (chosenBy === 'greedy') fallback = run.status === 'failed' ? `the solver failed (${run.detail})` : `the solver found nothing better than greedy (${run.detail})`;
  const coveredAfter = sites.length === 0 ? greedy.coveredBefore : sites[sites.length - 1].coveredAfter;
  const optimal = (run.status === 'optimal' && chosenBy === 'mip') || coveredAfter >= upperBound - tolerance;
  upperBound = optimal ? coveredAfter : Math.max(upperBound, coveredAfter);
  const possibleGain = upperBound - greedy.coveredBefore;
  const { method: _method, search: _search, ...rest } = greedy;
  return {
    ...rest,
    method: chosenBy,
    optimal,
    sites,
    coveredAfter,
    upperBound,
    provenGainRatio: possibleGain <= tolerance ? 1 : (coveredAfter - greedy.coveredBefore) / possibleGain,
    lpBound,
    gap: optimal || upperBound <= 0 ? 0 : (upperBound - coveredAfter) / upperBound,
    fallback,
    mip: mipReport(run, timeLimitSeconds, reductionMs, { bound: first.constant + lagrangian.bound, iterations: lagrangian.iterations }, reduced.stats),
  };
}

export interface SetCoveringMipResult extends Omit<SetCoveringResult, 'method' | 'search'> {
  readonly method: 'mip' | 'greedy';
  /** LP relaxation bound (number of sites, fractional); null when not solved. */
  readonly lpBound: number | null;
  /** (count - lowerBound) / count: 0 when proven optimal. */
  readonly gap: number;
  readonly fallback: string | null;
  readonly mip: MipReport | null;
}

function greedyCover(greedy: SetCoveringResult, fallback: string | null): SetCoveringMipResult {
  const { method: _method, search: _search, ...rest } = greedy;
  const count = greedy.sites.length;
  return { ...rest, method: 'greedy', lpBound: null, gap: greedy.optimal || count === 0 ? 0 : (count - greedy.lowerBound) / count, fallback, mip: null };
}

/** Location set covering by integer programming; see the module comment. */
export function solveSetCoveringMip(input: SetCoveringInput, options: CoveringMipOptions = {}): SetCoveringMipResult {
  const greedy = solveSetCovering(input, { method: 'greedy' });
  const method = options.method ?? 'auto';
  if (method === 'greedy') return greedyCover(greedy, null);
  if (!options.solve) return greedyCover(greedy, 'no integer programming solver available');
  if ((greedy.optimal && method === 'auto') || greedy.targetCount === 0) return greedyCover(greedy, null);

  const reductionStarted = Date.now();
  const prepared = preparedSetCovering(input);
  const reduced = reduceSetCovering(prepared.targetCount, prepared.lists);
  const candidateCount = reduced.candidateOriginal.length;
  const reductionMs = Date.now() - reductionStarted;
  const timeLimitSeconds = options.timeLimitSeconds ?? DEFAULT_MIP_TIME_LIMIT_SECONDS;
  const startSites = new Set<number>();
  for (const s of greedy.sites) if (reduced.candidateReduced[s.candidate] >= 0) startSites.add(reduced.candidateReduced[s.candidate]);
  const columns = Array.from({ length: candidateCount }, (_, c) => xName(c));
  const run = runSafely(
    options.solve,
    {
      lp: setCoveringLp(reduced.targetCandidates, candidateCount),
      columns,
      start: { names: columns, values: Float64Array.from(columns, (_, c) => (startSites.has(c) ? 1 : 0)) },
      integralObjective: true,
    },
    { timeLimitSeconds },
  );

  const roundUp = (v: number): number => Math.ceil(v - roundingSlack(v));
  let lowerBound = greedy.lowerBound;
  if (run.lpBound !== null) lowerBound = Math.max(lowerBound, roundUp(run.lpBound));
  if (run.bound !== null) lowerBound = Math.max(lowerBound, roundUp(run.bound));
  let sites = greedy.sites;
  let chosenBy: 'mip' | 'greedy' = 'greedy';
  if (run.values) {
    const chosen = new Set<number>();
    run.values.forEach((v, c) => {
      if (v > 0.5) chosen.add(reduced.candidateOriginal[c]);
    });
    const mipSites = prepared.order([...chosen]);
    const coversAll = mipSites.reduce((n, s) => n + s.newlyCoveredTargets, 0) === prepared.targetCount;
    if (coversAll && (mipSites.length < greedy.sites.length || run.status === 'optimal')) {
      sites = mipSites;
      chosenBy = 'mip';
    }
  }
  const fallback = chosenBy === 'mip' ? null : run.status === 'failed' ? `the solver failed (${run.detail})` : `the solver found nothing better than greedy (${run.detail})`;
  const count = sites.length;
  const optimal = (run.status === 'optimal' && chosenBy === 'mip') || count <= lowerBound;
  if (optimal) lowerBound = count;
  lowerBound = Math.min(lowerBound, count);
  const { method: _method, search: _search, ...rest } = greedy;
  return {
    ...rest,
    method: chosenBy,
    optimal,
    sites,
    lowerBound,
    lpBound: run.lpBound,
    gap: optimal || count === 0 ? 0 : (count - lowerBound) / count,
    fallback,
    mip: mipReport(run, timeLimitSeconds, reductionMs, null, {
      demandBefore: reduced.stats.targetsBefore,
      demandAfter: reduced.stats.targetsAfter,
      candidatesBefore: reduced.stats.candidatesBefore,
      candidatesAfter: reduced.stats.candidatesAfter,
      nonzeros: reduced.stats.nonzeros,
    }),
  };
}
