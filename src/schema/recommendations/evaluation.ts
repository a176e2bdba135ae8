/** The evaluation of one fix: a difference in differences against matched control cells, with a displacement check. */
import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { IncidentCategoryEnum } from '../enums';
import { TimeOfDayEnum } from '../risk';

export type TimeOfDay = (typeof TimeOfDayEnum)[keyof typeof TimeOfDayEnum];

@ArgsType()
export class EvaluationArgs {
  @Field(() => Int, {
    defaultValue: 9,
    description: 'H3 resolution of the influence area (8 to 10; 9 has a mean edge of 174 m, so about 150 m around each item). Below the analyst role the release resolution (8), whatever is asked.',
  })
  resolution: number;

  @Field(() => Int, {
    defaultValue: 90,
    description:
      'Length of each of the before and after windows, days (7 to 730); both are shortened to the same length when the data do not cover them. Below the analyst role the nearest number of whole calendar months on either side of the month of the fix.',
  })
  days: number;

  @Field(() => TimeOfDayEnum, { nullable: true, description: 'Which incidents count; default NIGHT when any item is a lighting outage, otherwise ALL.' })
  timeOfDay?: TimeOfDay;

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Only these categories (default all). Not available below the analyst role.' })
  categories?: string[];

  @Field(() => Int, { defaultValue: 20, description: 'Number of control cells matched on the before-period count (1 to 500).' })
  controlCells: number;

  @Field(() => Float, { defaultValue: 0.95, description: 'Confidence level of the intervals (0.5 to 0.999).' })
  confidence: number;
}

@ObjectType({ description: 'Incidents of a group of cells in the before and after windows.' })
export class CellGroupCounts {
  @Field(() => Int, { description: 'Number of cells.' })
  cellCount: number;

  @Field(() => [String], { description: 'The cells (H3 hex).' })
  cells: string[];

  @Field(() => Int, { description: 'Incidents in the before-window.' })
  before: number;

  @Field(() => Int, { description: 'Incidents in the after-window.' })
  after: number;
}

@ObjectType({ description: 'A difference-in-differences estimate: the ratio of rate ratios (after/before of one group over after/before of the controls), with its Poisson uncertainty.' })
export class DifferenceInDifferencesEstimate {
  @Field(() => Float, { description: '(b/a)/(d/c): below 1 means the group fell relative to the controls.' })
  ratioOfRateRatios: number;

  @Field(() => Float, { description: "100 * (ratio - 1): the change beyond the controls' change, per cent." })
  percentChange: number;

  @Field(() => Float, { description: 'Lower end of the confidence interval of the ratio.' })
  lower: number;

  @Field(() => Float, { description: 'Upper end of the confidence interval of the ratio.' })
  upper: number;

  @Field(() => Float, { description: 'Confidence level of the interval.' })
  confidence: number;

  @Field(() => Float, { description: 'Standard error of log ratio: sqrt(1/a + 1/b + 1/c + 1/d).' })
  standardErrorLog: number;

  @Field(() => Float, { description: 'Wald z of log ratio.' })
  z: number;

  @Field(() => Float, { description: 'Two-sided p of the Wald test that the ratio is 1.' })
  p: number;

  @Field(() => Float, { description: 'After-count of the group expected had it changed like the controls: a * d / c.' })
  expectedAfter: number;

  @Field({ description: '0.5 was added to every count because one was zero.' })
  continuityCorrected: boolean;

  @Field({ description: 'False when the counts are too small for any conclusion (a count below 10 or the expected count below 5).' })
  conclusive: boolean;

  @Field(() => [String], { description: 'Why the estimate is corrected or inconclusive.' })
  notes: string[];
}

@ObjectType({ description: 'Did crime fall where the fix was made? A difference in differences against matched control cells, with a displacement check on the ring around.' })
export class RecommendationEvaluation {
  @Field({ description: 'The method in words.' })
  method: string;

  @Field(() => Int, { description: 'H3 resolution of the cells.' })
  resolution: number;

  @Field({ description: 'Which incidents counted (ALL, NIGHT or DAY, and categories).' })
  incidents: string;

  @Field(() => Int, { description: 'Days asked for each window.' })
  requestedDays: number;

  @Field(() => Int, { description: 'Days used for each window (equal before and after).' })
  days: number;

  @Field(() => Date, { description: 'Start of the before-window.' })
  beforeFrom: Date;

  @Field(() => Date, { description: 'The fix: end of the before-window and start of the after-window.' })
  fixedAt: Date;

  @Field(() => Date, { description: 'End (exclusive) of the after-window.' })
  afterTo: Date;

  @Field({ description: 'False when the after-window is shorter than asked because the data (or today) end earlier.' })
  afterWindowComplete: boolean;

  @Field(() => CellGroupCounts, { description: 'The influence area: the cells the items touch.' })
  treated: CellGroupCounts;

  @Field(() => CellGroupCounts, { description: 'Matched control cells.' })
  control: CellGroupCounts;

  @Field(() => CellGroupCounts, { description: 'Cells adjacent to the treated cells (displacement check; never controls).' })
  ring: CellGroupCounts;

  @Field({ description: 'How the controls were chosen.' })
  controlSelection: string;

  @Field(() => DifferenceInDifferencesEstimate, { description: 'Treated cells against controls.' })
  effect: DifferenceInDifferencesEstimate;

  @Field(() => DifferenceInDifferencesEstimate, { description: 'Ring against controls: a ratio above 1 suggests displacement to neighbouring cells, below 1 a diffusion of benefits.' })
  displacement: DifferenceInDifferencesEstimate;

  @Field({ description: 'False when the effect estimate is too small to conclude anything.' })
  conclusive: boolean;

  @Field(() => [String], { description: 'Caveats: an association, not a cause; incomplete windows; small counts; choices made.' })
  notes: string[];
}
