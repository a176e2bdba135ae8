/**
 * The riskSurface answer: each cell's relative risk from the selected model, exp(sum of the
 * selected terms' beta x value) against a cell with none of them, and the expected count (the
 * fitted mean), for mapping. Below the analyst role (and for a model of sensitive categories
 * alone) the observed count is left out: relative risk and expected are functions of the model
 * and the factors, the count is not. See docs/risk.md.
 */
import type { RequestContext } from '../context';
import { cellFeatureCollection, cellPolygon } from '../geo/h3';
import { riskSurface } from '../geo/risk';
import { text, withTexts } from '../i18n/texts';
import type { RiskModelArgs, RiskSurface } from '../schema/risk';
import { releasePolicy } from './release';
import { fitRiskModels } from './riskModels';
import { lightingSummaryOf, methodOf, RISK_CAVEAT, riskPrivacyNote, studyAreaOf, summaryOf, warningsOf } from './riskReport';

export async function computeRiskSurface(ctx: RequestContext, args: RiskModelArgs): Promise<RiskSurface> {
  const fitted = await fitRiskModels(ctx, args, args.timeOfDay ?? null);
  const restricted = releasePolicy(ctx).restricted || fitted.sensitive;
  const cells = riskSurface(fitted.analysis).map((c) => ({
    ...c,
    // relative risk and expected are functions of the model and of the factors; the count is not
    observed: restricted ? null : c.observed,
    get boundary() {
      return cellPolygon(c.h3);
    },
  }));
  return withTexts<RiskSurface>({
    method: text('analysis.risk.surfaceMethod', { model: methodOf(fitted) }),
    studyArea: studyAreaOf(fitted),
    model: summaryOf(fitted.analysis.model),
    lightingModel: lightingSummaryOf(fitted.analysis.lighting),
    cells,
    get featureCollection() {
      return cellFeatureCollection(cells);
    },
    warnings: warningsOf(fitted),
    caveat: RISK_CAVEAT,
    privacy: riskPrivacyNote(ctx, fitted, text('analysis.risk.releasedSurface')),
  });
}
