/**
 * The riskFactors answer: which environmental factors go with incident counts per cell, how
 * strongly and how surely (Spearman rho; one-factor and selected-model relative risks exp(beta)
 * with Wald 95 % intervals, p and Benjamini-Hochberg FDR; BIC selection; residual Moran's I).
 * Model-level figures only, no per-cell count. Models from src/analysis/riskModels.ts; see
 * docs/risk.md.
 */
import type { RequestContext } from '../context';
import { finiteOrNull } from '../geo/stats';
import { text, withTexts } from '../i18n/texts';
import type { RiskFactor, RiskFactorAnalysis, RiskModelArgs } from '../schema/risk';
import { fitRiskModels } from './riskModels';
import { estimateOf, factorNoteText, factorParameterText, lightingSummaryOf, methodOf, RISK_CAVEAT, riskPrivacyNote, studyAreaOf, summaryOf, warningsOf } from './riskReport';

export async function computeRiskFactors(ctx: RequestContext, args: RiskModelArgs): Promise<RiskFactorAnalysis> {
  const fitted = await fitRiskModels(ctx, args, args.timeOfDay ?? null);
  const a = fitted.analysis;
  return withTexts<RiskFactorAnalysis>({
    method: methodOf(fitted),
    studyArea: studyAreaOf(fitted),
    exposure: fitted.options.exposure,
    proximityRings: fitted.rings,
    proximityMeters: fitted.proximityMeters,
    modelCellCount: a.cells.length,
    droppedCellCount: a.droppedCells,
    model: summaryOf(a.model),
    lightingModel: lightingSummaryOf(a.lighting),
    factors: a.factors.map((r) =>
      withTexts<RiskFactor>({
        ...r,
        parameter: factorParameterText(r.parameter),
        note: factorNoteText(r.note),
        spearmanRho: finiteOrNull(r.spearmanRho),
        spearmanP: finiteOrNull(r.spearmanP),
        univariate: r.univariate ? estimateOf(r.univariate) : null,
        model: r.model ? estimateOf(r.model) : null,
      }),
    ),
    warnings: warningsOf(fitted),
    caveat: RISK_CAVEAT,
    privacy: riskPrivacyNote(ctx, fitted, text('analysis.risk.releasedFactors')),
  });
}
