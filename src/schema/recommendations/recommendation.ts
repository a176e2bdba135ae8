/** A working-group recommendation: its items, its append-only history and the paged list of them. */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { Geometry, RecommendationItemKind, RecommendationStatus, Role } from '../../domain';
import { AgencyEnum, RecommendationItemKindEnum, RecommendationStatusEnum, RoleEnum } from '../enums';
import { GeoJSONScalar } from '../scalars';
import { Connection } from '../types';

@ObjectType({ description: 'One record a recommendation is about.' })
export class RecommendationItem {
  @Field(() => ID, { description: 'Id of the item row.' })
  id: string;

  @Field(() => RecommendationItemKindEnum, { description: 'Which of the six kinds of record.' })
  kind: RecommendationItemKind;

  @Field(() => ID, { nullable: true, description: 'The lighting outage (see `lightingOutages`), for LIGHTING_OUTAGE items.' })
  lightingOutageId: string | null;

  @Field(() => ID, { nullable: true, description: 'The road defect (see `roadDefects`), for ROAD_DEFECT items.' })
  roadDefectId: string | null;

  @Field(() => String, { nullable: true, description: 'H3 cell (hex) lacking youth facilities, for YOUTH_GAP_CELL items.' })
  h3: string | null;

  @Field(() => ID, { nullable: true, description: 'The feature of an imported factor layer (see `riskFeatures`), for RISK_FEATURE items.' })
  riskFeatureId: string | null;

  @Field(() => [String], { nullable: true, description: 'FORECAST_CELL and NEAR_REPEAT_AREA: the cells (hex) attached.' })
  cells: string[] | null;

  @Field(() => Int, { nullable: true, description: 'FORECAST_CELL and NEAR_REPEAT_AREA: the H3 resolution of the cells.' })
  resolution: number | null;

  @Field(() => String, { nullable: true, description: 'FORECAST_CELL: the forecast method (e.g. selfExciting); NEAR_REPEAT_AREA: knox.' })
  method: string | null;

  @Field(() => Date, { nullable: true, description: 'FORECAST_CELL: start of the forecast period; NEAR_REPEAT_AREA: the as-of instant of the analysis.' })
  windowFrom: Date | null;

  @Field(() => Date, { nullable: true, description: "FORECAST_CELL: end of the forecast period (exclusive); NEAR_REPEAT_AREA: the latest end of a cell's risk window." })
  windowTo: Date | null;

  @Field(() => [Float], { nullable: true, description: 'Per cell, in the order of `cells`: the expected count (FORECAST_CELL) or the recent incidents whose risk reaches it (NEAR_REPEAT_AREA).' })
  values: number[] | null;

  @Field(() => String, { nullable: true, description: 'FORECAST_CELL and NEAR_REPEAT_AREA: the area, the period, the share, the bands, in words.' })
  note: string | null;

  @Field(() => GeoJSONScalar, { description: "The outage's, defect's or feature's geometry, or the outline of the cell(s)." })
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
