/**
 * The pooled evaluation of closed cases (recommendationsEvaluation): each DONE recommendation
 * matching the filter (at most 200, by id) evaluated against its own controls as in
 * src/analysis/evaluation.ts, and the per-fix 2x2 tables combined by the Mantel-Haenszel common
 * ratio of rate ratios with the Robins-Breslow-Greenland variance
 * (src/geo/stats/mantelHaenszel.ts), so one kind of fix can be judged when single fixes have too
 * few incidents. Each case follows the release rules of the single evaluation. See docs/cases.md.
 */
import { chargeCaseEvaluations } from '../compute/charges';
import type { RequestContext } from '../context';
import { listRecommendations } from '../db/recommendations';
import { DiDCounts, finiteOrNull, mantelHaenszelRatioOfRateRatios, PooledDiDResult } from '../geo/stats';
import { text, withTexts } from '../i18n/texts';
import type { EvaluationArgs, PooledEstimate, PooledEvaluation, RecommendationFilter } from '../schema/recommendations';
import { caseScope } from './cases';
import { checkEvaluationArgs, didNoteText, evaluate } from './evaluation';
import { toAreaSpec } from './inputs';
import { releasePolicy } from './release';

/** DONE recommendations pooled by one recommendationsEvaluation */
const MAX_POOLED = 200;

export async function computePooledEvaluation(ctx: RequestContext, args: EvaluationArgs, filter: RecommendationFilter | undefined): Promise<PooledEvaluation> {
  checkEvaluationArgs(args, ctx.config);
  const listing = listRecommendations(
    ctx.knex,
    { statuses: ['done'], agency: filter?.agency ?? null, overdue: null, area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area') },
    caseScope(ctx.user),
    ctx.config.timeZone,
  );
  const page = await listing.page({ first: MAX_POOLED, afterId: null });
  await chargeCaseEvaluations(ctx, page.nodes.length);
  const itemLists = await ctx.loaders.recommendationItems.loadMany(page.nodes.map((r) => r.id));
  const now = new Date();
  const cases: PooledEvaluation['cases'] = [];
  const skipped: PooledEvaluation['skipped'] = [];
  const effectTables: DiDCounts[] = [];
  const ringTables: DiDCounts[] = [];
  const treatedWindows = new Map<string, [number, number][]>();
  let overlapping = false;
  for (const [i, row] of page.nodes.entries()) {
    const items = itemLists[i];
    if (items instanceof Error) throw items;
    const evaluation = await evaluate(ctx, row, items, args, now);
    if ('noData' in evaluation) {
      skipped.push({ recommendationId: row.id, reason: evaluation.noData });
      continue;
    }
    const window: [number, number] = [evaluation.beforeFrom.getTime(), evaluation.afterTo.getTime()];
    for (const cell of evaluation.treated.cells) {
      const seen = treatedWindows.get(cell) ?? [];
      if (seen.some(([from, to]) => from < window[1] && window[0] < to)) overlapping = true;
      seen.push(window);
      treatedWindows.set(cell, seen);
    }
    effectTables.push({ treatedBefore: evaluation.treated.before, treatedAfter: evaluation.treated.after, controlBefore: evaluation.control.before, controlAfter: evaluation.control.after });
    ringTables.push({ treatedBefore: evaluation.ring.before, treatedAfter: evaluation.ring.after, controlBefore: evaluation.control.before, controlAfter: evaluation.control.after });
    cases.push({
      recommendationId: row.id,
      title: row.title,
      fixedAt: evaluation.fixedAt,
      days: evaluation.days,
      incidents: evaluation.incidents,
      treatedBefore: evaluation.treated.before,
      treatedAfter: evaluation.treated.after,
      controlBefore: evaluation.control.before,
      controlAfter: evaluation.control.after,
      ratioOfRateRatios: evaluation.effect.ratioOfRateRatios,
      conclusive: evaluation.effect.conclusive,
    });
  }
  const effect = mantelHaenszelRatioOfRateRatios(effectTables, { confidence: args.confidence });
  const displacement = mantelHaenszelRatioOfRateRatios(ringTables, { confidence: args.confidence });
  const notes = [text('analysis.pooled.association')];
  if (page.hasNextPage) notes.push(text('analysis.pooled.firstOnly', { max: MAX_POOLED }));
  if (overlapping) notes.push(text('analysis.pooled.overlapping'));
  if (new Set(cases.map((c) => c.incidents)).size > 1) notes.push(text('analysis.pooled.mixed'));
  if (cases.length === 0) notes.push(text('analysis.pooled.none'));
  const restricted = releasePolicy(ctx).restricted;
  const how = restricted
    ? text('analysis.pooled.howRestricted', { resolution: releasePolicy(ctx).resolution, controls: args.controlCells })
    : text('analysis.pooled.howTrusted', { resolution: args.resolution, days: args.days, controls: args.controlCells });
  return withTexts<PooledEvaluation>({
    method: text('analysis.pooled.method', { how }),
    caseCount: cases.length,
    cases,
    skipped,
    effect: pooledEstimate(effect),
    displacement: pooledEstimate(displacement),
    conclusive: effect.conclusive && cases.length > 0,
    notes,
  });
}

function pooledEstimate(result: PooledDiDResult): PooledEstimate {
  return withTexts<PooledEstimate>({
    ratioOfRateRatios: finiteOrNull(result.ratioOfRateRatios),
    percentChange: finiteOrNull(result.percentChange),
    lower: finiteOrNull(result.lower),
    upper: finiteOrNull(result.upper),
    confidence: result.confidence,
    standardErrorLog: finiteOrNull(result.standardErrorLog),
    p: finiteOrNull(result.p),
    strata: result.strata,
    ...result.totals,
    conclusive: result.conclusive,
    notes: result.notes.map(didNoteText),
  });
}
