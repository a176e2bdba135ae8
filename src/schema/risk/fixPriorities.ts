/** fixPriorities: its arguments and the ranked list of open fixes with their expected effect. */
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Geometry } from '../../domain';
import { AnalysisWarning, StudyArea } from '../analysis';
import { AgencyEnum, RoadDefectKindEnum } from '../enums';
import { PageInfo } from '../types';
import { PrivacyNote } from '../privacy';
import { GeoJSONScalar } from '../scalars';
import { FixKindEnum } from './enums';
import { LightingPanelSummary, RiskModelSummary } from './factors';
import { RiskModelArgs } from './args';

@InputType({ description: 'How much each kind of fix counts in the ranking; 0 leaves a kind out of the top.' })
export class FixWeightsInput {
  @Field(() => Float, { defaultValue: 1, description: 'Weight of lighting outages (0 to 100).' })
  lighting: number;

  @Field(() => Float, { defaultValue: 1, description: 'Weight of road defects (0 to 100).' })
  roads: number;

  @Field(() => Float, { defaultValue: 1, description: 'Weight of youth-facility gaps (0 to 100).' })
  youth: number;
}

@ArgsType()
export class FixPriorityArgs extends RiskModelArgs {
  @Field(() => FixWeightsInput, { nullable: true, description: 'Weights per kind; all 1 when left out.' })
  weights?: FixWeightsInput;

  @Field(() => Boolean, { nullable: true, description: 'true: only items within walking reach of some post; false: only items outside; left out: all.' })
  withinPostReach?: boolean;

  @Field(() => [AgencyEnum], { nullable: true, description: 'Only items of these responsible agencies.' })
  agencies?: string[];

  @Field(() => [FixKindEnum], { nullable: true, description: 'Only these kinds of item.' })
  kinds?: string[];

  @Field(() => Int, { nullable: true, description: 'Page size (default 100, at most the server maximum).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor from pageInfo.endCursor.' })
  after?: string;
}

@ObjectType({ description: 'A count as released: exact for analysts; below the analyst role a band (5-9, 10-19, 20-49, 50-99, 100-199, ...), 0 as it is, 1 to threshold - 1 suppressed.' })
export class CountRange {
  @Field(() => Int, { description: 'Lowest count the range allows (0 when suppressed).' })
  low: number;

  @Field(() => Int, { description: 'Highest count the range allows (threshold - 1 when suppressed).' })
  high: number;

  @Field({ description: 'True when the count is from 1 to threshold - 1 and not released.' })
  suppressed: boolean;
}

@ObjectType({ description: 'The parts of a fix item’s score.' })
export class FixScoreParts {
  @Field(() => Float, { description: 'Relative risk used: exp(beta x change) from the selected model; 1 when the factor was not selected or is not positively associated.' })
  relativeRisk: number;

  @Field(() => CountRange, {
    description: 'Incidents of the model response (night for lighting) within the proximity reach of the item (the gap cell itself for youth gaps) over the window: exact for analysts, a band below.',
  })
  crimesNear: CountRange;

  @Field(() => Float, { description: 'crimesNear per year of the window. Below the analyst role from the low end of the band (threshold / 2 when suppressed), so every score is a function of released numbers.' })
  crimesNearPerYear: number;

  @Field(() => Float, { description: '1 - 1/RR: the share of those incidents associated with the factor.' })
  preventableShare: number;

  @Field(() => Float, { description: 'Weight of the item’s kind.' })
  weight: number;

  @Field({ description: 'Where the relative risk comes from, in words.' })
  basis: string;
}

@ObjectType({ description: 'One open item that a city service could fix, with its expected effect.' })
export class FixPriorityItem {
  @Field(() => Int, { description: 'Rank by score, 1 first.' })
  rank: number;

  @Field(() => FixKindEnum, { description: 'What it is.' })
  kind: string;

  @Field(() => ID, { description: 'Outage or defect id; the H3 cell for a youth-facility gap.' })
  id: string;

  @Field(() => RoadDefectKindEnum, { nullable: true, description: 'Kind of road defect; null otherwise.' })
  roadDefectKind: string | null;

  @Field({ description: 'The risk factor it belongs to.' })
  factor: string;

  @Field(() => AgencyEnum, { description: 'Responsible agency (configurable with FIX_AGENCIES).' })
  agency: string;

  @Field(() => GeoJSONScalar, { description: 'A point on the item (ST_PointOnSurface), or the gap cell centre.' })
  location: Geometry;

  @Field({ description: 'The cell the item counts in at the analysis resolution.' })
  h3: string;

  @Field(() => Date, { nullable: true, description: 'When it was reported; null for gaps.' })
  openSince: Date | null;

  @Field(() => Float, { nullable: true, description: 'Days open up to the window end (or now).' })
  daysOpen: number | null;

  @Field(() => ID, { nullable: true, description: 'Nearest post (straight line).' })
  nearestPostId: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Walking distance to the nearest post: along the streets (access legs included) when the street network covers the area, else straight-line (haversine) distance x the detour factor; see nearestPostDistanceBasis.',
  })
  nearestPostWalkingM: number | null;

  @Field({ description: 'network (along the streets, the nearest post within 3 km of walking) or straightLine (haversine x the detour factor: no street network here, or the item is off it or farther from every post).' })
  distanceBasis: string;

  @Field({ description: 'Some post’s walking radius reaches the item (walking distance along the streets, or the straight-line estimate, <= radius).' })
  withinPostReach: boolean;

  @Field(() => Float, { description: 'crimesNearPerYear x preventableShare: incidents a year associated with the item.' })
  expectedPreventedPerYear: number;

  @Field(() => Float, { description: 'expectedPreventedPerYear from the low end of the relative risk’s 95 % interval (0 when it is at or below 1).' })
  expectedPreventedPerYearLow: number;

  @Field(() => Float, { description: 'expectedPreventedPerYear from the high end of the relative risk’s 95 % interval.' })
  expectedPreventedPerYearHigh: number;

  @Field(() => String, { nullable: true, description: 'The nearest named street of the streets layer within 150 m; null when none is stored there.' })
  streetName: string | null;

  @Field(() => ID, { nullable: true, description: 'The district the item lies in (the nearest for the slivers between districts).' })
  districtId: string | null;

  @Field(() => String, { nullable: true, description: "That district's name in the caller's language (the stored Russian or Kazakh name, else the stored name)." })
  districtName: string | null;

  @Field(() => Float, { description: 'weight x expectedPreventedPerYear; the ranking key.' })
  score: number;

  @Field(() => FixScoreParts, { description: 'The parts of the score.' })
  scoreParts: FixScoreParts;
}

@ObjectType({ description: 'Open fixes ranked by expected incidents prevented per year.' })
export class FixPriorityList {
  @Field({ description: 'Method in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'What was analysed.' })
  studyArea: StudyArea;

  @Field({
    description:
      'network: walking distances to posts along the streets (as the coverage answers, AUTO), items off the network falling back to the straight line with a PARTLY_STRAIGHT_LINE warning; straightLine: straight lines x the detour factor, no street network covers the area.',
  })
  distanceBasis: string;

  @Field(() => Float, { description: 'The pedestrian detour factor used.' })
  detourFactor: number;

  @Field(() => Int, { description: 'Items matching the filters (all pages).' })
  totalCount: number;

  @Field(() => [FixPriorityItem], { description: 'This page of the ranking.' })
  items: FixPriorityItem[];

  @Field(() => PageInfo, { description: 'Cursor for the next page.' })
  pageInfo: PageInfo;

  @Field(() => RiskModelSummary, { description: 'The model the road and youth relative risks come from.' })
  model: RiskModelSummary;

  @Field(() => LightingPanelSummary, { description: 'The model the lighting relative risk comes from.' })
  lightingModel: LightingPanelSummary;

  @Field(() => [AnalysisWarning], { description: 'As for riskFactors.' })
  warnings: AnalysisWarning[];

  @Field({ description: 'How to read these numbers.' })
  caveat: string;
  @Field(() => PrivacyNote, { description: 'Whether the release rules for roles below analyst applied (banded crimes near each item), and which; suppressedCells counts the item cells whose crimes near are suppressed.' })
  privacy: PrivacyNote;
}
