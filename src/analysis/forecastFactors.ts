/**
 * The environmental factors of the negative binomial forecast: the terms the risk model
 * (src/analysis/riskModels.ts, Risk Terrain Modeling style) selects for the same study area and
 * resolution, with their per-cell columns as it computed them (lighting outages, road defects,
 * youth-facility gaps, imported factor layers as proximity or density). The model comes from the
 * risk models' cache when riskFactors, riskSurface or fixPriorities fitted it for the same shape;
 * it is not refitted per origin. Its window is the year before `to`: for a backtest, `to` is the
 * first origin, so neither the choice of terms nor the columns see the periods being scored.
 *
 * Analysts and admins only: below analyst the forecast is made on the release lattice
 * (resolution 8, released counts), which the risk model's release lattice (resolution 9) does not
 * meet, and a selection of terms fitted on true counts is not a function of released numbers.
 */
import type { RequestContext } from '../context';
import type { ForecastHistory } from '../geo/forecast';
import { text, type Text } from '../i18n/texts';
import type { ForecastArgs } from '../schema/forecast';
import { DAY_MS } from './cityDays';
import { fitRiskModels } from './riskModels';

const WINDOW_DAYS = 365;

export interface ForecastFactors {
  factors: NonNullable<ForecastHistory['factors']>;
  /** what was taken, in words (or why nothing) */
  note: Text;
}

/** The risk model's selected terms as columns over `cells` (cells outside the model take the column mean). */
export async function forecastFactors(ctx: RequestContext, args: ForecastArgs, resolution: number, cells: readonly string[], to: Date): Promise<ForecastFactors> {
  let fitted;
  try {
    fitted = await fitRiskModels(
      ctx,
      {
        area: args.area,
        resolution,
        window: { from: new Date(to.getTime() - WINDOW_DAYS * DAY_MS), to },
        categories: args.categories,
        exposure: 'area',
        model: 'auto',
        youthGapMeters: 1000,
      },
      'all',
    );
  } catch (error) {
    return { factors: [], note: text('analysis.forecast.factors.notFitted', { reason: error instanceof Error ? error.message : String(error) }) };
  }
  const { model, cells: modelCells } = fitted.analysis;
  if (model.selectedTerms.length === 0) return { factors: [], note: text('analysis.forecast.factors.none') };
  const index = new Map(modelCells.map((c, i) => [c, i]));
  const factors = model.selectedTerms.map((name, t) => {
    const column = model.selectedColumns[t];
    const mean = column.reduce((a, b) => a + b, 0) / Math.max(1, column.length);
    return { name, values: Float64Array.from(cells, (c) => column[index.get(c) ?? -1] ?? mean) };
  });
  return { factors, note: text('analysis.forecast.factors.selected', { before: to.toISOString().slice(0, 10), terms: model.selectedTerms.join(', ') }) };
}
