/**
 * The evaluation of a closed case (recommendation.evaluation): crime in the influence area
 * before and after the fix against matched control cells, with a displacement check.
 *
 * Method: difference in differences on Poisson counts, the ratio of rate ratios
 * (treated after/before) / (control after/before) with the log-scale standard error
 * sqrt(1/a+1/b+1/c+1/d) (Woolf) and a Wald interval (src/geo/stats/differenceInDifferences.ts).
 * Influence area: the H3 cells the items touch; controls: the cells 3 to 12 rings away (within
 * the same district(s) when stored) closest in before-window count per cell, never adjacent;
 * displacement: the ring of adjacent cells against the same controls (src/geo/influenceArea.ts).
 * See docs/cases.md for the method and its limits.
 *
 * Release: below the analyst role a case is evaluated over all categories on the release
 * lattice (src/analysis/release.ts): cells of the release resolution, whole calendar months
 * around the month of the fix, each cell-month as released.
 */
import type { Config } from '../config';
import { chargeCaseEvaluations } from '../compute/charges';
import type { RequestContext } from '../context';
import { growEnvelope, incidentCountsByCell } from '../db/aggregates';
import { districtsContaining, incidentTimeRange, RecommendationItemRow, RecommendationRow } from '../db/recommendations';
import type { BBox, Geometry } from '../domain';
import { badInput } from '../errors';
import { cellCentre, cellEdgeLengthMeters } from '../geo/h3';
import { EvaluationWindows, evaluationWindows, influenceArea, matchControls } from '../geo/influenceArea';
import { ReleaseEvaluationMonths, releaseEvaluationMonths } from '../geo/privacy';
import { differenceInDifferences, DiDNote, DiDResult } from '../geo/stats';
import { fixed, Text, text, withTexts } from '../i18n/texts';
import type { StudyAreaArgs } from '../schema/analysis';
import type { CellGroupCounts, DifferenceInDifferencesEstimate, EvaluationArgs, Recommendation, RecommendationEvaluation, TimeOfDay } from '../schema/recommendations';
import { nonEmpty } from './inputs';
import { auditSensitiveCount, releasedMonthCells, releasePolicy, SENSITIVE_MAX_RESOLUTION, sensitiveScope } from './release';
import { resolveStudyArea } from './studyArea';

const DAY_MS = 86_400_000;

/** The evaluation field of a case: null until it is DONE; one case evaluation charged to the request. */
export async function evaluateCase(ctx: RequestContext, recommendation: Recommendation, args: EvaluationArgs): Promise<RecommendationEvaluation | null> {
  if (recommendation.status !== 'done' || !recommendation.fixedAt) return null;
  await chargeCaseEvaluations(ctx, 1);
  const items = await ctx.loaders.recommendationItems.load(recommendation.id);
  return evaluateRecommendation(ctx, recommendation, items, args, new Date());
}

export function checkEvaluationArgs(args: EvaluationArgs, config: Config): void {
  // incidents store their cell at the fine resolution; coarser cells are derived from it
  const maxResolution = Math.min(10, config.fineResolution);
  if (!Number.isInteger(args.resolution) || args.resolution < 8 || args.resolution > maxResolution) throw badInput('resolution', `must be an integer from 8 to ${maxResolution}, got ${args.resolution}`);
  if (!Number.isInteger(args.days) || args.days < 7 || args.days > 730) throw badInput('days', `must be an integer from 7 to 730, got ${args.days}`);
  if (!Number.isInteger(args.controlCells) || args.controlCells < 1 || args.controlCells > 500) throw badInput('controlCells', `must be an integer from 1 to 500, got ${args.controlCells}`);
  if (!(args.confidence >= 0.5 && args.confidence <= 0.999)) throw badInput('confidence', `must lie from 0.5 to 0.999, got ${args.confidence}`);
  nonEmpty(args.categories, 'categories');
}

/**
 * The evaluation of a closed recommendation; exported so that benchmarks and reports can call
 * it without GraphQL. See docs/cases.md for the method and its limits.
 */
export async function evaluateRecommendation(
  ctx: RequestContext,
  recommendation: Pick<RecommendationRow, 'id' | 'fixedAt' | 'geometry'>,
  items: readonly RecommendationItemRow[],
  args: EvaluationArgs,
  now: Date,
): Promise<RecommendationEvaluation> {
  checkEvaluationArgs(args, ctx.config);
  const result = await evaluate(ctx, recommendation, items, args, now);
  if ('noData' in result) throw badInput('days', result.noData);
  return result;
}

/** The lattice's month windows in the shape of evaluationWindows: the before-window ends where the fix's month begins. */
function releasedWindows(fixedAt: Date, days: number, dataFrom: Date | null, now: Date): (EvaluationWindows & ReleaseEvaluationMonths) | null {
  const months = releaseEvaluationMonths(fixedAt, days, dataFrom, now);
  if (!months) return null;
  const beforeFrom = months.before[0];
  const last = months.after[months.after.length - 1];
  const afterTo = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1));
  const beforeTo = new Date(Date.UTC(fixedAt.getUTCFullYear(), fixedAt.getUTCMonth(), 1));
  return { ...months, beforeFrom, fixedAt, afterTo, days: Math.round((beforeTo.getTime() - beforeFrom.getTime()) / DAY_MS), afterIncomplete: months.shortened, beforeIncomplete: false };
}

/** The evaluation, or why the stored incidents cannot give one (arguments already checked). */
export async function evaluate(
  ctx: RequestContext,
  recommendation: Pick<RecommendationRow, 'id' | 'fixedAt' | 'geometry'>,
  items: readonly RecommendationItemRow[],
  args: EvaluationArgs,
  now: Date,
): Promise<RecommendationEvaluation | { noData: string }> {
  const policy = releasePolicy(ctx);
  const asked = nonEmpty(args.categories, 'categories');
  if (policy.restricted && asked !== null) throw badInput('categories', 'below the analyst role a case is evaluated over all categories: a category filter would let one evaluation be subtracted from another');
  // below analyst the influence area, controls and counts are cells of the release lattice
  const resolution = policy.restricted ? policy.resolution : args.resolution;
  // analysts' sensitive categories: coarse cells only, alone, audited (windows are a week or longer)
  const scope = policy.restricted ? null : sensitiveScope(ctx, asked, resolution, null);
  const categories = scope ? scope.categories : asked;
  if (scope?.sensitive) await auditSensitiveCount(ctx, 'case evaluation', { recommendationId: recommendation.id, resolution, days: args.days, categories }, 0);
  const fixedAt = recommendation.fixedAt as Date;
  const hasLighting = items.some((i) => i.kind === 'lighting_outage');
  const timeOfDay: TimeOfDay = args.timeOfDay ?? (hasLighting ? 'night' : 'all');
  const notes: Text[] = [text('analysis.evaluation.association')];

  const geometries = items.filter((i) => i.geometry).map((i) => i.geometry as Geometry);
  const cells = items.filter((i) => i.h3).map((i) => i.h3 as string);
  if (geometries.length === 0 && cells.length === 0) {
    geometries.push(recommendation.geometry);
    notes.push(text('analysis.evaluation.noItems'));
  }
  const area = influenceArea({ geometries, cells, resolution });

  const range = await incidentTimeRange(ctx.knex);
  const lattice = policy.restricted ? releasedWindows(fixedAt, args.days, range.from, now) : null;
  const windows = policy.restricted ? lattice : evaluationWindows(fixedAt, args.days, range.from, range.to, now);
  if (!windows) {
    const whole = policy.restricted ? 'a whole calendar month (UTC) that has ended' : 'a whole day';
    return { noData: `the stored incidents (${range.from?.toISOString() ?? 'none'} to ${range.to?.toISOString() ?? 'none'}) do not cover ${whole} on both sides of the fix ${fixedAt.toISOString()}` };
  }
  if (lattice) {
    notes.push(text('analysis.evaluation.lattice', { resolution, months: lattice.months, suppressedMax: policy.threshold - 1 }));
    if (lattice.shortened) notes.push(text('analysis.evaluation.shortened', { months: lattice.months, days: args.days }));
  } else if (windows.afterIncomplete) notes.push(text('analysis.evaluation.afterIncomplete', { days: windows.days, asked: args.days }));
  else if (windows.beforeIncomplete) notes.push(text('analysis.evaluation.beforeIncomplete', { days: windows.days, asked: args.days }));

  // controls from the same district(s) when districts are stored, so they share the district's policing
  let pool = area.pool;
  let poolText = text('analysis.evaluation.pool', { candidates: pool.length });
  const districts = await districtsContaining(
    ctx.knex,
    area.treated.map((c) => cellCentre(c)),
  );
  if (districts.length > 0) {
    const inDistricts = new Set<string>();
    for (const d of districts) {
      // the cached study area of the district: its cells are computed once per resolution
      const districtArea = await resolveStudyArea(ctx, { area: { districtId: d.id }, resolution } as StudyAreaArgs);
      for (const c of districtArea.cells) inDistricts.add(c);
    }
    const restricted = pool.filter((c) => inDistricts.has(c));
    if (restricted.length > 0) {
      pool = restricted;
      poolText = text('analysis.evaluation.poolInDistricts', { districts: districts.map((d) => d.name).join(', '), candidates: pool.length });
    }
  }

  const envelope = envelopeOf([...area.treated, ...area.ring, ...pool], resolution);
  const countWindow = async (from: Date, to: Date): Promise<Map<string, number>> => {
    const rows = await incidentCountsByCell(ctx.knex, { resolution, envelope, from, to, categories });
    const counts = new Map<string, number>();
    for (const row of rows) {
      if (timeOfDay === 'night' && row.night !== true) continue;
      if (timeOfDay === 'day' && row.night !== false) continue;
      counts.set(row.cell, (counts.get(row.cell) ?? 0) + row.count);
    }
    return counts;
  };
  // below analyst: the sum of the released cell-month values, month by month
  const countReleasedMonths = async (starts: readonly Date[]): Promise<Map<string, number>> => {
    const counts = new Map<string, number>();
    for (const start of starts) {
      const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
      const rows = await incidentCountsByCell(ctx.knex, { resolution, envelope, from: start, to: end, categories: null });
      for (const [cell, value] of releasedMonthCells(policy, rows, timeOfDay).values) counts.set(cell, (counts.get(cell) ?? 0) + value);
    }
    return counts;
  };
  const before = lattice ? await countReleasedMonths(lattice.before) : await countWindow(windows.beforeFrom, windows.fixedAt);
  const after = lattice ? await countReleasedMonths(lattice.after) : await countWindow(windows.fixedAt, windows.afterTo);

  const treated = group(area.treated, before, after);
  const treatedMeanBefore = treated.before / area.treated.length;
  const controlCells = matchControls(pool, before, treatedMeanBefore, args.controlCells);
  const control = group(controlCells, before, after);
  const ring = group(area.ring, before, after);
  if (controlCells.length < args.controlCells) notes.push(text('analysis.evaluation.fewControls', { available: controlCells.length, asked: args.controlCells }));
  const controlMeanBefore = control.cellCount > 0 ? control.before / control.cellCount : 0;
  if (Math.abs(controlMeanBefore - treatedMeanBefore) > Math.max(1, 0.5 * treatedMeanBefore)) {
    notes.push(text('analysis.evaluation.poorMatch', { control: fixed(controlMeanBefore, 1), treated: fixed(treatedMeanBefore, 1) }));
  }
  notes.push(text('analysis.evaluation.regression'));

  const effect = differenceInDifferences({ treatedBefore: treated.before, treatedAfter: treated.after, controlBefore: control.before, controlAfter: control.after }, { confidence: args.confidence });
  const displacement = differenceInDifferences({ treatedBefore: ring.before, treatedAfter: ring.after, controlBefore: control.before, controlAfter: control.after }, { confidence: args.confidence });
  if (!effect.conclusive) notes.push(text('analysis.evaluation.inconclusive'));

  const lateItems = items.filter((i) => i.fixedAt && Math.abs(i.fixedAt.getTime() - fixedAt.getTime()) > 7 * DAY_MS);
  if (lateItems.length > 0) notes.push(text('analysis.evaluation.lateItems', { items: lateItems.length }));

  // a problem reported shortly before its fix affected only part of the before-window: the effect is diluted
  const reported = items.filter((i) => i.reportedAt).map((i) => i.reportedAt!.getTime());
  if (reported.length > 0) {
    const earliest = Math.min(...reported);
    const presentDays = Math.max(0, Math.min(windows.days, (fixedAt.getTime() - Math.max(earliest, windows.beforeFrom.getTime())) / DAY_MS));
    if (presentDays < windows.days * 0.5) {
      notes.push(text('analysis.evaluation.diluted', { present: fixed(presentDays, 1), days: windows.days }));
    }
  }

  const incidentsText = text('analysis.evaluation.incidents', {
    time: text(`analysis.evaluation.time.${timeOfDay}`),
    categories: scope?.excluded
      ? text('analysis.evaluation.categories.excluded', { max: SENSITIVE_MAX_RESOLUTION })
      : categories
        ? text('analysis.evaluation.categories.list', { list: categories.join(', ') })
        : text('analysis.evaluation.categories.all'),
  });
  const edge = Math.round(cellEdgeLengthMeters(resolution));
  return withTexts<RecommendationEvaluation>({
    method: text('analysis.evaluation.method', {
      confidence: Math.round(args.confidence * 1000) / 10,
      resolution,
      edge,
      windows: lattice ? text('analysis.evaluation.monthWindows', { months: lattice.months }) : text('analysis.evaluation.dayWindows', { days: windows.days }),
      controls: args.controlCells,
      pool: poolText,
    }),
    resolution,
    incidents: incidentsText,
    requestedDays: args.days,
    days: windows.days,
    beforeFrom: windows.beforeFrom,
    fixedAt: windows.fixedAt,
    afterTo: windows.afterTo,
    afterWindowComplete: !windows.afterIncomplete,
    treated,
    control,
    ring,
    controlSelection: text('analysis.evaluation.controlSelection', { cells: controlCells.length, mean: fixed(treatedMeanBefore, 2), pool: poolText }),
    effect: estimate(effect),
    displacement: estimate(displacement),
    conclusive: effect.conclusive,
    notes,
  });
}

/** A note of a difference-in-differences estimate in words (src/geo/stats gives it as data). */
export function didNoteText(note: DiDNote): Text {
  switch (note.kind) {
    case 'fewCounts':
    case 'fewPooledCounts':
      return text(`analysis.did.${note.kind}`, { smallest: note.smallest, minimum: note.minimum });
    case 'fewExpected':
      return text('analysis.did.fewExpected', { expected: note.expected, minimum: note.minimum });
    default:
      return text(`analysis.did.${note.kind}`);
  }
}

function estimate(result: DiDResult): DifferenceInDifferencesEstimate {
  return withTexts<DifferenceInDifferencesEstimate>({
    ratioOfRateRatios: result.ratioOfRateRatios,
    percentChange: result.percentChange,
    lower: result.lower,
    upper: result.upper,
    confidence: result.confidence,
    standardErrorLog: result.standardErrorLog,
    z: result.z,
    p: result.p,
    expectedAfter: result.expectedTreatedAfter,
    continuityCorrected: result.continuityCorrected,
    conclusive: result.conclusive,
    notes: result.notes.map(didNoteText),
  });
}

function envelopeOf(cells: Iterable<string>, resolution: number): BBox {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const cell of cells) {
    const [lng, lat] = cellCentre(cell);
    minLng = Math.min(minLng, lng);
    minLat = Math.min(minLat, lat);
    maxLng = Math.max(maxLng, lng);
    maxLat = Math.max(maxLat, lat);
  }
  return growEnvelope([minLng, minLat, maxLng, maxLat], 2 * cellEdgeLengthMeters(resolution));
}

function sumOver(cells: readonly string[], counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const cell of cells) total += counts.get(cell) ?? 0;
  return total;
}

function group(cells: string[], before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): CellGroupCounts {
  return { cellCount: cells.length, cells, before: sumOver(cells, before), after: sumOver(cells, after) };
}
