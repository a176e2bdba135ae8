/** GraphQL types of the working group's cases: recommendations, items, history, evaluation, agency statistics. */
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Geometry, RecommendationItemKind, RecommendationStatus, Role } from '../domain';
import { AgencyEnum, IncidentCategoryEnum, RecommendationItemKindEnum, RecommendationStatusEnum, RoleEnum } from './enums';
import { AreaInput, TimeWindowInput } from './inputs';
import { TimeOfDayEnum } from './risk';
import { GeoJSONScalar } from './scalars';
import { Connection } from './types';

// one TimeOfDay enum for the whole API: the risk models define it
export { TimeOfDayEnum };
export type TimeOfDay = (typeof TimeOfDayEnum)[keyof typeof TimeOfDayEnum];

@ObjectType({ description: 'One record a recommendation is about.' })
export class RecommendationItem {
  @Field(() => ID, { description: 'Id of the item row.' })
  id: string;

  @Field(() => RecommendationItemKindEnum, { description: 'Which of the four kinds of record.' })
  kind: RecommendationItemKind;

  @Field(() => ID, { nullable: true, description: 'The lighting outage (see `lightingOutages`), for LIGHTING_OUTAGE items.' })
  lightingOutageId: string | null;

  @Field(() => ID, { nullable: true, description: 'The road defect (see `roadDefects`), for ROAD_DEFECT items.' })
  roadDefectId: string | null;

  @Field(() => String, { nullable: true, description: 'H3 cell (hex) lacking youth facilities, for YOUTH_GAP_CELL items.' })
  h3: string | null;

  @Field(() => ID, { nullable: true, description: 'The feature of an imported factor layer (see `riskFeatures`), for RISK_FEATURE items.' })
  riskFeatureId: string | null;

  @Field(() => GeoJSONScalar, { description: "The outage's, defect's or feature's geometry, or the cell's outline." })
  geometry: Geometry;

  @Field(() => Date, { nullable: true, description: 'When the outage or defect was fixed, or the feature closed, as its own layer records it (null for cells and for records still open).' })
  fixedAt: Date | null;
}

@ObjectType({ description: 'One changed field of an update.' })
export class FieldChange {
  @Field({ description: 'Field name, e.g. title, dueDate, agency, items, geometry.' })
  field: string;

  @Field(() => String, { nullable: true, description: 'Value before, as JSON text.' })
  from: string | null;

  @Field(() => String, { nullable: true, description: 'Value after, as JSON text.' })
  to: string | null;
}

@ObjectType({ description: 'One entry of the append-only history of a recommendation: who did what, when.' })
export class RecommendationHistoryEntry {
  @Field(() => ID, { description: 'Id of the entry; entries are never changed or deleted.' })
  id: string;

  @Field(() => Date, { description: 'When the change was made.' })
  at: Date;

  @Field({ description: 'Who made it (user id or API key name).' })
  actorId: string;

  @Field(() => RoleEnum, { description: 'The role the actor had.' })
  actorRole: Role;

  @Field({ description: 'created, updated, status_changed, closed or commented.' })
  action: string;

  @Field(() => RecommendationStatusEnum, { nullable: true, description: 'Status before a status change.' })
  fromStatus: RecommendationStatus | null;

  @Field(() => RecommendationStatusEnum, { nullable: true, description: 'Status after a status change (or at creation).' })
  toStatus: RecommendationStatus | null;

  @Field(() => String, { nullable: true, description: 'Comment given with the change.' })
  comment: string | null;

  @Field(() => [FieldChange], { description: 'Fields an update changed (empty for other actions).' })
  changes: FieldChange[];
}

@ObjectType({ description: 'A working-group recommendation: what should be fixed, where, by which agency, by when, and how it went.' })
export class Recommendation {
  @Field(() => ID, { description: 'Recommendation id.' })
  id: string;

  @Field({ description: 'What should be done, in a line.' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Why and how, in more words.' })
  description: string | null;

  @Field(() => AgencyEnum, { description: 'Agency responsible for the fix.' })
  agency: string;

  @Field(() => RecommendationStatusEnum, { description: 'Where the case stands in the workflow.' })
  status: RecommendationStatus;

  @Field(() => [RecommendationStatusEnum], { description: 'Statuses this recommendation may move to next (empty once closed).' })
  nextStatuses: RecommendationStatus[];

  @Field(() => String, { nullable: true, description: 'Due date (YYYY-MM-DD, in the city time zone).' })
  dueDate: string | null;

  @Field({ description: 'Open (proposed, accepted or in progress) and the due date lies before today in the city time zone.' })
  overdue: boolean;

  @Field(() => GeoJSONScalar, { description: 'Where: the geometry given, or the union of the items when none was given.' })
  geometry: Geometry;

  @Field({ description: 'True when `geometry` was derived from the items.' })
  geometryDerived: boolean;

  @Field(() => Date, { nullable: true, description: 'When the fix was made (set on closing).' })
  fixedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'What was done and what came of it, noted on closing.' })
  outcomeNote: string | null;

  @Field({ description: 'Who created the recommendation.' })
  createdBy: string;

  @Field(() => Date, { description: 'When the recommendation was created.' })
  createdAt: Date;

  @Field(() => Date, { description: 'When anything about it last changed (a comment included).' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it reached DONE, REJECTED or CANCELLED.' })
  closedAt: Date | null;
}

export const RecommendationConnection = Connection(Recommendation, 'Recommendation');

@InputType({ description: 'Filters for recommendations. Agency users only ever see their own agency.' })
export class RecommendationFilter {
  @Field(() => [RecommendationStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  statuses?: RecommendationStatus[];

  @Field(() => AgencyEnum, { nullable: true, description: 'Only this agency.' })
  agency?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only overdue (open past the due date); false: only not overdue.' })
  overdue?: boolean;

  @Field(() => AreaInput, { nullable: true, description: 'Recommendations whose geometry intersects the area.' })
  area?: AreaInput;
}

@InputType({ description: 'One item: exactly one of a lighting outage, a road defect, a youth-gap H3 cell or a feature of an imported factor layer.' })
export class RecommendationItemInput {
  @Field(() => ID, { nullable: true, description: 'Id of a stored lighting outage.' })
  lightingOutageId?: string;

  @Field(() => ID, { nullable: true, description: 'Id of a stored road defect.' })
  roadDefectId?: string;

  @Field(() => String, { nullable: true, description: 'H3 cell (hex, resolution 7 to 11) lacking youth facilities.' })
  youthGapCell?: string;

  @Field(() => ID, { nullable: true, description: 'Id of a stored feature of an imported factor layer (see `riskFeatures`).' })
  riskFeatureId?: string;
}

@InputType({ description: 'A new recommendation. Give a geometry, or items to derive it from, or both.' })
export class CreateRecommendationInput {
  @Field({ description: 'What should be done, in a line (1 to 300 characters).' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Why and how (at most 10,000 characters).' })
  description?: string;

  @Field(() => AgencyEnum, { description: 'Agency responsible for the fix.' })
  agency: string;

  @Field(() => String, { nullable: true, description: 'Due date, YYYY-MM-DD.' })
  dueDate?: string;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Point, LineString, MultiLineString, Polygon or MultiPolygon within the city; derived from the items when left out.' })
  geometry?: Geometry;

  @Field(() => [RecommendationItemInput], { nullable: true, description: 'Records the recommendation is about (at most 200).' })
  items?: RecommendationItemInput[];

  @Field(() => String, { nullable: true, description: 'Comment for the history entry.' })
  comment?: string;
}

@InputType({ description: 'Changes to a recommendation; fields left out stay as they are, null clears an optional field.' })
export class UpdateRecommendationInput {
  @Field(() => String, { nullable: true, description: 'New title.' })
  title?: string;

  @Field(() => String, { nullable: true, description: 'New description; null clears it.' })
  description?: string | null;

  @Field(() => AgencyEnum, { nullable: true, description: 'Hand the case to another agency.' })
  agency?: string;

  @Field(() => String, { nullable: true, description: 'New due date (YYYY-MM-DD); null clears it.' })
  dueDate?: string | null;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'New geometry; null derives it from the items again.' })
  geometry?: Geometry | null;

  @Field(() => [RecommendationItemInput], { nullable: true, description: 'Replaces all items.' })
  items?: RecommendationItemInput[];
}

@ArgsType()
export class EvaluationArgs {
  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution of the influence area (8 to 10; 9 has a mean edge of 174 m, so about 150 m around each item). Below the analyst role the release resolution (8), whatever is asked.' })
  resolution: number;

  @Field(() => Int, { defaultValue: 90, description: 'Length of each of the before and after windows, days (7 to 730); both are shortened to the same length when the data do not cover them. Below the analyst role the nearest number of whole calendar months on either side of the month of the fix.' })
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

  @Field(() => Float, { description: '100 * (ratio - 1): the change beyond the controls\' change, per cent.' })
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

@ObjectType({ description: 'How one agency handles its cases, over the recommendations created in the window.' })
export class AgencyStatistics {
  @Field(() => AgencyEnum, { description: 'The agency.' })
  agency: string;

  @Field(() => Int, { description: 'Recommendations created in the window.' })
  total: number;

  @Field(() => Int, { description: 'Still open: proposed, accepted or in progress.' })
  open: number;

  @Field(() => Int, { description: 'Closed as done (fixed).' })
  closed: number;

  @Field(() => Int, { description: 'Rejected.' })
  rejected: number;

  @Field(() => Int, { description: 'Cancelled.' })
  cancelled: number;

  @Field(() => Float, { nullable: true, description: 'Median days from creation to the fix (fixedAt) over the closed ones recorded before their fix; null when there is none.' })
  medianDaysToFix: number | null;

  @Field(() => Int, { description: 'Open recommendations past their due date (due date before the reference date).' })
  overdue: number;

  @Field(() => Float, { nullable: true, description: 'Share overdue = open past the due date / open with a due date; null when no open one has a due date.' })
  shareOverdue: number | null;

  @Field(() => Float, { nullable: true, description: 'Closed ones fixed after their due date / closed ones with a due date; null when none.' })
  shareClosedLate: number | null;

  @Field(() => Recommendation, { nullable: true, description: 'The open recommendation created first.' })
  oldestOpen: Recommendation | null;

  @Field(() => Float, { nullable: true, description: 'Days since the oldest open recommendation was created.' })
  oldestOpenDays: number | null;
}

@ObjectType({ description: 'Per-agency statistics with the definitions used.' })
export class AgencyStatisticsReport {
  @Field(() => Date, { nullable: true, description: 'Start of the creation window (inclusive); null = from the beginning.' })
  from: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the creation window (exclusive); null = up to now.' })
  to: Date | null;

  @Field({ description: 'Date (YYYY-MM-DD, city time zone) against which due dates are judged: today.' })
  asOf: string;

  @Field({ description: 'Definitions of the figures.' })
  definitions: string;

  @Field(() => [AgencyStatistics], { description: 'One row per agency the caller may see, zeros included.' })
  agencies: AgencyStatistics[];
}

@ArgsType()
export class AgencyStatisticsArgs {
  @Field(() => TimeWindowInput, { nullable: true, description: 'Recommendations created in this window (default all).' })
  window?: TimeWindowInput;
}

@ObjectType({ description: 'A pooled difference-in-differences estimate over many fixes (Mantel-Haenszel, each fix against its own controls).' })
export class PooledEstimate {
  @Field(() => Float, { nullable: true, description: 'Mantel-Haenszel common ratio of rate ratios; null when no fix has counts on both sides.' })
  ratioOfRateRatios: number | null;

  @Field(() => Float, { nullable: true, description: '100 * (ratio - 1), per cent.' })
  percentChange: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower end of the confidence interval.' })
  lower: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper end of the confidence interval.' })
  upper: number | null;

  @Field(() => Float, { description: 'Confidence level of the interval.' })
  confidence: number;

  @Field(() => Float, { nullable: true, description: 'Robins-Breslow-Greenland standard error of log ratio.' })
  standardErrorLog: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided Wald p that the common ratio is 1.' })
  p: number | null;

  @Field(() => Int, { description: 'Fixes whose table held any incident.' })
  strata: number;

  @Field(() => Int, { description: 'Sum over fixes: treated (or ring) cells before.' })
  treatedBefore: number;

  @Field(() => Int, { description: 'Sum over fixes: treated (or ring) cells after.' })
  treatedAfter: number;

  @Field(() => Int, { description: 'Sum over fixes: control cells before.' })
  controlBefore: number;

  @Field(() => Int, { description: 'Sum over fixes: control cells after.' })
  controlAfter: number;

  @Field({ description: 'False when the pooled counts are too small to conclude.' })
  conclusive: boolean;

  @Field(() => [String], { description: 'Why the estimate is missing or inconclusive.' })
  notes: string[];
}

@ObjectType({ description: 'One fix in a pooled evaluation.' })
export class PooledCase {
  @Field(() => ID, { description: 'The recommendation.' })
  recommendationId: string;

  @Field({ description: 'Its title.' })
  title: string;

  @Field(() => Date, { description: 'When the fix was made.' })
  fixedAt: Date;

  @Field(() => Int, { description: 'Days of each window used for this fix.' })
  days: number;

  @Field({ description: 'Which incidents counted for this fix.' })
  incidents: string;

  @Field(() => Int, { description: 'Incidents in the treated cells before the fix.' })
  treatedBefore: number;

  @Field(() => Int, { description: 'Incidents in the treated cells after the fix.' })
  treatedAfter: number;

  @Field(() => Int, { description: 'Incidents in the control cells before the fix.' })
  controlBefore: number;

  @Field(() => Int, { description: 'Incidents in the control cells after the fix.' })
  controlAfter: number;

  @Field(() => Float, { description: "This fix's own ratio of rate ratios (0.5 added to every count when one is zero)." })
  ratioOfRateRatios: number;

  @Field({ description: "False when this fix's counts alone are too small to conclude." })
  conclusive: boolean;
}

@ObjectType({ description: 'A fix left out of a pooled evaluation, and why.' })
export class SkippedCase {
  @Field(() => ID, { description: 'The recommendation left out.' })
  recommendationId: string;

  @Field({ description: 'Why it was left out.' })
  reason: string;
}

@ObjectType({ description: 'Did crime fall where fixes of one kind were made? The fixes pooled, each against its own controls, with a pooled displacement check.' })
export class PooledEvaluation {
  @Field({ description: 'The method in words.' })
  method: string;

  @Field(() => Int, { description: 'Fixes pooled.' })
  caseCount: number;

  @Field(() => [PooledCase], { description: 'Each pooled fix with its own counts.' })
  cases: PooledCase[];

  @Field(() => [SkippedCase], { description: 'DONE recommendations left out (e.g. no data on both sides of the fix).' })
  skipped: SkippedCase[];

  @Field(() => PooledEstimate, { description: 'Treated cells against controls, pooled.' })
  effect: PooledEstimate;

  @Field(() => PooledEstimate, { description: 'Adjacent rings against controls, pooled: above 1 suggests displacement.' })
  displacement: PooledEstimate;

  @Field({ description: 'False when the pooled effect is too small to conclude anything.' })
  conclusive: boolean;

  @Field(() => [String], { description: 'Caveats: an association, not a cause; overlapping fixes; choices made.' })
  notes: string[];
}
