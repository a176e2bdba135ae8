/** Local Moran's I clusters and outliers over a study area: the answer of `clusters`, its tiles and exports. */
import { runComputeTask } from '../compute/pool';
import type { RequestContext } from '../context';
import { cellFeatureCollection, cellPolygon } from '../geo/h3';
import { text, withTexts } from '../i18n/texts';
import type { ClusterAnalysis, SpatialStatisticArgs } from '../schema/analysis';
import { checkComputeBudget, privacyNote } from './release';
import { checkStatisticArgs, countIncidents, describeStudyArea, moranWeightsFor, releaseOf, toWarnings, tooFewCells } from './studyArea';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The clusters answer; shared by the GraphQL query, tiles and exports. */
export async function computeClusters(ctx: RequestContext, args: SpatialStatisticArgs): Promise<ClusterAnalysis> {
  checkStatisticArgs(args);
  const counted = await countIncidents(ctx, args);
  const units = await checkComputeBudget(ctx, 'clusters', counted.area.cells.length, args.k, args.permutations);
  const { release, policy } = releaseOf(counted);
  const { cells } = counted.area;
  const weights = moranWeightsFor(counted.area, args.k, args.weights);
  const alpha = 0.05;
  const lisa = await runComputeTask('moran', { values: counted.counts, weights, options: { permutations: args.permutations, seed: args.seed ?? undefined, alpha } }, units);
  let sum = 0;
  for (const c of counted.counts) sum += c;
  const mean = sum / cells.length;
  let m2 = 0;
  for (const c of counted.counts) m2 += (c - mean) ** 2;
  const permutations = args.permutations > 0 ? text('analysis.permutations', { permutations: args.permutations, seed: String(args.seed ?? 12345) }) : '';
  const clusterCells = cells.map((h3, i) => ({
    h3,
    get boundary() {
      return cellPolygon(h3);
    },
    count: release.released[i],
    suppressed: release.released[i] === null,
    i: finite(lisa.ii[i]),
    z: finite(lisa.z[i]),
    p: finite(lisa.p[i]),
    pFdr: finite(lisa.pFdr[i]),
    pseudoP: lisa.pseudoP ? finite(lisa.pseudoP[i]) : null,
    quadrant: lisa.quadrant[i],
    cluster: lisa.cluster[i],
    clusterFdr: lisa.clusterFdr[i],
  }));
  return withTexts<ClusterAnalysis>({
    method: text('analysis.clusters.method', { weights: text(`analysis.weights.${args.weights}`), k: args.k, permutations }),
    studyArea: describeStudyArea(counted, mean, Math.sqrt(m2 / cells.length), args.k, args.weights),
    alpha,
    cells: clusterCells,
    warnings: toWarnings([...tooFewCells(cells.length), ...lisa.warnings], cells),
    // outlines and the FeatureCollection are built only when a client selects them
    get featureCollection() {
      return cellFeatureCollection(clusterCells);
    },
    privacy: privacyNote(policy, counted.area.resolution, release.suppressedCells),
  });
}
