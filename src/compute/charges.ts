/**
 * Charges of the analyses whose resolvers take one line for it (risk models, siting, case
 * evaluations): each converts its size to work units (UNITS) and calls chargeCompute.
 */
import { RISK_FACTORS } from '../geo/risk';
import { chargeCompute, ComputeBudget, UNITS } from './budget';

type WithBudget = { budget?: ComputeBudget };

/** One fit of the risk models (riskFactors, riskSurface, fixPriorities): cells x candidate factors. */
export function chargeRiskFit(ctx: WithBudget, cells: number, importedFactors: number): Promise<void> {
  const factors = RISK_FACTORS.length + importedFactors;
  return chargeCompute(ctx, cells * factors * UNITS.riskFitPerCellFactor, `risk model fit: ${cells} cells x ${factors} candidate factors x ${UNITS.riskFitPerCellFactor}`);
}

/** Siting search (suggestPostSites, minimumPostSites): every candidate's reach over the demand cells. */
export function chargeSiting(ctx: WithBudget, operation: string, candidates: number, cells: number): Promise<void> {
  return chargeCompute(ctx, candidates * cells * UNITS.sitingPerCandidateCell, `${operation}: ${candidates} candidates x ${cells} cells x ${UNITS.sitingPerCandidateCell}`);
}

/** Evaluations of closed recommendations (difference in differences against matched controls). */
export function chargeCaseEvaluations(ctx: WithBudget, count: number): Promise<void> {
  return chargeCompute(ctx, count * UNITS.caseEvaluation, `${count} case evaluation${count === 1 ? '' : 's'} x ${UNITS.caseEvaluation.toLocaleString('en-US')}`);
}

/** The integer programming solver of siting, charged for its whole time limit (it may stop earlier). */
export function chargeSitingSolver(ctx: WithBudget, operation: string, seconds: number): Promise<void> {
  return chargeCompute(ctx, Math.ceil(seconds * UNITS.solverSecond), `${operation}: solver time limit ${seconds} s x ${UNITS.solverSecond.toLocaleString('en-US')}`);
}

/** Whole seconds of solver time the request can still afford (Infinity without a budget). */
export function affordableSolverSeconds(ctx: WithBudget): number {
  return ctx.budget ? Math.max(0, ctx.budget.ceiling - ctx.budget.spent) / UNITS.solverSecond : Infinity;
}
