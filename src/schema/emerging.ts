import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { EMERGING_HOT_SPOT_CATEGORIES } from '../geo/stats/emergingHotSpots';
import { AnalysisWarning, StudyArea, StudyAreaArgs, WeightsEnum } from './analysis';
import { described, enumOf } from './enums';
import { GeoJSONDocumentScalar, GeoJSONScalar } from './scalars';

export const EmergingHotSpotCategoryEnum = enumOf(EMERGING_HOT_SPOT_CATEGORIES);
registerEnumType(EmergingHotSpotCategoryEnum, {
  name: 'EmergingHotSpotCategory',
  description: "Esri's emerging hot spot categories (new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical, their cold twins, no pattern); the exact rules are in docs/methods.md.",
  valuesConfig: described({
    new_hot_spot: 'Hot at the final step only.',
    consecutive_hot_spot: 'An uninterrupted run of at least two hot steps at the end, never hot before it, hot at under 90 % of steps.',
    intensifying_hot_spot: 'Hot at 90 % of steps or more including the final one, with z-scores rising significantly.',
    persistent_hot_spot: 'Hot at 90 % of steps or more including the final one, with no significant trend.',
    diminishing_hot_spot: 'Hot at 90 % of steps or more including the final one, with z-scores falling significantly.',
    sporadic_hot_spot: 'Hot at the final step and on and off before, never cold.',
    oscillating_hot_spot: 'Hot at the final step, cold at some earlier step.',
    historical_hot_spot: 'Not hot at the final step but hot at 90 % of steps or more.',
    new_cold_spot: 'Cold at the final step only.',
    consecutive_cold_spot: 'An uninterrupted run of at least two cold steps at the end, never cold before it, cold at under 90 % of steps.',
    intensifying_cold_spot: 'Cold at 90 % of steps or more including the final one, with z-scores falling significantly.',
    persistent_cold_spot: 'Cold at 90 % of steps or more including the final one, with no significant trend.',
    diminishing_cold_spot: 'Cold at 90 % of steps or more including the final one, with z-scores rising significantly.',
    sporadic_cold_spot: 'Cold at the final step and on and off before, never hot.',
    oscillating_cold_spot: 'Cold at the final step, hot at some earlier step.',
    historical_cold_spot: 'Not cold at the final step but cold at 90 % of steps or more.',
    no_pattern: 'None of the above.',
  }),
});

export const TimeStepUnitEnum = { WEEK: 'week', MONTH: 'month' } as const;
registerEnumType(TimeStepUnitEnum, {
  name: 'TimeStepUnit',
  description: 'Calendar step in the city time zone: ISO week (from Monday) or month.',
  valuesConfig: described({ week: 'ISO week, Monday 00:00 to the next Monday.', month: 'Calendar month, the 1st 00:00 to the next 1st.' }),
});

export const StepSignificanceEnum = { FDR: 'fdr', RAW: 'raw' } as const;
registerEnumType(StepSignificanceEnum, {
  name: 'StepSignificance',
  description: 'Which p decides whether a cell is hot or cold at a step: FDR (Benjamini-Hochberg over the study area at that step, the default) or RAW (the normal p).',
  valuesConfig: described({ fdr: 'Benjamini-Hochberg adjusted p over the study area at each step.', raw: 'The two-sided normal p of Gi*.' }),
});

@ArgsType()
export class EmergingHotSpotArgs extends StudyAreaArgs {
  @Field(() => Int, { defaultValue: 1, description: 'Neighbourhood: grid-disk radius, 1 to 5.' })
  k: number;

  @Field(() => WeightsEnum, { defaultValue: 'binary', description: 'Spatial weights of Gi* at every step.' })
  weights: 'binary' | 'gaussian' | 'bisquare';

  @Field(() => TimeStepUnitEnum, { defaultValue: 'month', description: 'Length of a time step. Only whole steps inside the window are analysed.' })
  timeStep: 'week' | 'month';

  @Field(() => StepSignificanceEnum, { defaultValue: 'fdr', description: 'The p that makes a step hot or cold.' })
  significance: 'fdr' | 'raw';

  @Field(() => Float, { defaultValue: 0.1, description: 'Significance level of a hot or cold step (0.10: any non-zero Esri bin).' })
  alpha: number;

  @Field(() => Float, { defaultValue: 0.1, description: "Significance level of the Mann-Kendall trend (0.10, Esri's 90 % trend bin)." })
  trendAlpha: number;
}

@ObjectType({ description: 'One time step of the analysis.' })
export class AnalysisTimeStep {
  @Field(() => Int, { description: 'Position of the step, 0 for the oldest.' })
  index: number;

  @Field(() => Date, { description: 'Inclusive start (local midnight in the city time zone).' })
  start: Date;

  @Field(() => Date, { description: 'Exclusive end.' })
  end: Date;

  @Field(() => Int, { description: 'Incidents in the study area during the step.' })
  incidentCount: number;

  @Field(() => Int, { description: 'Cells significantly hot at the step (by the chosen p and alpha).' })
  hotCellCount: number;

  @Field(() => Int, { description: 'Cells significantly cold at the step.' })
  coldCellCount: number;
}

@ObjectType({ description: 'The emerging hot spot category of one cell, with the series behind it.' })
export class EmergingHotSpotCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (GeoJSON Polygon).' })
  boundary: Geometry;

  @Field(() => EmergingHotSpotCategoryEnum, { description: 'Category by the rules in docs/methods.md.' })
  category: string;

  @Field(() => Int, { description: 'Incidents over all steps.' })
  count: number;

  @Field(() => Int, { description: 'Steps at which the cell was a significant hot spot.' })
  hotSteps: number;

  @Field(() => Int, { description: 'Steps at which the cell was a significant cold spot.' })
  coldSteps: number;

  @Field(() => Float, { nullable: true, description: 'Mann-Kendall S of the Gi* z series.' })
  trendS: number | null;

  @Field(() => Float, { nullable: true, description: 'Mann-Kendall z (continuity-corrected, tie-corrected variance); null when the series is constant.' })
  trendZ: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided p of the trend.' })
  trendP: number | null;

  @Field(() => Float, { nullable: true, description: "Kendall's tau-b of the z series against time." })
  trendTau: number | null;

  @Field(() => [Int], { description: 'Incident count at each step, oldest first.' })
  counts: number[];

  @Field(() => [Float], { nullable: 'items', description: 'Gi* z at each step; null where undefined.' })
  z: (number | null)[];

  @Field(() => [Int], { description: 'Hot (1), cold (-1) or neither (0) at each step.' })
  states: number[];
}

@ObjectType({ description: 'How many cells fell in one category.' })
export class EmergingCategoryCount {
  @Field(() => EmergingHotSpotCategoryEnum, { description: 'The category.' })
  category: string;

  @Field(() => Int, { description: 'Cells in it.' })
  count: number;
}

@ObjectType({ description: 'Emerging hot spot analysis: Gi* at every time step and a Mann-Kendall trend per cell, classified as Esri does.' })
export class EmergingHotSpotAnalysis {
  @Field({ description: 'Method and parameters in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'The cells analysed and the whole-step window (k and weights as asked).' })
  studyArea: StudyArea;

  @Field(() => [AnalysisTimeStep], { description: 'The time steps, oldest first.' })
  steps: AnalysisTimeStep[];

  @Field(() => [EmergingHotSpotCell], { description: 'Every cell of the study area.' })
  cells: EmergingHotSpotCell[];

  @Field(() => [EmergingCategoryCount], { description: 'Cells per category; categories with none are left out.' })
  categoryCounts: EmergingCategoryCount[];

  @Field(() => [AnalysisWarning], { description: 'SHORT_SERIES, TOO_FEW_CELLS, ZERO_VARIANCE (at some step), NO_NEIGHBOURS, TIME_TOO_COARSE.' })
  warnings: AnalysisWarning[];

  @Field(() => GeoJSONDocumentScalar, { description: 'The cells as one GeoJSON FeatureCollection (properties: h3, category, count, hotSteps, coldSteps, trendZ, trendP).' })
  featureCollection: unknown;
}
