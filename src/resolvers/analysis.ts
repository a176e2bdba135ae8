/** Hotspot analyses over an explicit study area of H3 cells. */
import { getHexagonEdgeLengthAvg } from 'h3-js';
import { bbox as turfBbox } from '@turf/turf';
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import { areaGeometry, districtsGeometry, incidentCountsInArea } from '../db/aggregates';
import { layerVersions } from '../db/layerCache';
import { areasByIds } from '../db/reads';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../domain';
import { cellFeatureCollection, cellPolygon, lazyObject, MAX_ANALYSIS_RESOLUTION, MIN_ANALYSIS_RESOLUTION } from '../geo/h3';
import { buildH3Weights, getisOrdGiStar, GiStarResult, H3Weights, rowStandardised, SpatialWeights, StatWarning, withoutSelf } from '../geo/stats';
import { runComputeTask } from '../compute/pool';
import { bboxToPolygon, estimatedCellCount, MAX_STUDY_CELLS, studyAreaCells } from '../geo/studyArea';
import { AnalysisWarning, ClusterAnalysis, HotspotAnalysis, HotspotCell, SpatialStatisticArgs, StudyArea, StudyAreaArgs } from '../schema/analysis';
import type { RequestContext } from '../context';
import { badInput } from '../errors';
import { toAreaSpec } from '../analysis/inputs';
import { argsForRelease, auditSensitiveCount, checkComputeBudget, privacyNote, releaseCounts, ReleasedCounts, ReleasePolicy } from '../analysis/release';

export interface ResolvedStudyArea {
  description: string;
  resolution: number;
  cells: string[];
  /** cell -> index into cells */
  index: Map<string, number>;
  envelope: BBox;
  areaKey: string;
}

/** Study areas are cached: a district at a resolution is the same set of cells every time. */
const studyAreaCache = new Map<string, ResolvedStudyArea>();
const weightsCache = new Map<string, H3Weights>();
const CACHE_LIMIT = 64;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

export async function resolveStudyArea(ctx: RequestContext, args: StudyAreaArgs, maxCells = MAX_STUDY_CELLS): Promise<ResolvedStudyArea> {
  const { resolution } = args;
  if (!Number.isInteger(resolution) || resolution < MIN_ANALYSIS_RESOLUTION || resolution > MAX_ANALYSIS_RESOLUTION) {
    throw badInput('resolution', `must be an integer from ${MIN_ANALYSIS_RESOLUTION} to ${MAX_ANALYSIS_RESOLUTION}, got ${resolution}`);
  }
  if (!args.area) throw badInput('area', 'is required');
  const spec = await toAreaSpec(ctx.knex, args.area, 'area');
  if (!spec) throw badInput('area', 'is required');
  // the cells of a district or of the city follow the stored areas: a new import of them starts afresh
  const areasVersion = spec.kind === 'area' || spec.kind === 'city' ? ((await layerVersions(ctx.knex)).get('areas') ?? 0) : 0;
  const areaKey = `${JSON.stringify(spec)}@${areasVersion}`;
  const key = `${areaKey}|${resolution}`;
  const cached = studyAreaCache.get(key);
  if (cached) {
    if (cached.cells.length > maxCells) throw badInput('area', `holds ${cached.cells.length} cells at resolution ${resolution}; at most ${maxCells} are analysed for this role`);
    return cached;
  }

  let geometry: PolygonGeometry | MultiPolygonGeometry;
  let description: string;
  if (spec.kind === 'bbox') {
    geometry = bboxToPolygon(spec.bbox);
    description = `bbox ${spec.bbox.join(',')}`;
  } else if (spec.kind === 'polygon') {
    geometry = spec.geometry as PolygonGeometry | MultiPolygonGeometry;
    description = 'polygon given in the request';
  } else if (spec.kind === 'city') {
    const city = await districtsGeometry(ctx.knex);
    if (!city) throw badInput('area.city', 'no district is stored');
    geometry = city.geometry;
    description = `city: the union of its ${city.districtCount} districts`;
  } else {
    const found = await areaGeometry(ctx.knex, spec.areaId);
    if (!found) throw badInput(`area.${spec.areaKind}Id`, `no ${spec.areaKind} has id "${spec.areaId}"`);
    geometry = found;
    const area = (await areasByIds(ctx.knex, [spec.areaId])).get(spec.areaId);
    description = `${spec.areaKind} ${spec.areaId} (${area?.name ?? '?'})`;
  }
  const estimate = estimatedCellCount(geometry, resolution);
  if (estimate > maxCells) {
    throw badInput('area', `holds about ${Math.round(estimate)} cells at resolution ${resolution}; at most ${maxCells} are analysed${maxCells < MAX_STUDY_CELLS ? ' for this role' : ''} (choose a coarser resolution or a smaller area)`);
  }

  const cells = studyAreaCells(geometry, resolution);
  if (cells.length === 0) throw badInput('area', `contains no cell centre at resolution ${resolution}`);
  // points in edge cells may lie outside the area: read a box grown by two cell edges
  const [minLng, minLat, maxLng, maxLat] = turfBbox(geometry);
  const margin = (2 * getHexagonEdgeLengthAvg(resolution, 'm')) / 111_000 / Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const envelope: BBox = [minLng - margin, minLat - margin, maxLng + margin, maxLat + margin];
  return remember(studyAreaCache, key, { description, resolution, cells, index: new Map(cells.map((c, i) => [c, i])), envelope, areaKey });
}

/** Incident counts over the cells of a study area, with the window and categories they were counted for. */
export interface CountedStudyArea {
  area: ResolvedStudyArea;
  /** what the statistics use: true counts for analysts, released counts below (src/analysis/release.ts) */
  counts: Float64Array;
  /** the counts as released to the caller; absent means true counts (callers limited to analysts) */
  release?: ReleasedCounts;
  policy?: ReleasePolicy;
  from: Date | null;
  to: Date | null;
  categories: string[] | null;
}

async function countIncidents(ctx: RequestContext, asked: StudyAreaArgs): Promise<CountedStudyArea> {
  const { policy, args, window, categories } = argsForRelease(ctx, asked);
  const area = await resolveStudyArea(ctx, args, policy.maxCells);
  if (policy.sensitiveQuery) await auditSensitiveCount(ctx, 'hotspots or clusters', { area: args.area, resolution: args.resolution, window, categories }, area.cells.length);
  const { total } = await incidentCountsInArea(ctx.knex, { cells: area.cells, resolution: area.resolution, from: window?.from ?? null, to: window?.to ?? null, categories, detail: false });
  const release = releaseCounts(policy, total);
  return { area, counts: release.forStatistics, release, policy, from: window?.from ?? null, to: window?.to ?? null, categories };
}

/** The release of counts made without a policy: true counts, for callers limited to analysts. */
function releaseOf(counted: CountedStudyArea): { release: ReleasedCounts; policy: ReleasePolicy } {
  if (counted.release && counted.policy) return { release: counted.release, policy: counted.policy };
  const policy: ReleasePolicy = { restricted: false, threshold: 0, resolution: counted.area.resolution, maxCells: MAX_STUDY_CELLS };
  return { release: releaseCounts(policy, counted.counts), policy };
}

function checkStatisticArgs(args: SpatialStatisticArgs): void {
  if (!Number.isInteger(args.k) || args.k < 1 || args.k > 5) throw badInput('k', `must be an integer from 1 to 5, got ${args.k}`);
  if (!Number.isInteger(args.permutations) || args.permutations < 0 || args.permutations > 9999) {
    throw badInput('permutations', `must be an integer from 0 to 9999, got ${args.permutations}`);
  }
}

export function weightsFor(area: ResolvedStudyArea, k: number, kernel: 'binary' | 'gaussian' | 'bisquare'): H3Weights {
  const key = `${area.areaKey}|${area.resolution}|${k}|${kernel}`;
  return weightsCache.get(key) ?? remember(weightsCache, key, buildH3Weights(area.cells, { k, kernel, includeSelf: true }));
}

/** Local Moran's weights (without the cell, row-standardised), cached like the Gi* ones: a worker reads them from shared memory. */
const moranWeightsCache = new Map<string, SpatialWeights>();
function moranWeightsFor(area: ResolvedStudyArea, k: number, kernel: 'binary' | 'gaussian' | 'bisquare'): SpatialWeights {
  const key = `${area.areaKey}|${area.resolution}|${k}|${kernel}`;
  return moranWeightsCache.get(key) ?? remember(moranWeightsCache, key, rowStandardised(withoutSelf(weightsFor(area, k, kernel))));
}

function describe(counted: CountedStudyArea, mean: number, standardDeviation: number, k: number | null, weights: string | null): StudyArea {
  const total = releaseOf(counted).release.total;
  return {
    description: counted.area.description,
    resolution: counted.area.resolution,
    k,
    weights,
    cellCount: counted.area.cells.length,
    incidentCount: total,
    mean,
    standardDeviation,
    from: counted.from,
    to: counted.to,
    categories: counted.categories,
  };
}

export function toWarnings(warnings: StatWarning[], cells: string[]): AnalysisWarning[] {
  return warnings.map((w) => ({ code: w.code, message: w.message, cells: (w.cells ?? []).map((i) => cells[i]) }));
}

export function tooFewCells(n: number): StatWarning[] {
  return n < 30 ? [{ code: 'TOO_FEW_CELLS', message: `only ${n} cells in the study area; local statistics need at least 30 to be reliable` }] : [];
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

@Resolver()
export class AnalysisQueries {
  @Authorized(...rolesFor('Query.hotspots'))
  @Query(() => HotspotAnalysis, {
    description: 'Getis-Ord Gi* hot and cold spots of incident counts per H3 cell over an explicit study area (as Esri Hot Spot Analysis and R spdep localG with include.self).',
  })
  async hotspots(@Ctx() ctx: RequestContext, @Args() args: SpatialStatisticArgs): Promise<HotspotAnalysis> {
    return computeHotspots(ctx, args);
  }

  @Authorized(...rolesFor('Query.clusters'))
  @Query(() => ClusterAnalysis, {
    description: "Local Moran's I (Anselin 1995) clusters (HH, LL) and outliers (HL, LH) of incident counts per H3 cell, row-standardised weights without the cell itself (as R spdep localmoran).",
  })
  async clusters(@Ctx() ctx: RequestContext, @Args() args: SpatialStatisticArgs): Promise<ClusterAnalysis> {
    return computeClusters(ctx, args);
  }
}

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
  const permutationText = args.permutations > 0 ? `, ${args.permutations} conditional permutations (seed ${gi.seed})` : '';
  return {
    method: `Getis-Ord Gi* (Ord and Getis 1995), ${args.weights} weights over gridDisk(k=${args.k}) including the cell itself, two-sided normal p, Benjamini-Hochberg FDR at each confidence level${permutationText}`,
    studyArea: describe(counted, gi.mean, gi.standardDeviation, args.k, args.weights),
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
  };
}

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
  const permutationText = args.permutations > 0 ? `, ${args.permutations} conditional permutations (seed ${args.seed ?? 12345})` : '';
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
  return {
    method: `Local Moran's I (Anselin 1995), ${args.weights} weights over gridDisk(k=${args.k}) without the cell itself, row-standardised; z under randomisation, two-sided p, Benjamini-Hochberg FDR${permutationText}`,
    studyArea: describe(counted, mean, Math.sqrt(m2 / cells.length), args.k, args.weights),
    alpha,
    cells: clusterCells,
    warnings: toWarnings([...tooFewCells(cells.length), ...lisa.warnings], cells),
    // outlines and the FeatureCollection are built only when a client selects them
    get featureCollection() {
      return cellFeatureCollection(clusterCells);
    },
    privacy: privacyNote(policy, counted.area.resolution, release.suppressedCells),
  };
}
