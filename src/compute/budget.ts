/**
 * The compute budget of one request (a GraphQL request, a tile or an export): every analysis
 * charges the work it is about to do, in work units, before doing it, and the request is refused
 * with QUERY_TOO_COSTLY once the sum over all its fields and aliases passes the ceiling of the
 * caller's role (config.compute.budgets). Per-field limits cannot stop 30 aliases of one
 * allowed field; a per-request sum does.
 *
 * One work unit is about one neighbour visit of a conditional permutation test, some 20 ns of one
 * core; the other kinds of work are converted to it from measured times (UNITS below), so one
 * ceiling bounds the CPU time of a request whatever it mixes.
 *
 * Heavy work of a request starts only once every root field of the request has charged or
 * finished (`trackRootField`, called for each Query and Mutation field by requireRoleRule): the
 * fields' charges are read after their cheap preparation (areas, counts), and without that wait
 * the first aliases would already be computing when a later one found the sum over the ceiling.
 * With it, 30 heavy aliases are refused before any of them runs. The wait is bounded
 * (GATE_TIMEOUT_MS), so a field waiting on something another field computes after its own charge
 * can delay a request but not hang it; the ceiling itself is enforced by every charge regardless.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { GraphQLError } from 'graphql';
import type { Role } from '../domain';

/** Ceilings in work units per request, by role. */
export type ComputeBudgets = Readonly<Record<Role, number>>;

/**
 * What each kind of work costs, in units of one permutation neighbour visit (measured on the
 * demo city, 2 cores: 800 cells x 7 neighbours x 7000 permutations = 39.2 million units took
 * 0.75 s; a city risk fit of 5576 cells and 9 factors 0.85 s; an export row 70-250 us end to end).
 */
export const UNITS = {
  /** Gi* or Local Moran's I with conditional permutations: each permutation visits every neighbour of every cell */
  statistic: (cells: number, k: number, permutations: number): number => cells * neighboursOf(k) * Math.max(1, permutations),
  /** emerging hot spots: Gi* at every step, and a Mann-Kendall trend per cell (pairs of steps) */
  emerging: (cells: number, steps: number, k: number): number => cells * steps * (neighboursOf(k) + steps),
  /** one risk model fit: one-factor fits, BIC selection and the panel model over every cell, per candidate factor */
  riskFitPerCellFactor: 800,
  /** siting: the reach of every candidate over the demand cells and the greedy / exact search over them */
  sitingPerCandidateCell: 4,
  /** siting: one second of the integer programming solver's time limit (one core: 1 s / 20 ns) */
  solverSecond: 50_000_000,
  /** one case evaluation (influence area, matched controls, two windows of counts, difference in differences) */
  caseEvaluation: 500_000,
  /** kernel density: one unit per (evaluation position, point within reach) pair visited, about 5 ns each */
  kernelDensity: (evaluations: number, pointsInReach: number): number => Math.ceil((evaluations * pointsInReach) / 4),
  /** near repeats (Knox): one unit per close pair and permutation, and per incident and permutation for the sweep */
  knox: (incidents: number, closePairs: number, permutations: number): number => (incidents + closePairs) * (permutations + 1),
  /** forecasts: one unit per cell, period and method fitted (EM iterations and IRLS included), measured at about 1 us each */
  forecastPerCellPeriod: 50,
  /** one row written by an export (the query behind it is charged as that query) */
  exportRow: 1_000,
} as const;

/** Cells of gridDisk(k): the cell and its 3k(k+1) neighbours. */
export function neighboursOf(k: number): number {
  return 3 * k * (k + 1) + 1;
}

/** How long a heavy field waits for its sibling fields to state their cost before it starts anyway. */
export const GATE_TIMEOUT_MS = 5_000;

const format = (n: number): string => Math.round(n).toLocaleString('en-US');

interface RootField {
  budget: ComputeBudget;
  planned: boolean;
}

/** The root field a resolver's code runs for, so its first charge can count it as planned. */
const currentRootField = new AsyncLocalStorage<RootField>();

export class ComputeBudget {
  /** units charged so far by the request */
  spent = 0;
  private readonly charges: string[] = [];
  /** set once the request has asked for more than its ceiling: every later charge and waiting field fails with it */
  private refusal: GraphQLError | null = null;
  /** root fields running that have neither charged nor finished */
  private unplanned = 0;
  private waiting: { resolve: () => void; reject: (error: GraphQLError) => void }[] = [];

  constructor(
    readonly role: Role,
    readonly ceiling: number,
  ) {}

  /**
   * Charges `units` of work described by `what` and waits until every root field of the request
   * has charged or finished; throws QUERY_TOO_COSTLY when the request's sum passes the ceiling
   * (now or while waiting, by another field's charge).
   */
  async charge(units: number, what: string): Promise<void> {
    this.chargeNow(units, what);
    const field = currentRootField.getStore();
    if (field?.budget === this) this.markPlanned(field);
    // a macrotask turn: every sibling root field has entered (its resolver started) before the count is read
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.unplanned > 0 && !this.refusal) {
      await new Promise<void>((resolve, reject) => {
        const entry = { resolve: () => (clearTimeout(timer), resolve()), reject: (error: GraphQLError) => (clearTimeout(timer), reject(error)) };
        const timer = setTimeout(() => {
          this.waiting = this.waiting.filter((w) => w !== entry);
          resolve();
        }, GATE_TIMEOUT_MS);
        timer.unref();
        this.waiting.push(entry);
      });
    }
    if (this.refusal) throw this.refusal;
  }

  /** Charges without waiting for sibling fields (export rows, written as they come). */
  chargeNow(units: number, what: string): void {
    if (!(units >= 0)) throw new RangeError(`work units must be a non-negative number, got ${units}`);
    this.spent += units;
    this.charges.push(`${what} = ${format(units)}`);
    if (this.refusal) throw (this.refusal = this.refuse(what));
    if (this.spent > this.ceiling) {
      this.refusal = this.refuse(what);
      const waiting = this.waiting;
      this.waiting = [];
      for (const w of waiting) w.reject(this.refusal);
      throw this.refusal;
    }
  }

  private refuse(what: string): GraphQLError {
    const shown = this.charges.slice(0, 3).join('; ') + (this.charges.length > 3 ? `; and ${this.charges.length - 3} more` : '');
    return new GraphQLError(
      `this request asks for ${format(this.spent)} work units (${shown}), more than the compute budget of the ${this.role} role, ${format(this.ceiling)} work units per request ` +
        `(one unit is about one neighbour visit of a permutation test); the charge that passed it: ${what}. Ask for fewer aliases, fewer permutations, a smaller k or a smaller area`,
      { extensions: { code: 'QUERY_TOO_COSTLY', budget: this.ceiling, requested: this.spent, role: this.role } },
    );
  }

  /**
   * Runs one root field of the request (a Query or Mutation field), counted as unplanned until it
   * charges or finishes. Called by the schema's global middleware.
   */
  trackRootField<T>(run: () => Promise<T>): Promise<T> {
    const field: RootField = { budget: this, planned: false };
    this.unplanned++;
    const done = () => this.markPlanned(field);
    let result: Promise<T>;
    try {
      result = currentRootField.run(field, run);
    } catch (error) {
      done();
      throw error;
    }
    return Promise.resolve(result).finally(done);
  }

  private markPlanned(field: RootField): void {
    if (field.planned) return;
    field.planned = true;
    this.unplanned--;
    if (this.unplanned === 0) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const w of waiting) w.resolve();
    }
  }
}

export function createBudget(role: Role, budgets: ComputeBudgets): ComputeBudget {
  return new ComputeBudget(role, budgets[role]);
}

/**
 * The one budget of an HTTP request: an export runs a GraphQL operation per page, each with a
 * context of its own, and all of them draw on this one.
 */
const budgetsByRequest = new WeakMap<object, ComputeBudget>();

export function requestBudget(req: object, role: Role, budgets: ComputeBudgets): ComputeBudget {
  let budget = budgetsByRequest.get(req);
  if (!budget || budget.role !== role) {
    budget = createBudget(role, budgets);
    budgetsByRequest.set(req, budget);
  }
  return budget;
}

/** The budget contextOf made for this HTTP request, if any. */
export function budgetOfRequest(req: object): ComputeBudget | undefined {
  return budgetsByRequest.get(req);
}

/**
 * The one function analyses call before doing heavy work: charges it to the request's budget
 * (a context without one, as in direct calls from scripts, is not limited).
 */
export function chargeCompute(ctx: { budget?: ComputeBudget }, units: number, what: string): Promise<void> {
  return ctx.budget ? ctx.budget.charge(units, what) : Promise.resolve();
}
