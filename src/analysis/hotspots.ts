/** Getis-Ord Gi* hot and cold spots over a study area: the answer of `hotspots`, its tiles and exports, and coverage. */
import { runComputeTask } from '../compute/pool';
import type { RequestContext } from '../context';
import { cellFeatureCollection, cellPolygon, lazyObject } from '../geo/h3';
import { getisOrdGiStar, GiStarResult } from '../geo/stats';
import { text, withTexts } from '../i18n/texts';
import type { HotspotAnalysis, HotspotCell, SpatialStatisticArgs } from '../schema/analysis';
import { checkComputeBudget, privacyNote } from './release';
import { checkStatisticArgs, countIncidents, CountedStudyArea, describeStudyArea, releaseOf, toWarnings, tooFewCells, weightsFor } from './studyArea';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The hotspots answer; shared by the GraphQL query, tiles, exports and coverage. */
export async function computeHotspots(ctx: RequestContext, args: SpatialStatisticArgs): Promise<HotspotAnalysis> {
  checkStatisticArgs(args);
  const counted = await countIncidents(ctx, args);
  const units = await checkComputeBudget(ctx, 'hotspots', counted.area.cells.length, args.k, args.permutations);
  // the permutation loops run in a worker thread (src/compute/pool.ts), the event loop stays free
  const weights = weightsFor(counted.area, args.k, args.weights);
  const gi = await runComputeTask('giStar', { values: counted.counts, weights, options: { permutations: args.permutations, seed: args.seed ?? undefined } }, units);
  return hotspotsOfCounts(counted, args, gi);
}

/** Gi* of counts already made (e.g. by coverage, which counts incidents in the same scan as their reach). */
export function hotspotsOfCounts(counted: CountedStudyArea, args: SpatialStatisticArgs, computed?: GiStarResult): HotspotAnalysis {
  checkStatisticArgs(args);
  const { cells } = counted.area;
  const gi = computed ?? getisOrdGiStar(counted.counts, weightsFor(counted.area, args.k, args.weights), { permutations: args.permutations, seed: args.seed ?? undefined });
  const { release, policy } = releaseOf(counted);
  let result: HotspotCell[] | null = null;
  // the cell objects are built on first use: a map that selects `columns` never needs them
  const cellObjects = (): HotspotCell[] =>
    (result ??= cells.map((h3, i) => ({
      h3,
      get boundary() {
        return cellPolygon(h3);
      },
      count: release.released[i],
      suppressed: release.released[i] === null,
      z: finite(gi.z[i]),
      p: finite(gi.p[i]),
      pFdr: finite(gi.pFdr[i]),
      pseudoP: gi.pseudoP ? finite(gi.pseudoP[i]) : null,
      bin: gi.bin[i],
      binFdr: gi.binFdr[i],
    })));
  let hot = 0;
  let cold = 0;
  for (const b of gi.binFdr) {
    if (b > 0) hot++;
    else if (b < 0) cold++;
  }
  const finiteColumn = (values: ArrayLike<number>) => Array.from(values, finite);
  const permutations = args.permutations > 0 ? text('analysis.permutations', { permutations: args.permutations, seed: String(gi.seed) }) : '';
  return withTexts<HotspotAnalysis>({
    method: text('analysis.hotspots.method', { weights: text(`analysis.weights.${args.weights}`), k: args.k, permutations }),
    studyArea: describeStudyArea(counted, gi.mean, gi.standardDeviation, args.k, args.weights),
    get cells() {
      return cellObjects();
    },
    warnings: toWarnings([...tooFewCells(cells.length), ...gi.warnings], cells),
    hotCellCount: hot,
    coldCellCount: cold,
    // outlines and the FeatureCollection are built only when a client selects them
    get featureCollection() {
      return cellFeatureCollection(cellObjects());
    },
    columns: lazyObject({
      h3: () => cells,
      count: () => release.released,
      z: () => finiteColumn(gi.z),
      p: () => finiteColumn(gi.p),
      pFdr: () => finiteColumn(gi.pFdr),
      bin: () => Array.from(gi.bin),
      binFdr: () => Array.from(gi.binFdr),
    }),
    privacy: privacyNote(policy, counted.area.resolution, release.suppressedCells),
  });
}
