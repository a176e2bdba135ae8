/** Inputs of the recommendation mutations and filters of the list. */
import { Field, ID, InputType } from 'type-graphql';
import type { Geometry, RecommendationStatus } from '../../domain';
import { AgencyEnum, RecommendationStatusEnum } from '../enums';
import { AreaInput } from '../inputs';
import { GeoJSONScalar } from '../scalars';

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
