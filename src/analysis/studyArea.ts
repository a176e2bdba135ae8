/**
 * The study area of an analysis: the H3 cells of an area (district, precinct, polygon, bbox or
 * the city) at a resolution, zero-count cells included, and the incident counts over them as the
 * caller may see them (src/analysis/release.ts). Shared by every analysis of cells.
 */
import { bbox as turfBbox } from '@turf/turf';
import { Cache, createCache } from '../cache';
import type { RequestContext } from '../context';
import { areaGeometry, districtsGeometry, incidentCountsInArea } from '../db/aggregates';
import { layerVersions } from '../db/layerCache';
import { areasByIds } from '../db/reads';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../domain';
import { badInput } from '../errors';
import { growEnvelope } from '../geo/geometry';
import { Text, text, withTexts } from '../i18n/texts';
import { cellEdgeLengthMeters, MAX_ANALYSIS_RESOLUTION, MIN_ANALYSIS_RESOLUTION } from '../geo/h3';
import { buildH3Weights, H3Weights, rowStandardised, SpatialWeights, StatWarning, withoutSelf } from '../geo/stats';
import { bboxToPolygon, estimatedCellCount, MAX_STUDY_CELLS, studyAreaCells } from '../geo/studyArea';
import type { AnalysisWarning, SpatialStatisticArgs, StudyArea, StudyAreaArgs } from '../schema/analysis';
import { toAreaSpec } from './inputs';
import { argsForRelease, auditSensitiveCount, releaseCounts, ReleasedCounts, ReleasePolicy } from './release';

export interface ResolvedStudyArea {
  /** in words, rendered in the caller's language where the answer is read (src/i18n/texts.ts) */
  description: Text;
  resolution: number;
  cells: string[];
  /** cell -> index into cells */
  index: Map<string, number>;
  envelope: BBox;
  areaKey: string;
}

/** Study areas are cached: a district at a resolution is the same set of cells every time. */
const studyAreaCache = createCache<string, ResolvedStudyArea>({ name: 'study areas', max: 64 });
const weightsCache = createCache<string, H3Weights>({ name: 'Gi* weights', max: 64 });
/** Local Moran's weights (without the cell, row-standardised), cached like the Gi* ones: a worker reads them from shared memory. */
const moranWeightsCache = createCache<string, SpatialWeights>({ name: "Local Moran's weights", max: 64 });

function remember<T extends {}>(cache: Cache<string, T>, key: string, value: T): T {
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
  const known = (): ResolvedStudyArea | undefined => {
    const cached = studyAreaCache.get(key);
    if (cached && cached.cells.length > maxCells) throw badInput('area', `holds ${cached.cells.length} cells at resolution ${resolution}; at most ${maxCells} are analysed for this role`);
    return cached;
  };
  const before = known();
  if (before) return before;

  let geometry: PolygonGeometry | MultiPolygonGeometry;
  let description: Text;
  if (spec.kind === 'bbox') {
    geometry = bboxToPolygon(spec.bbox);
    description = text('analysis.area.bbox', { bbox: spec.bbox.join(',') });
  } else if (spec.kind === 'polygon') {
    geometry = spec.geometry as PolygonGeometry | MultiPolygonGeometry;
    description = text('analysis.area.polygon');
  } else if (spec.kind === 'city') {
    const city = await districtsGeometry(ctx.knex);
    if (!city) throw badInput('area.city', 'no district is stored');
    geometry = city.geometry;
    description = text('analysis.area.city', { districts: city.districtCount });
  } else {
    const found = await areaGeometry(ctx.knex, spec.areaId);
    if (!found) throw badInput(`area.${spec.areaKind}Id`, `no ${spec.areaKind} has id "${spec.areaId}"`);
    geometry = found;
    const area = (await areasByIds(ctx.knex, [spec.areaId])).get(spec.areaId);
    description = text(`analysis.area.${spec.areaKind}`, { id: spec.areaId, name: area?.name ?? '?' });
  }
  const estimate = estimatedCellCount(geometry, resolution);
  if (estimate > maxCells) {
    throw badInput(
      'area',
      `holds about ${Math.round(estimate)} cells at resolution ${resolution}; at most ${maxCells} are analysed${maxCells < MAX_STUDY_CELLS ? ' for this role' : ''} (choose a coarser resolution or a smaller area)`,
    );
  }

  // requests that asked at once all waited for the geometry: the first to get here fills the cells for the rest
  const meanwhile = known();
  if (meanwhile) return meanwhile;
  const cells = studyAreaCells(geometry, resolution);
  if (cells.length === 0) throw badInput('area', `contains no cell centre at resolution ${resolution}`);
  // points in edge cells may lie outside the area: read a box grown by two cell edges
  const envelope = growEnvelope(turfBbox(geometry) as BBox, 2 * cellEdgeLengthMeters(resolution));
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

export async function countIncidents(ctx: RequestContext, asked: StudyAreaArgs): Promise<CountedStudyArea> {
  const { policy, args, window, categories } = argsForRelease(ctx, asked);
  const area = await resolveStudyArea(ctx, args, policy.maxCells);
  if (policy.sensitiveQuery) await auditSensitiveCount(ctx, 'hotspots or clusters', { area: args.area, resolution: args.resolution, window, categories }, area.cells.length);
  const { total } = await incidentCountsInArea(ctx.knex, { cells: area.cells, resolution: area.resolution, from: window?.from ?? null, to: window?.to ?? null, categories, detail: false });
  const release = releaseCounts(policy, total);
  return { area, counts: release.forStatistics, release, policy, from: window?.from ?? null, to: window?.to ?? null, categories };
}

/** The release of counts made without a policy: true counts, for callers limited to analysts. */
export function releaseOf(counted: CountedStudyArea): { release: ReleasedCounts; policy: ReleasePolicy } {
  if (counted.release && counted.policy) return { release: counted.release, policy: counted.policy };
  const policy: ReleasePolicy = { restricted: false, threshold: 0, resolution: counted.area.resolution, maxCells: MAX_STUDY_CELLS };
  return { release: releaseCounts(policy, counted.counts), policy };
}

export function checkStatisticArgs(args: SpatialStatisticArgs): void {
  if (!Number.isInteger(args.k) || args.k < 1 || args.k > 5) throw badInput('k', `must be an integer from 1 to 5, got ${args.k}`);
  if (!Number.isInteger(args.permutations) || args.permutations < 0 || args.permutations > 9999) {
    throw badInput('permutations', `must be an integer from 0 to 9999, got ${args.permutations}`);
  }
}

export function weightsFor(area: ResolvedStudyArea, k: number, kernel: 'binary' | 'gaussian' | 'bisquare'): H3Weights {
  const key = `${area.areaKey}|${area.resolution}|${k}|${kernel}`;
  return weightsCache.get(key) ?? remember(weightsCache, key, buildH3Weights(area.cells, { k, kernel, includeSelf: true }));
}

export function moranWeightsFor(area: ResolvedStudyArea, k: number, kernel: 'binary' | 'gaussian' | 'bisquare'): SpatialWeights {
  const key = `${area.areaKey}|${area.resolution}|${k}|${kernel}`;
  return moranWeightsCache.get(key) ?? remember(moranWeightsCache, key, rowStandardised(withoutSelf(weightsFor(area, k, kernel))));
}

export function describeStudyArea(counted: CountedStudyArea, mean: number, standardDeviation: number, k: number | null, weights: string | null): StudyArea {
  const total = releaseOf(counted).release.total;
  return withTexts<StudyArea>({
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
  });
}

export function toWarnings(warnings: StatWarning[], cells: string[]): AnalysisWarning[] {
  return warnings.map((w) => ({ code: w.code, message: w.message, cells: (w.cells ?? []).map((i) => cells[i]) }));
}

export function tooFewCells(n: number): StatWarning[] {
  return n < 30 ? [{ code: 'TOO_FEW_CELLS', message: `only ${n} cells in the study area; local statistics need at least 30 to be reliable` }] : [];
}
