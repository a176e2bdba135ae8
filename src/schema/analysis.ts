import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { IncidentCategoryEnum } from './enums';
import { AreaInput, TimeWindowInput } from './inputs';
import { PrivacyNote } from './privacy';
import { GeoJSONDocumentScalar, GeoJSONScalar } from './scalars';

export const WeightsEnum = { BINARY: 'binary', GAUSSIAN: 'gaussian', BISQUARE: 'bisquare' } as const;
registerEnumType(WeightsEnum, {
  name: 'SpatialWeightsKind',
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

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Incident categories counted; all when left out. Not available below the analyst role (per-category counts are in hexagons.cells.incidentsByCategory).' })
  categories?: string[];
}

@ArgsType()
export class SpatialStatisticArgs extends StudyAreaArgs {
  @Field(() => Int, { defaultValue: 1, description: 'Neighbourhood: grid-disk radius, 1 to 5.' })
  k: number;

  @Field(() => WeightsEnum, { defaultValue: 'binary' })
  weights: 'binary' | 'gaussian' | 'bisquare';

  @Field(() => Int, { defaultValue: 0, description: 'Conditional permutations for pseudo p-values (0 to 9999; 0 skips them).' })
  permutations: number;

  @Field(() => Int, { nullable: true, description: 'Seed of the permutations (default 12345): the same seed gives the same pseudo p.' })
  seed?: number;
}

@ObjectType({ description: 'A condition that affects how results should be read.' })
export class AnalysisWarning {
  @Field({ description: 'TOO_FEW_CELLS, ZERO_VARIANCE, NO_NEIGHBOURS, UNDEFINED_Z, SHORT_SERIES.' })
  code: string;

  @Field()
  message: string;

  @Field(() => [String], { description: 'The H3 cells concerned, when the warning concerns particular cells.' })
  cells: string[];
}

@ObjectType({ description: 'Exactly what was analysed and how.' })
export class StudyArea {
  @Field({ description: 'The area, as asked (bbox, polygon, district or precinct with its name).' })
  description: string;

  @Field(() => Int)
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

  @Field(() => Date, { nullable: true })
  from: Date | null;

  @Field(() => Date, { nullable: true })
  to: Date | null;

  @Field(() => [String], { nullable: true, description: 'Categories counted; null means all.' })
  categories: string[] | null;
}

@ObjectType({ description: 'Gi* of one cell.' })
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

@ObjectType({ description: 'Getis-Ord Gi* hot and cold spots over an explicit study area.' })
export class HotspotAnalysis {
  @Field({ description: 'Method and parameters in words.' })
  method: string;

  @Field(() => StudyArea)
  studyArea: StudyArea;

  @Field(() => [HotspotCell])
  cells: HotspotCell[];

  @Field(() => [AnalysisWarning])
  warnings: AnalysisWarning[];

  @Field(() => Int, { description: 'Cells in a hot bin (binFdr > 0).' })
  hotCellCount: number;

  @Field(() => Int, { description: 'Cells in a cold bin (binFdr < 0).' })
  coldCellCount: number;

  @Field(() => GeoJSONDocumentScalar, { description: 'The cells as one GeoJSON FeatureCollection (properties: h3, count, suppressed, z, p, pFdr, bin, binFdr).' })
  featureCollection: unknown;

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}

@ObjectType({ description: "Local Moran's I of one cell." })
export class ClusterCell {
  @Field()
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

  @Field(() => Float, { nullable: true })
  p: number | null;

  @Field(() => Float, { nullable: true })
  pFdr: number | null;

  @Field(() => Float, { nullable: true })
  pseudoP: number | null;

  @Field({ description: 'HH, LL, HL or LH: the cell (first letter) and its neighbours (second) above or below the mean.' })
  quadrant: string;

  @Field({ description: 'The quadrant when significant at alpha (pseudo p when permutations were run, else p), otherwise NS.' })
  cluster: string;

  @Field({ description: 'The quadrant when the FDR-adjusted p is below alpha, otherwise NS.' })
  clusterFdr: string;
}

@ObjectType({ description: "Local Moran's I (LISA) clusters and outliers." })
export class ClusterAnalysis {
  @Field()
  method: string;

  @Field(() => StudyArea)
  studyArea: StudyArea;

  @Field(() => Float)
  alpha: number;

  @Field(() => [ClusterCell])
  cells: ClusterCell[];

  @Field(() => [AnalysisWarning])
  warnings: AnalysisWarning[];

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}

