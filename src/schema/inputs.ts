import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import type { Geometry } from '../domain';
import { AreaKindEnum, FixStatusEnum, IncidentCategoryEnum, PostKindEnum, RoadDefectKindEnum, YouthFacilityKindEnum } from './enums';
import { GeoJSONScalar } from './scalars';

@InputType({ description: 'Where: exactly one of a bounding box, a GeoJSON polygon, a district, a precinct or the whole city.' })
export class AreaInput {
  @Field(() => [Number], { nullable: true, description: '[minLng, minLat, maxLng, maxLat] in degrees.' })
  bbox?: number[];

  @Field(() => GeoJSONScalar, { nullable: true, description: 'A GeoJSON Polygon or MultiPolygon; best passed as a variable.' })
  polygon?: Geometry;

  @Field(() => ID, { nullable: true, description: 'Id of a district (see `areas`).' })
  districtId?: string;

  @Field(() => ID, { nullable: true, description: 'Id of a precinct (see `areas`).' })
  precinctId?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: the whole city, the union of every stored district (not its bounding box).' })
  city?: boolean;
}

@InputType({ description: 'When: a half-open interval [from, to). Either end may be left open.' })
export class TimeWindowInput {
  @Field(() => Date, { nullable: true, description: 'Inclusive start (ISO 8601).' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Exclusive end (ISO 8601).' })
  to?: Date;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size; defaults to 100, at most the server maximum (1000 by default).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor from `pageInfo.endCursor` of the previous page.' })
  after?: string;
}

@InputType({ description: 'Filters for incidents.' })
export class IncidentFilter {
  @Field(() => AreaInput, { nullable: true, description: 'Only records whose geometry lies in (intersects) this area.' })
  area?: AreaInput;

  @Field(() => TimeWindowInput, { nullable: true, description: 'Incidents whose occurred_at falls in the window.' })
  window?: TimeWindowInput;

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Only these categories; all when left out.' })
  categories?: string[];

  @Field(() => [String], { nullable: true, description: 'Report channels, e.g. call_112, website, social_media, post_visit, patrol.' })
  sources?: string[];
}

@InputType({ description: 'Filters for lighting outages.' })
export class LightingOutageFilter {
  @Field(() => AreaInput, { nullable: true, description: 'Only records whose geometry lies in (intersects) this area.' })
  area?: AreaInput;

  @Field(() => TimeWindowInput, { nullable: true, description: 'Outages that were dark at some moment of the window.' })
  window?: TimeWindowInput;

  @Field(() => FixStatusEnum, { nullable: true, description: 'OPEN while not fixed, FIXED once fixedAt is set.' })
  status?: 'open' | 'fixed';
}

@InputType({ description: 'Filters for road defects.' })
export class RoadDefectFilter {
  @Field(() => AreaInput, { nullable: true, description: 'Only records whose geometry lies in (intersects) this area.' })
  area?: AreaInput;

  @Field(() => TimeWindowInput, { nullable: true, description: 'Defects that were open at some moment of the window.' })
  window?: TimeWindowInput;

  @Field(() => [RoadDefectKindEnum], { nullable: true, description: 'Only these kinds; all when left out.' })
  kinds?: string[];

  @Field(() => FixStatusEnum, { nullable: true, description: 'OPEN while not fixed, FIXED once fixedAt is set.' })
  status?: 'open' | 'fixed';
}

@InputType({ description: 'Filters for youth facilities.' })
export class YouthFacilityFilter {
  @Field(() => AreaInput, { nullable: true, description: 'Only records whose geometry lies in (intersects) this area.' })
  area?: AreaInput;

  @Field(() => [YouthFacilityKindEnum], { nullable: true, description: 'Only these kinds; all when left out.' })
  kinds?: string[];
}

@InputType({ description: 'Filters for police posts.' })
export class PostFilter {
  @Field(() => AreaInput, { nullable: true, description: 'Only records whose geometry lies in (intersects) this area.' })
  area?: AreaInput;

  @Field(() => [PostKindEnum], { nullable: true, description: 'Only these kinds; all when left out.' })
  kinds?: string[];
}

@InputType({ description: 'Filters for population cells.' })
export class PopulationFilter {
  @Field(() => AreaInput, { nullable: true, description: 'Cells whose centre lies in the area.' })
  area?: AreaInput;
}

@InputType({ description: 'Filters for features of imported factor layers.' })
export class RiskFeatureFilter {
  @Field(() => [String], { nullable: true, description: 'Only these factors (slugs such as liquor_shop); all when left out.' })
  factors?: string[];

  @Field(() => AreaInput, { nullable: true, description: 'Only records whose geometry lies in (intersects) this area.' })
  area?: AreaInput;

  @Field(() => Date, { nullable: true, description: 'Only features present at this instant: opened by then (or with no opening date) and not closed yet.' })
  presentAt?: Date;
}

@InputType({ description: 'Filters for districts and precincts.' })
export class AreaFilter {
  @Field(() => AreaKindEnum, { nullable: true, description: 'Kind of record.' })
  kind?: 'district' | 'precinct';

  @Field(() => ID, { nullable: true, description: 'Precincts of this district.' })
  parentId?: string;
}
