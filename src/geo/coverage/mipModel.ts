/**
 * Covering models as integer programs in CPLEX LP format, and the interface of the solver that
 * runs them (HiGHS, injected by src/compute/mipSolver.ts so that this module stays pure).
 *
 * Maximal covering (Church and ReVelle 1974), on the reduced instance of coverageReduction.ts:
 *
 *   maximise  sum_k W_k y_k
 *   s.t.      y_k - sum_{c covers k} x_c <= 0     for every reduced demand item k
 *             sum_c x_c <= p
 *             0 <= y_k <= 1,  x_c binary
 *
 * y may stay continuous: with x binary, y_k = min(1, sum x_c) is 0 or 1 at any optimum.
 *
 * Set covering (Toregas et al. 1971):  minimise sum_c x_c  s.t.  sum_{c covers t} x_c >= 1, x binary.
 */

/** A model for the solver: LP text and the columns whose values come back. */
export interface MipProblem {
  /** The model in CPLEX LP format. */
  readonly lp: string;
  /** Names of the columns whose values are wanted back, in this order. */
  readonly columns: readonly string[];
  /** A feasible solution to start from (e.g. greedy's): names and values of some or all columns. */
  readonly start?: { readonly names: readonly string[]; readonly values: Float64Array };
  /** Every feasible solution has an integer objective: a bound within 1 of it proves it optimal. */
  readonly integralObjective: boolean;
}

export interface MipSettings {
  /** Wall-clock limit of the whole run (LP relaxation and branch and cut), seconds. */
  readonly timeLimitSeconds: number;
}

export interface MipRun {
  /** optimal: proven within the gap tolerances; timeLimit: stopped by the limit; failed: no usable answer. */
  readonly status: 'optimal' | 'timeLimit' | 'infeasible' | 'failed';
  /** The solver's own words for its status. */
  readonly detail: string;
  /** Optimum of the LP relaxation (null if it was not solved). */
  readonly lpBound: number | null;
  /** Objective of the best integer solution found (null if none). */
  readonly objective: number | null;
  /** Best proven bound on the objective (the MIP dual bound; null if none). */
  readonly bound: number | null;
  /** Values of `columns` in the best integer solution (null if none). */
  readonly values: Float64Array | null;
  readonly nodes: number;
  readonly elapsedMs: number;
  /** Solver name and version. */
  readonly solver: string;
}

/** Runs one model; synchronous, bounded by `timeLimitSeconds`. Throws only on a broken solver. */
export type MipSolve = (problem: MipProblem, settings: MipSettings) => MipRun;

/** Number text for LP files: shortest round-trip form, never an exponent without digits before it. */
function num(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`LP coefficient ${v} is not finite`);
  return String(v);
}

const TERMS_PER_LINE = 16;

/** Writes `name: terms <sense> rhs` with line breaks every few terms (LP files allow long expressions across lines). */
function expression(out: string[], head: string, terms: readonly string[], tail: string): void {
  let line = head;
  for (let i = 0; i < terms.length; i++) {
    if (i > 0 && i % TERMS_PER_LINE === 0) {
      out.push(line);
      line = '   ';
    }
    line += (i === 0 && terms[i].startsWith('+ ') ? terms[i].slice(2) : terms[i]) + ' ';
  }
  out.push(line + tail);
}

export const xName = (c: number): string => `x${c}`;
export const yName = (k: number): string => `y${k}`;

/** The maximal covering model of the module comment. */
export function maximalCoveringLp(weights: Float64Array, demandCandidates: readonly Int32Array[], candidateCount: number, p: number): string {
  const out: string[] = ['\\ maximal covering location problem (Church and ReVelle 1974), reduced instance', 'Maximize'];
  expression(
    out,
    ' covered: ',
    Array.from(weights, (w, k) => `+ ${num(w)} ${yName(k)}`),
    '',
  );
  out.push('Subject To');
  demandCandidates.forEach((cands, k) => {
    expression(
      out,
      ` d${k}: ${yName(k)} `,
      Array.from(cands, (c) => `- ${xName(c)}`),
      '<= 0',
    );
  });
  expression(
    out,
    ' sites: ',
    Array.from({ length: candidateCount }, (_, c) => `+ ${xName(c)}`),
    `<= ${p}`,
  );
  out.push('Bounds');
  for (let k = 0; k < weights.length; k++) out.push(` 0 <= ${yName(k)} <= 1`);
  out.push('Binaries');
  for (let c = 0; c < candidateCount; c += TERMS_PER_LINE) {
    out.push(' ' + Array.from({ length: Math.min(TERMS_PER_LINE, candidateCount - c) }, (_, i) => xName(c + i)).join(' '));
  }
  out.push('End', '');
  return out.join('\n');
}

/** The set covering model of the module comment. */
export function setCoveringLp(targetCandidates: readonly Int32Array[], candidateCount: number): string {
  const out: string[] = ['\\ location set covering (Toregas et al. 1971), reduced instance', 'Minimize'];
  expression(
    out,
    ' sites: ',
    Array.from({ length: candidateCount }, (_, c) => `+ ${xName(c)}`),
    '',
  );
  out.push('Subject To');
  targetCandidates.forEach((cands, t) => {
    expression(
      out,
      ` t${t}: `,
      Array.from(cands, (c) => `+ ${xName(c)}`),
      '>= 1',
    );
  });
  out.push('Binaries');
  for (let c = 0; c < candidateCount; c += TERMS_PER_LINE) {
    out.push(' ' + Array.from({ length: Math.min(TERMS_PER_LINE, candidateCount - c) }, (_, i) => xName(c + i)).join(' '));
  }
  out.push('End', '');
  return out.join('\n');
}
