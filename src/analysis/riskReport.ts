/**
 * The parts every risk answer shares: the method in words, the model summaries, the study area,
 * warnings, the caveat and the privacy note. Shaping only; the models are fitted in
 * src/analysis/riskModels.ts.
 */
import type { RequestContext } from '../context';
import type { FactorNote, FactorParameter, FamilyReason, LightingPanelResult, RiskModelResult } from '../geo/risk';
import { finiteOrNull, type GlmCoefficient } from '../geo/stats';
import { fixed, Text, text, withTexts } from '../i18n/texts';
import type { StudyArea } from '../schema/analysis';
import type { PrivacyNote } from '../schema/privacy';
import type { LightingPanelSummary, RelativeRiskEstimate, RiskModelSummary } from '../schema/risk';
import { releasePolicy, RISK_RELEASE_MONTHS } from './release';
import { DAY_MS, type FittedRisk } from './riskModels';

/** What the risk answers are and are not (in the caller's language where read, src/i18n/texts.ts). */
export const RISK_CAVEAT: Text = text('analysis.risk.caveat');

export function estimateOf(c: { coefficient: number; standardError: number; relativeRisk: number; relativeRiskLow: number; relativeRiskHigh: number; p: number; pFdr: number }): RelativeRiskEstimate {
  return { ...c, pFdr: finiteOrNull(c.pFdr) };
}

function coefficientOf(c: GlmCoefficient): RelativeRiskEstimate {
  return { coefficient: c.estimate, standardError: c.standardError, relativeRisk: c.relativeRisk, relativeRiskLow: c.relativeRiskLow, relativeRiskHigh: c.relativeRiskHigh, p: c.p, pFdr: null };
}

/** Why the model has its family, in words (src/geo/risk gives it as data). */
function familyReasonText(reason: FamilyReason): Text {
  if (reason.kind === 'asked') return text('analysis.risk.familyReason.asked');
  if (reason.kind === 'thetaNotConverging') return text('analysis.risk.familyReason.thetaNotConverging', { dispersion: fixed(reason.dispersion, 2) });
  return text('analysis.risk.familyReason.dispersion', { dispersion: fixed(reason.dispersion, 2), comparison: reason.overdispersed ? '>' : '<=', threshold: reason.threshold });
}

/** What a factor's column measures, in words (src/geo/risk gives it as data). */
export function factorParameterText(p: FactorParameter): Text {
  if (p.kind === 'youthGap') return text('analysis.risk.parameter.youthGap', { metres: p.metres });
  if (p.kind === 'youthDistance') return text('analysis.risk.parameter.youthDistance', { cap: p.capKm });
  const reach = p.rings === 0 ? text('analysis.risk.reach.cell') : text('analysis.risk.reach.rings', { count: p.rings });
  if (p.kind === 'outagePresent' || p.kind === 'outageDensity') return text(`analysis.risk.parameter.${p.kind}`, { reach, days: p.days, periods: p.periods });
  return text(`analysis.risk.parameter.${p.kind}`, { reach });
}

/** Why a factor has no estimate, in words (src/geo/risk gives it as data). */
export function factorNoteText(note: FactorNote | null): Text | null {
  if (note === null) return null;
  if (note.kind === 'withheld') return text('analysis.risk.note.withheld', { minimum: note.minimum });
  // the fitting code's own message is quoted as it is
  if (note.kind === 'notEstimable') return text('analysis.risk.note.notEstimable', { detail: note.detail });
  return text(`analysis.risk.note.${note.kind}`);
}

export function summaryOf(m: RiskModelResult): RiskModelSummary {
  const f = m.fit;
  return withTexts<RiskModelSummary>({
    response: m.response,
    family: m.family,
    familyReason: familyReasonText(m.familyReason),
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
  });
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

export function methodOf(fitted: FittedRisk): Text {
  const o = fitted.options;
  const names = o.importedFactors.map((f) => f.name).join(', ');
  return text('analysis.risk.method', {
    resolution: fitted.resolution,
    from: fitted.from.toISOString(),
    to: fitted.to.toISOString(),
    responses: o.timeOfDay ? text('analysis.risk.responsesOne', { timeOfDay: text(`analysis.risk.timeOfDay.${o.timeOfDay}`) }) : text('analysis.risk.responsesAll'),
    rings: fitted.rings,
    metres: Math.round(fitted.proximityMeters),
    imported: o.importedFactors.length > 0 ? text('analysis.risk.imported', { names }) : '',
    exposure: text(`analysis.risk.exposure.${o.exposure === 'residents' ? 'residents' : 'area'}`),
    family: text(`analysis.risk.family.${o.family}`),
    periods: fitted.periods,
    days: Math.round((fitted.to.getTime() - fitted.from.getTime()) / DAY_MS / fitted.periods),
  });
}

export function riskPrivacyNote(ctx: RequestContext, fitted: FittedRisk, released: Text, suppressedCells = 0): PrivacyNote {
  const policy = releasePolicy(ctx);
  return withTexts<PrivacyNote>({
    applied: policy.restricted,
    threshold: policy.threshold,
    resolution: fitted.resolution,
    suppressedCells,
    rules: policy.restricted ? text('analysis.risk.privacyRestricted', { resolution: fitted.resolution, months: RISK_RELEASE_MONTHS, released }) : text('analysis.risk.privacyTrusted'),
  });
}
