/**
 * The parts every risk answer shares: the method in words, the model summaries, the study area,
 * warnings, the caveat and the privacy note. Shaping only; the models are fitted in
 * src/analysis/riskModels.ts.
 */
import type { RequestContext } from '../context';
import type { LightingPanelResult, RiskModelResult } from '../geo/risk';
import { finiteOrNull, type GlmCoefficient } from '../geo/stats';
import type { StudyArea } from '../schema/analysis';
import type { PrivacyNote } from '../schema/privacy';
import type { LightingPanelSummary, RelativeRiskEstimate, RiskModelSummary } from '../schema/risk';
import { releasePolicy, RISK_RELEASE_MONTHS } from './release';
import { DAY_MS, type FittedRisk } from './riskModels';

export const RISK_CAVEAT =
  'These are associations between environmental factors and recorded incidents per cell, not causes: a factor can stand for something else that is there too (a market, a through road, who reports), recorded incidents depend on reporting, and the regression assumes independent cells (see the residual Moran test). Expected prevented incidents read the association as if it were causal and ignore displacement to neighbouring streets; field evidence such as the New York City lighting experiment (Chalfin et al. 2022) is what shows whether a fix works.';

export function estimateOf(c: { coefficient: number; standardError: number; relativeRisk: number; relativeRiskLow: number; relativeRiskHigh: number; p: number; pFdr: number }): RelativeRiskEstimate {
  return { ...c, pFdr: finiteOrNull(c.pFdr) };
}

function coefficientOf(c: GlmCoefficient): RelativeRiskEstimate {
  return { coefficient: c.estimate, standardError: c.standardError, relativeRisk: c.relativeRisk, relativeRiskLow: c.relativeRiskLow, relativeRiskHigh: c.relativeRiskHigh, p: c.p, pFdr: null };
}

export function summaryOf(m: RiskModelResult): RiskModelSummary {
  const f = m.fit;
  return {
    response: m.response,
    family: m.family,
    familyReason: m.familyReason,
    selectedTerms: m.selectedTerms,
    coefficients: f.coefficients.map((c) => ({ name: c.name, estimate: coefficientOf(c) })),
    cellCount: f.n,
    logLikelihood: f.logLikelihood,
    aic: f.aic,
    bic: f.bic,
    nullBic: m.nullBic,
    deviance: f.deviance,
    residualDegreesOfFreedom: f.residualDegreesOfFreedom,
    pearsonDispersion: f.pearsonDispersion,
    theta: f.theta,
    thetaStandardError: f.thetaStandardError,
    converged: f.converged,
    residualMoran: m.residualMoran,
  };
}

export function lightingSummaryOf(l: LightingPanelResult): LightingPanelSummary {
  const f = l.fit;
  return {
    response: l.response,
    periods: l.periods,
    periodDays: l.periodDays,
    operationalisation: l.candidate,
    selected: l.selected,
    estimate: f ? { coefficient: f.estimate, standardError: f.standardError, relativeRisk: f.relativeRisk, relativeRiskLow: f.relativeRiskLow, relativeRiskHigh: f.relativeRiskHigh, p: f.p, pFdr: null } : null,
    bicImprovement: l.bicImprovement,
    dispersion: f ? f.dispersion : null,
    informativeCells: f ? f.informativeCells : 0,
    rows: f ? f.rows : 0,
    converged: f ? f.converged : false,
  };
}

export function studyAreaOf(fitted: FittedRisk): StudyArea {
  return { ...fitted.hexagons.studyArea, k: fitted.rings, weights: null, from: fitted.from, to: fitted.to };
}

export function warningsOf(fitted: FittedRisk): { code: string; message: string; cells: string[] }[] {
  return fitted.analysis.warnings.map((w) => ({ ...w, cells: [] }));
}

export function methodOf(fitted: FittedRisk): string {
  const o = fitted.options;
  const responses = o.timeOfDay ? `${o.timeOfDay} incidents for every factor` : 'night incidents for lighting outages, all incidents for the other factors';
  return [
    `Risk Terrain Modeling style count regressions over the H3 resolution-${fitted.resolution} cells of the study area, window ${fitted.from.toISOString()} to ${fitted.to.toISOString()}; response: ${responses}`,
    `each factor as PROXIMITY (present within ${fitted.rings} ring(s), about ${Math.round(fitted.proximityMeters)} m) and DENSITY, with Spearman rho`,
    `road defects (open at the window end), youth-facility gaps${o.importedFactors.length > 0 ? ` and imported factor layers (${o.importedFactors.map((f) => f.name).join(', ')}; features present at the window end)` : ''}: counts per cell over the window, offset log(${o.exposure === 'residents' ? 'residents' : 'cell area km²'}), one-factor ${o.family === 'auto' ? 'Poisson or negative binomial (AUTO)' : o.family} regressions, the better operationalisation of each factor by BIC offered to forward BIC selection, global Moran's I of the Pearson residuals (k = 1, row-standardised, randomisation)`,
    `lighting outages: counts per cell and period (${fitted.periods} periods of ${Math.round((fitted.to.getTime() - fitted.from.getTime()) / DAY_MS / fitted.periods)} days) with cell and period fixed effects (Poisson, SE scaled by sqrt(dispersion) when above 1), selected when BIC improves`,
    'Wald 95 % intervals of exp(beta), two-sided p, Benjamini-Hochberg FDR over the rows',
  ].join('; ');
}

export function riskPrivacyNote(ctx: RequestContext, fitted: FittedRisk, released: string, suppressedCells = 0): PrivacyNote {
  const policy = releasePolicy(ctx);
  return {
    applied: policy.restricted,
    threshold: policy.threshold,
    resolution: fitted.resolution,
    suppressedCells,
    rules: policy.restricted
      ? `below the analyst role: a risk model covers a whole district or the city at resolution ${fitted.resolution} with the default reach, over ${RISK_RELEASE_MONTHS} whole ended calendar months (UTC) and all categories; ${released}`
      : 'analyst or admin: true counts, any area, resolution, window and categories',
  };
}
