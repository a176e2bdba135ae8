import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { IncidentCategoryEnum } from './enums';
import { AreaInput, TimeWindowInput } from './inputs';
import { PrivacyNote } from './privacy';
import { GeoJSONDocumentScalar, GeoJSONScalar } from './scalars';

export const WeightsEnum = { BINARY: 'binary', GAUSSIAN: 'gaussian', BISQUARE: 'bisquare' } as const;
registerEnumType(WeightsEnum, {
  name: 'SpatialWeightsKind',
  valuesConfig: {
    BINARY: { description: 'Weight 1 for every cell within grid distance k, 0 beyond.' },
    GAUSSIAN: { description: 'Gaussian kernel of grid distance d with bandwidth k+1: exp(-0.5 (d / (k+1))^2).' },
    BISQUARE: { description: 'Bisquare kernel of grid distance d with bandwidth k+1: (1 - (d / (k+1))^2)^2.' },
  },
  description: 'BINARY: 1 for every cell within grid distance k (the cell itself included for Gi*). GAUSSIAN / BISQUARE: kernels of grid distance d with bandwidth k+1.',
});

@ArgsType()
export class StudyAreaArgs {
  @Field(() => AreaInput, { description: 'The study area: every cell whose centre lies in it is analysed, zero-count cells included.' })
  area: AreaInput;

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution, 7 to 11. Below the analyst role the answer is always at the release resolution (8 by default), whatever is asked.' })
  resolution: number;

  @Field(() => TimeWindowInput, {
    nullable: true,
    description: 'Incidents that occurred in [from, to); all time when left out. Below the analyst role exactly one whole calendar month (UTC) that has ended; the last one when left out.',
  })
  window?: TimeWindowInput;

  @Field(() => [IncidentCategoryEnum], {
    nullable: true,
    description: 'Incident categories counted; all when left out. Not available below the analyst role (per-category counts are in hexagons.cells.incidentsByCategory).',
  })
  categories?: string[];
}

@ArgsType()
export class SpatialStatisticArgs extends StudyAreaArgs {
  @Field(() => Int, { defaultValue: 1, description: 'Neighbourhood: grid-disk radius, 1 to 5.' })
  k: number;

  @Field(() => WeightsEnum, { defaultValue: 'binary', description: 'Spatial weights over the neighbourhood: BINARY, GAUSSIAN or BISQUARE.' })
  weights: 'binary' | 'gaussian' | 'bisquare';

  @Field(() => Int, { defaultValue: 0, description: 'Conditional permutations for pseudo p-values (0 to 9999; 0 skips them).' })
  permutations: number;

  @Field(() => Int, { nullable: true, description: 'Seed of the permutations (default 12345): the same seed gives the same pseudo p.' })
  seed?: number;
}

@ObjectType({ simpleResolvers: true, description: 'A condition that affects how results should be read.' })
export class AnalysisWarning {
  @Field({ description: 'TOO_FEW_CELLS, ZERO_VARIANCE, NO_NEIGHBOURS, UNDEFINED_Z, SHORT_SERIES.' })
  code: string;

  @Field({ description: 'What the condition means for the results, in words.' })
  message: string;

  @Field(() => [String], { description: 'The H3 cells concerned, when the warning concerns particular cells.' })
  cells: string[];
}

@ObjectType({ simpleResolvers: true, description: 'Exactly what was analysed and how.' })
export class StudyArea {
  @Field({ description: 'The area, as asked (bbox, polygon, district or precinct with its name).' })
  description: string;

  @Field(() => Int, { description: 'H3 resolution of the cells.' })
  resolution: number;

  @Field(() => Int, { nullable: true, description: 'Grid-disk radius of the neighbourhood.' })
  k: number | null;

  @Field(() => String, { nullable: true, description: 'binary, gaussian or bisquare.' })
  weights: string | null;

  @Field(() => Int, { description: 'Number of cells in the study area, zero-count cells included.' })
  cellCount: number;

  @Field(() => Int, { description: 'Incidents counted over the study area; below the analyst role the sum of the released (unsuppressed) cell counts only.' })
  incidentCount: number;

  @Field(() => Float, { description: 'Mean count per cell (below analyst: of the released counts, suppressed ones taken as threshold / 2).' })
  mean: number;

  @Field(() => Float, { description: 'Population standard deviation of the counts per cell.' })
  standardDeviation: number;

  @Field(() => Date, { nullable: true, description: 'Start of the window (inclusive); null when open.' })
  from: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the window (exclusive); null when open.' })
  to: Date | null;

  @Field(() => [String], { nullable: true, description: 'Categories counted; null means all.' })
  categories: string[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'Gi* of one cell.' })
export class HotspotCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (Polygon).' })
  boundary: Geometry;

  @Field(() => Int, { nullable: true, description: 'Incidents in the cell; null when suppressed (below the analyst role, counts from 1 to the threshold - 1).' })
  count: number | null;

  @Field({ description: 'True when count is withheld by the privacy rules.' })
  suppressed: boolean;

  @Field(() => Float, { nullable: true, description: 'Gi* z-score; null where undefined (see warnings).' })
  z: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided p from the normal distribution.' })
  p: number | null;

  @Field(() => Float, { nullable: true, description: 'Benjamini-Hochberg adjusted p over the study area.' })
  pFdr: number | null;

  @Field(() => Float, { nullable: true, description: 'Conditional permutation pseudo p, when permutations were asked for.' })
  pseudoP: number | null;

  @Field(() => Int, { description: '-3..3: sign of z times the confidence reached (3: 99 %, 2: 95 %, 1: 90 %), as Esri Gi_Bin.' })
  bin: number;

  @Field(() => Int, { description: 'As bin, with False Discovery Rate correction at each confidence level (Esri).' })
  binFdr: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'The cells of a hotspot analysis as parallel arrays, entry i of every array belonging to h3[i] (the order of `cells`). The same numbers as `cells`, built only for the arrays selected: a city-wide map of tens of thousands of cells transfers and renders several times faster this way.',
})
export class HotspotColumns {
  @Field(() => [String], { description: 'H3 cells (hex).' })
  h3: string[];

  @Field(() => [Int], { nullable: 'items', description: 'Incidents per cell.' })
  count: (number | null)[];

  @Field(() => [Float], { nullable: 'items', description: 'Gi* z-scores; null where undefined.' })
  z: (number | null)[];

  @Field(() => [Float], { nullable: 'items', description: 'Two-sided p from the normal distribution.' })
  p: (number | null)[];

  @Field(() => [Float], { nullable: 'items', description: 'Benjamini-Hochberg adjusted p.' })
  pFdr: (number | null)[];

  @Field(() => [Int], { description: 'Bins -3..3 (Esri Gi_Bin).' })
  bin: number[];

  @Field(() => [Int], { description: 'Bins with False Discovery Rate correction.' })
  binFdr: number[];
}

@ObjectType({ simpleResolvers: true, description: 'Getis-Ord Gi* hot and cold spots over an explicit study area.' })
export class HotspotAnalysis {
  @Field({ description: 'Method and parameters in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'Exactly what was analysed: area, resolution, window, categories, cells, mean and spread.' })
  studyArea: StudyArea;

  @Field(() => [HotspotCell], { description: 'Every cell of the study area, zero-count cells included.' })
  cells: HotspotCell[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how the results should be read.' })
  warnings: AnalysisWarning[];

  @Field(() => Int, { description: 'Cells in a hot bin (binFdr > 0).' })
  hotCellCount: number;

  @Field(() => Int, { description: 'Cells in a cold bin (binFdr < 0).' })
  coldCellCount: number;

  @Field(() => GeoJSONDocumentScalar, { description: 'The cells as one GeoJSON FeatureCollection (properties: h3, count, suppressed, z, p, pFdr, bin, binFdr).' })
  featureCollection: unknown;

  @Field(() => HotspotColumns, { description: 'The cells as parallel arrays: the fast way to fetch a large study area.' })
  columns: HotspotColumns;

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}

@ObjectType({ simpleResolvers: true, description: "Local Moran's I of one cell." })
export class ClusterCell {
  @Field({ description: 'H3 cell (hex string).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (Polygon).' })
  boundary: Geometry;

  @Field(() => Int, { nullable: true, description: 'Incidents in the cell; null when suppressed (below the analyst role, counts from 1 to the threshold - 1).' })
  count: number | null;

  @Field({ description: 'True when count is withheld by the privacy rules.' })
  suppressed: boolean;

  @Field(() => Float, { nullable: true, description: 'Local Moran I_i.' })
  i: number | null;

  @Field(() => Float, { nullable: true, description: 'z of I_i under randomisation (spdep localmoran Z.Ii).' })
  z: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided p of z from the normal distribution.' })
  p: number | null;

  @Field(() => Float, { nullable: true, description: 'Benjamini-Hochberg adjusted p over the study area.' })
  pFdr: number | null;

  @Field(() => Float, { nullable: true, description: 'Conditional permutation pseudo p, when permutations were asked for; null otherwise.' })
  pseudoP: number | null;

  @Field({ description: 'HH, LL, HL or LH: the cell (first letter) and its neighbours (second) above or below the mean.' })
  quadrant: string;

  @Field({ description: 'The quadrant when significant at alpha (pseudo p when permutations were run, else p), otherwise NS.' })
  cluster: string;

  @Field({ description: 'The quadrant when the FDR-adjusted p is below alpha, otherwise NS.' })
  clusterFdr: string;
}

@ObjectType({ simpleResolvers: true, description: "Local Moran's I (LISA) clusters and outliers." })
export class ClusterAnalysis {
  @Field({ description: 'Method and parameters in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'Exactly what was analysed: area, resolution, window, categories, cells, mean and spread.' })
  studyArea: StudyArea;

  @Field(() => Float, { description: 'Significance level of cluster and clusterFdr.' })
  alpha: number;

  @Field(() => [ClusterCell], { description: 'Every cell of the study area, zero-count cells included.' })
  cells: ClusterCell[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how the results should be read.' })
  warnings: AnalysisWarning[];

  @Field(() => GeoJSONDocumentScalar, { description: 'The cells as one GeoJSON FeatureCollection (properties: h3, count, i, z, p, pFdr, pseudoP, quadrant, cluster, clusterFdr), as hotspots and hexagons give it.' })
  featureCollection: unknown;

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}
