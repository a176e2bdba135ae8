/**
 * Emerging hot spots (after Esri's Emerging Hot Spot Analysis, Space Time Pattern Mining
 * toolbox): the incident counts of every cell of a study area at every whole week or month of a
 * window, Getis-Ord Gi* (Ord and Getis 1995) at each step over the same weights, a Mann-Kendall
 * trend of each cell's z series, and Esri's category per cell (src/geo/stats/emergingHotSpots.ts,
 * docs/methods.md). The answer of `emergingHotSpots`, its tiles and exports.
 *
 * Steps are whole calendar weeks or months in the configured time zone; an incident with a
 * month-only date is left out of weekly steps (and the answer says how many were).
 */
import type { RequestContext } from '../context';
import { chargeCompute, neighboursOf, UNITS } from '../compute/budget';
import { incidentCountsByCellAndStep, incidentTimeSpan, wholeTimeSteps } from '../db/timeSeries';
import { badInput } from '../errors';
import { cellFeatureCollection, cellPolygon } from '../geo/h3';
import { emergingHotSpots, finiteOrNull, getisOrdGiStar, meanAndSpread, StatWarning } from '../geo/stats';
import { text, withTexts } from '../i18n/texts';
import type { AnalysisWarning, StudyArea } from '../schema/analysis';
import type { AnalysisTimeStep, EmergingHotSpotAnalysis, EmergingHotSpotArgs, EmergingHotSpotCell } from '../schema/emerging';
import { nonEmpty, toTimeWindow } from './inputs';
import { auditSensitiveCount, sensitiveScope } from './release';
import { resolveStudyArea, ResolvedStudyArea, toWarnings, tooFewCells, weightsFor } from './studyArea';

/** Ten years of weeks: longer series are better read at monthly steps. */
const MAX_STEPS = 520;
/** Cells times steps held in memory for one answer. */
const MAX_CELL_STEPS = 20_000_000;

function checkArgs(args: EmergingHotSpotArgs): void {
  if (!Number.isInteger(args.k) || args.k < 1 || args.k > 5) throw badInput('k', `must be an integer from 1 to 5, got ${args.k}`);
  if (!(args.alpha > 0 && args.alpha < 1)) throw badInput('alpha', `must lie strictly between 0 and 1, got ${args.alpha}`);
  if (!(args.trendAlpha > 0 && args.trendAlpha < 1)) throw badInput('trendAlpha', `must lie strictly between 0 and 1, got ${args.trendAlpha}`);
}

/** The emerging hot spots answer; shared by the GraphQL query, tiles and exports. */
export async function computeEmergingHotSpots(ctx: RequestContext, args: EmergingHotSpotArgs): Promise<EmergingHotSpotAnalysis> {
  checkArgs(args);
  const window = toTimeWindow(args.window, 'window');
  // sensitive categories: coarse cells only, alone, audited (src/analysis/release.ts)
  const scope = sensitiveScope(ctx, nonEmpty(args.categories, 'categories'), args.resolution, window);
  const categories = scope.categories;
  const area = await resolveStudyArea(ctx, args);
  if (scope.sensitive) await auditSensitiveCount(ctx, 'emergingHotSpots', { area: args.area, resolution: args.resolution, window, categories }, area.cells.length);
  let from = window?.from ?? null;
  let to = window?.to ?? null;
  if (!from || !to) {
    const span = await incidentTimeSpan(ctx.knex);
    if (!span) throw badInput('window', 'no incidents are stored yet, so both window.from and window.to must be given');
    from ??= span.first;
    to ??= new Date(span.last.getTime() + 1);
  }
  const unit = args.timeStep;
  const steps = await wholeTimeSteps(ctx.knex, { from, to, unit, timeZone: ctx.config.timeZone });
  if (steps.length === 0) throw badInput('window', `holds no whole ${unit} in ${ctx.config.timeZone} between ${from.toISOString()} and ${to.toISOString()}`);
  if (steps.length > MAX_STEPS) throw badInput('window', `holds ${steps.length} ${unit}s; at most ${MAX_STEPS} steps are analysed (choose monthly steps or a shorter window)`);
  const n = area.cells.length;
  if (n * steps.length > MAX_CELL_STEPS) {
    throw badInput('area', `${n} cells times ${steps.length} steps exceeds ${MAX_CELL_STEPS}; choose a coarser resolution, a smaller area or fewer steps`);
  }
  await chargeCompute(ctx, UNITS.emerging(n, steps.length, args.k), `emergingHotSpots: ${n} cells x ${steps.length} steps x (${neighboursOf(args.k)} neighbours + ${steps.length} steps)`);
  const windowStart = steps[0].start;
  const windowEnd = steps[steps.length - 1].end;
  const { matrix, counts, tooCoarse } = await countMatrix(ctx, area, steps, unit, categories);

  const weights = weightsFor(area, args.k, args.weights);
  const gi = counts.map((c) => getisOrdGiStar(c, weights));
  const stepP = (t: number) => (args.significance === 'fdr' ? gi[t].pFdr : gi[t].p);
  const classified = emergingHotSpots(
    gi.map((g, t) => ({ z: g.z, p: stepP(t) })),
    { alpha: args.alpha, trendAlpha: args.trendAlpha },
  );

  const stateAt = (t: number, i: number): number => {
    const p = stepP(t)[i];
    const z = gi[t].z[i];
    return p <= args.alpha ? Math.sign(z) : 0;
  };
  const cells: EmergingHotSpotCell[] = area.cells.map((h3, i) => {
    const c = classified.cells[i];
    let total = 0;
    for (let t = 0; t < steps.length; t++) total += counts[t][i];
    return {
      h3,
      get boundary() {
        return cellPolygon(h3);
      },
      category: c.category,
      count: total,
      hotSteps: c.hotSteps,
      coldSteps: c.coldSteps,
      trendS: finiteOrNull(c.trend.s),
      trendZ: finiteOrNull(c.trend.z),
      trendP: finiteOrNull(c.trend.p),
      trendTau: finiteOrNull(c.trend.tau),
      get counts() {
        return steps.map((_, t) => counts[t][i]);
      },
      get z() {
        return steps.map((_, t) => finiteOrNull(gi[t].z[i]));
      },
      get states() {
        return steps.map((_, t) => stateAt(t, i));
      },
    };
  });

  const stepRows: AnalysisTimeStep[] = steps.map((s, t) => {
    let incidentCount = 0;
    let hotCellCount = 0;
    let coldCellCount = 0;
    for (let i = 0; i < n; i++) {
      incidentCount += counts[t][i];
      const state = stateAt(t, i);
      if (state > 0) hotCellCount++;
      else if (state < 0) coldCellCount++;
    }
    return { index: t, start: s.start, end: s.end, incidentCount, hotCellCount, coldCellCount };
  });

  const categoryTally = new Map<string, number>();
  for (const c of cells) categoryTally.set(c.category, (categoryTally.get(c.category) ?? 0) + 1);

  const warnings: AnalysisWarning[] = toWarnings([...tooFewCells(n), ...classified.warnings, ...stepWarnings(gi.map((g) => g.warnings))], area.cells);
  if (tooCoarse > 0) {
    warnings.push({
      code: 'TIME_TOO_COARSE',
      message: `${tooCoarse} incidents in the window have a month-only date and were left out of the weekly steps; use monthly steps to include them`,
      cells: [],
    });
  }

  let incidentCount = 0;
  for (const s of stepRows) incidentCount += s.incidentCount;
  // the mean and spread of one cell's count at one step, over all cells and steps
  const { mean, standardDeviation } = meanAndSpread(matrix);
  const p = text(args.significance === 'fdr' ? 'analysis.emerging.pFdr' : 'analysis.emerging.pRaw');
  return withTexts<EmergingHotSpotAnalysis>({
    method: text('analysis.emerging.method', {
      steps: steps.length,
      units: text(`analysis.units.${unit}`),
      timeZone: ctx.config.timeZone,
      weights: text(`analysis.weights.${args.weights}`),
      k: args.k,
      p,
      alpha: args.alpha,
      trendAlpha: args.trendAlpha,
    }),
    studyArea: withTexts<StudyArea>({
      description: area.description,
      resolution: area.resolution,
      k: args.k,
      weights: args.weights,
      cellCount: n,
      incidentCount,
      mean,
      standardDeviation,
      from: windowStart,
      to: windowEnd,
      categories,
    }),
    steps: stepRows,
    cells,
    categoryCounts: [...categoryTally].sort((a, b) => b[1] - a[1]).map(([category, count]) => ({ category, count })),
    warnings,
    get featureCollection() {
      return cellFeatureCollection(cells.map((c) => ({ h3: c.h3, category: c.category, count: c.count, hotSteps: c.hotSteps, coldSteps: c.coldSteps, trendZ: c.trendZ, trendP: c.trendP })));
    },
  });
}

/** Per-step Gi* warnings, merged: one warning per code naming the steps it occurred at. */
function stepWarnings(perStep: StatWarning[][]): StatWarning[] {
  const byCode = new Map<string, { warning: StatWarning; steps: number[] }>();
  perStep.forEach((warnings, t) => {
    for (const w of warnings) {
      const entry = byCode.get(w.code);
      if (entry) entry.steps.push(t);
      else byCode.set(w.code, { warning: w, steps: [t] });
    }
  });
  return [...byCode.values()].map(({ warning, steps }) => (warning.code === 'NO_NEIGHBOURS' ? warning : { ...warning, message: `${warning.message} (at step${steps.length > 1 ? 's' : ''} ${steps.join(', ')})` }));
}

/** The incident counts of the study area's cells at each step. */
interface CountMatrix {
  /** step-major: the count of cell i at step t is matrix[t * cells + i] */
  matrix: Float64Array;
  /** one view of `matrix` per step */
  counts: Float64Array[];
  /** incidents of the window left out because their date is coarser than a step */
  tooCoarse: number;
}

async function countMatrix(ctx: RequestContext, area: ResolvedStudyArea, steps: readonly { start: Date; end: Date }[], unit: EmergingHotSpotArgs['timeStep'], categories: string[] | null): Promise<CountMatrix> {
  const n = area.cells.length;
  const stepIndex = new Map(steps.map((s, t) => [s.start.getTime(), t]));
  const { rows, tooCoarse } = await incidentCountsByCellAndStep(ctx.knex, {
    resolution: area.resolution,
    envelope: area.envelope,
    from: steps[0].start,
    to: steps[steps.length - 1].end,
    unit,
    timeZone: ctx.config.timeZone,
    categories,
  });
  const matrix = new Float64Array(n * steps.length);
  for (const row of rows) {
    const i = area.index.get(row.cell);
    const t = stepIndex.get(row.stepStart.getTime());
    if (i !== undefined && t !== undefined) matrix[t * n + i] += row.count;
  }
  return { matrix, counts: steps.map((_, t) => matrix.subarray(t * n, (t + 1) * n)), tooCoarse };
}
