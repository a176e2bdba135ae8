import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { AnalysisWarning } from './analysis';
import { IncidentCategoryEnum } from './enums';
import { AreaInput, TimeWindowInput } from './inputs';
import { GeoJSONScalar } from './scalars';

export const SignificanceEnum = { FDR: 'fdr', RAW: 'raw' } as const;
registerEnumType(SignificanceEnum, {
  name: 'NearRepeatSignificance',
  valuesConfig: { FDR: { description: 'Benjamini-Hochberg adjusted pseudo p.' }, RAW: { description: 'The pseudo p itself.' } },
  description: 'FDR: Benjamini-Hochberg adjusted pseudo p over the tested bands (default). RAW: the pseudo p itself.',
});

@ArgsType()
export class NearRepeatArgs {
  @Field(() => AreaInput, { description: 'The study area: incidents whose cell (at `resolution`) lies in it.' })
  area: AreaInput;

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution of the study area and of the risk cells, 7 to 11.' })
  resolution: number;

  @Field(() => TimeWindowInput, { nullable: true, description: 'Incidents in [from, to); the 365 days before the latest incident when left out.' })
  window?: TimeWindowInput;

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Categories; all non-sensitive ones when left out (sensitive categories are never analysed as points).' })
  categories?: string[];

  @Field(() => Float, { defaultValue: 100, description: 'Width of a distance band, metres (10 to 2,000).' })
  distanceBandMeters: number;

  @Field(() => Int, { defaultValue: 4, description: 'Distance bands after "same location" (1 to 20).' })
  distanceBands: number;

  @Field(() => Int, { defaultValue: 7, description: 'Width of a time band, days (1 to 90).' })
  timeBandDays: number;

  @Field(() => Int, { defaultValue: 4, description: 'Time bands (1 to 20).' })
  timeBands: number;

  @Field(() => Float, { defaultValue: 0, description: 'Pairs at most this far apart count as the same location, metres (0 to 50; 0: the same coordinates).' })
  sameLocationMeters: number;

  @Field(() => Int, { defaultValue: 999, description: 'Monte Carlo permutations of the dates, 99 to 9,999.' })
  permutations: number;

  @Field(() => Int, { nullable: true, description: 'Seed of the permutations (default 12345).' })
  seed?: number;

  @Field(() => Float, { defaultValue: 0.05, description: 'Significance level of a band.' })
  alpha: number;

  @Field(() => SignificanceEnum, { defaultValue: 'fdr', description: 'Which p decides significance.' })
  significance: 'fdr' | 'raw';
}

@ObjectType({ simpleResolvers: true, description: 'One (distance band, time band) cell of the Knox table.' })
export class NearRepeatBand {
  @Field({ description: 'True for the same-location row.' })
  sameLocation: boolean;

  @Field(() => Float, { description: 'Lower edge of the distance band, metres (exclusive; 0 for same location).' })
  distanceFromMeters: number;

  @Field(() => Float, { nullable: true, description: 'Upper edge, metres (inclusive); null for the last row (beyond).' })
  distanceToMeters: number | null;

  @Field(() => Int, { description: 'First whole day of the time band (|difference of dates|).' })
  timeFromDays: number;

  @Field(() => Int, { nullable: true, description: 'Last whole day of the time band; null for the last column (beyond).' })
  timeToDays: number | null;

  @Field(() => Int, { description: 'Observed pairs of incidents.' })
  observed: number;

  @Field(() => Float, { description: 'Expected pairs: the mean over the permutations of the dates.' })
  expected: number;

  @Field(() => Float, { nullable: true, description: 'Knox ratio observed / expected; null where expected is 0.' })
  knoxRatio: number | null;

  @Field(() => Float, { description: 'Pseudo p (upper tail): (permutations with as many pairs or more + 1) / (permutations + 1).' })
  p: number;

  @Field(() => Float, { nullable: true, description: 'Benjamini-Hochberg adjusted p over the tested bands; null for the beyond row and column (not tested).' })
  pFdr: number | null;

  @Field({ description: 'Knox ratio above 1 and p (as `significance` says) at most alpha; never for the beyond row or column.' })
  significant: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'An incident of the last days whose surroundings are under elevated near-repeat risk.' })
export class NearRepeatPlace {
  @Field({ description: 'H3 cell of the incident at the analysis resolution.' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'The incident position (Point): analyst data.' })
  geometry: Geometry;

  @Field(() => Date, { description: 'When the incident occurred.' })
  occurredAt: Date;

  @Field(() => Float, { description: 'Radius of elevated risk, metres: the farthest significant distance band.' })
  radiusMeters: number;

  @Field(() => Date, { description: 'End of the risk window: the incident date plus the farthest significant time band.' })
  until: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A cell whose centre lies within the risk radius of a recent incident.' })
export class NearRepeatCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (Polygon).' })
  boundary: Geometry;

  @Field(() => Int, { description: 'Recent incidents whose risk area covers the cell centre.' })
  sources: number;

  @Field(() => Date, { description: 'The latest end of their risk windows.' })
  until: Date;
}

@ObjectType({ simpleResolvers: true, description: 'Near-repeat analysis: the Knox test as the Near Repeat Calculator, and the places now at elevated risk.' })
export class NearRepeatAnalysis {
  @Field({ description: 'The method and its parameters in words.' })
  method: string;

  @Field({ description: 'The area as asked.' })
  area: string;

  @Field(() => Int, { description: 'H3 resolution of the study area and the risk cells.' })
  resolution: number;

  @Field(() => Date, { nullable: true, description: 'Start of the window analysed (inclusive); null when open.' })
  from: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the window analysed (exclusive).' })
  to: Date | null;

  @Field(() => [String], { description: 'Categories analysed (sensitive ones are never analysed as points).' })
  categories: string[];

  @Field(() => Int, { description: 'Incidents analysed.' })
  incidentCount: number;

  @Field(() => Float, { description: 'All pairs of incidents, n(n-1)/2.' })
  pairCount: number;

  @Field(() => Int, { description: 'Monte Carlo permutations of the dates.' })
  permutations: number;

  @Field(() => Int, { description: 'Seed of the permutations.' })
  seed: number;

  @Field(() => [NearRepeatBand], { description: 'The Knox table, row by row (same location, the distance bands, beyond), each row by time band.' })
  bands: NearRepeatBand[];

  @Field(() => Float, { nullable: true, description: 'The farthest significant distance band, metres; null when no band is significant.' })
  riskRadiusMeters: number | null;

  @Field(() => Int, { nullable: true, description: 'The farthest significant time band, days; null when no band is significant.' })
  riskDays: number | null;

  @Field(() => Date, { description: 'The "now" of the risk places: the window end, or the latest incident when the window is open.' })
  asOf: Date;

  @Field(() => [NearRepeatPlace], { description: 'Incidents of the last riskDays before asOf: near-repeat risk around them until their window ends.' })
  riskPlaces: NearRepeatPlace[];

  @Field(() => [NearRepeatCell], { description: 'Cells within riskRadiusMeters of a risk place (what the near_repeat tile layer draws).' })
  cells: NearRepeatCell[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how the results should be read (TIME_TOO_COARSE, FEW_INCIDENTS).' })
  warnings: AnalysisWarning[];
}
