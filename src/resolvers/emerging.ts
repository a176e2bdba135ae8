/** Emerging hot spots: Gi* at every time step of a study area and a Mann-Kendall trend per cell. */
import { Authorized, Args, Ctx, Query, Resolver } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import { incidentCountsByCellAndStep, incidentTimeSpan, wholeTimeSteps } from '../db/timeSeries';
import { cellFeatureCollection, cellPolygon } from '../geo/h3';
import { emergingHotSpots, getisOrdGiStar, StatWarning } from '../geo/stats';
import { AnalysisWarning } from '../schema/analysis';
import { AnalysisTimeStep, EmergingHotSpotAnalysis, EmergingHotSpotArgs, EmergingHotSpotCell } from '../schema/emerging';
import { resolveStudyArea, toWarnings, tooFewCells, weightsFor } from '../analysis/studyArea';
import type { RequestContext } from '../context';
import { chargeCompute, neighboursOf, UNITS } from '../compute/budget';
import { auditSensitiveCount, sensitiveScope } from '../analysis/release';
import { badInput } from '../errors';
import { nonEmpty, toTimeWindow } from '../analysis/inputs';

/** Ten years of weeks: longer series are better read at monthly steps. */
const MAX_STEPS = 520;
/** Cells times steps held in memory for one answer. */
const MAX_CELL_STEPS = 20_000_000;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

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
  const stepIndex = new Map(steps.map((s, t) => [s.start.getTime(), t]));

  const { rows, tooCoarse } = await incidentCountsByCellAndStep(ctx.knex, {
    resolution: area.resolution,
    envelope: area.envelope,
    from: windowStart,
    to: windowEnd,
    unit,
    timeZone: ctx.config.timeZone,
    categories,
  });
  const counts = steps.map(() => new Float64Array(n));
  for (const row of rows) {
    const i = area.index.get(row.cell);
    const t = stepIndex.get(row.stepStart.getTime());
    if (i !== undefined && t !== undefined) counts[t][i] += row.count;
  }

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
      trendS: finite(c.trend.s),
      trendZ: finite(c.trend.z),
      trendP: finite(c.trend.p),
      trendTau: finite(c.trend.tau),
      get counts() {
        return steps.map((_, t) => counts[t][i]);
      },
      get z() {
        return steps.map((_, t) => finite(gi[t].z[i]));
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
  const mean = incidentCount / (n * steps.length);
  const pText = args.significance === 'fdr' ? 'Benjamini-Hochberg adjusted p over the study area at each step' : 'raw two-sided normal p';
  return {
    method:
      `Emerging hot spot analysis (after Esri): Getis-Ord Gi* (Ord and Getis 1995) at each of ${steps.length} whole ${unit}s in ${ctx.config.timeZone}, ` +
      `${args.weights} weights over gridDisk(k=${args.k}) including the cell itself; a step is hot (cold) when the ${pText} is at most ${args.alpha} and z > 0 (z < 0); ` +
      `Mann-Kendall trend of each cell's z series, significant at ${args.trendAlpha}; categories by the rules in docs/methods.md`,
    studyArea: {
      description: area.description,
      resolution: area.resolution,
      k: args.k,
      weights: args.weights,
      cellCount: n,
      incidentCount,
      mean,
      standardDeviation: pooledStandardDeviation(counts, mean),
      from: windowStart,
      to: windowEnd,
      categories,
    },
    steps: stepRows,
    cells,
    categoryCounts: [...categoryTally].sort((a, b) => b[1] - a[1]).map(([category, count]) => ({ category, count })),
    warnings,
    get featureCollection() {
      return cellFeatureCollection(
        cells.map((c) => ({ h3: c.h3, category: c.category, count: c.count, hotSteps: c.hotSteps, coldSteps: c.coldSteps, trendZ: c.trendZ, trendP: c.trendP })),
      );
    },
  };
}

/** Standard deviation of the count of one cell at one step, over all cells and steps. */
function pooledStandardDeviation(counts: Float64Array[], mean: number): number {
  let m2 = 0;
  let cellsTimesSteps = 0;
  for (const step of counts) {
    for (const c of step) m2 += (c - mean) ** 2;
    cellsTimesSteps += step.length;
  }
  return cellsTimesSteps > 0 ? Math.sqrt(m2 / cellsTimesSteps) : 0;
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
  return [...byCode.values()].map(({ warning, steps }) =>
    warning.code === 'NO_NEIGHBOURS' ? warning : { ...warning, message: `${warning.message} (at step${steps.length > 1 ? 's' : ''} ${steps.join(', ')})` },
  );
}

@Resolver()
export class EmergingHotSpotQueries {
  @Authorized(...rolesFor('Query.emergingHotSpots'))
  @Query(() => EmergingHotSpotAnalysis, {
    description:
      "Emerging hot spot analysis: Gi* of each cell at every week or month of the window, a Mann-Kendall trend of its z-scores, and Esri's category (new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical hot or cold spot, or no pattern). Without a window, all stored incidents' whole steps are analysed.",
  })
  async emergingHotSpots(@Ctx() ctx: RequestContext, @Args() args: EmergingHotSpotArgs): Promise<EmergingHotSpotAnalysis> {
    return computeEmergingHotSpots(ctx, args);
  }
}
