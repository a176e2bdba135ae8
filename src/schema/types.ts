import { Authorized, ClassType, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import type { Geometry } from '../domain';
import { AreaKindEnum, FixStatusEnum, IncidentCategoryEnum, PostKindEnum, RoadDefectKindEnum, TimePrecisionEnum, YouthFacilityKindEnum } from './enums';
import { GeoJSONScalar } from './scalars';

@ObjectType({ description: 'A district or precinct.' })
export class Area {
  @Field(() => ID, { description: 'Id of the district or precinct in this API (stable across re-imports).' })
  id: string;

  @Field({ description: 'Where the record came from (e.g. osm, demo).' })
  source: string;

  @Field({ description: 'Id in the source; unique with source.' })
  externalId: string;

  @Field(() => AreaKindEnum, { description: 'DISTRICT or PRECINCT.' })
  kind: string;

  @Field({ description: 'Name (in English or as the source gives it).' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Name in Russian.' })
  nameRu: string | null;

  @Field(() => String, { nullable: true, description: 'Name in Kazakh.' })
  nameKk: string | null;

  @Field(() => String, { nullable: true, description: 'Required attribution of the boundary data, e.g. "© OpenStreetMap contributors".' })
  attribution: string | null;

  @Field(() => Float, { description: 'Geodesic area in square kilometres.' })
  areaKm2: number;

  @Field(() => GeoJSONScalar, { description: 'MultiPolygon, EPSG:4326.' })
  geometry: Geometry;

  parentId: string | null;
}

@ObjectType({ description: 'A police post: modular post, precinct office or police station.' })
export class Post {
  @Field(() => ID, { description: 'Id of the post in this API (stable across re-imports).' })
  id: string;

  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' })
  source: string;

  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' })
  externalId: string;

  @Field(() => PostKindEnum, { description: 'Modular post, precinct office or police station.' })
  kind: string;

  @Field(() => String, { nullable: true, description: 'Name of the post; null when it has none.' })
  name: string | null;

  @Field(() => Int, { description: 'Walking radius promised around the post, metres (default 500).' })
  walkingRadiusM: number;

  @Field(() => Date, { nullable: true, description: 'When it opened; null when unknown (then it counts as always open).' })
  openedAt: Date | null;

  @Field(() => GeoJSONScalar, { description: 'Point, EPSG:4326.' })
  geometry: Geometry;
}

@ObjectType({ description: 'The nearest post to something, with the straight-line distance.' })
export class NearestPost {
  @Field(() => Post, { description: 'The nearest post.' })
  post: Post;

  @Field(() => Float, { description: 'Geodesic straight-line distance in metres (not a walking distance).' })
  distanceM: number;
}

@ObjectType({ description: 'A reported incident: a crime, a 112 call, an appeal, a post visit.' })
export class Incident {
  @Field(() => ID, { description: 'Id of the incident in this API.' })
  id: string;

  @Field({ description: 'Report channel: call_112, website, social_media, post_visit, patrol, police_uk, ...' })
  source: string;

  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' })
  externalId: string;

  @Field(() => IncidentCategoryEnum, { description: 'What happened.' })
  category: string;

  @Field(() => Date, { description: 'When it happened (see timePrecision).' })
  occurredAt: Date;

  @Field(() => TimePrecisionEnum, { description: 'MONTH for sources that publish the month only.' })
  timePrecision: string;

  @Field(() => Boolean, { nullable: true, description: 'Outdoor (street) incident; null when the report does not say.' })
  outdoor: boolean | null;

  @Authorized(...rolesFor('Incident.description'))
  @Field(() => String, { nullable: true, description: 'Free text of the report. Analysts and admins only.' })
  description: string | null;

  @Authorized(...rolesFor('Incident.geometry'))
  @Field(() => GeoJSONScalar, { description: 'Point, EPSG:4326. Analysts and admins only; never given for sensitive categories.' })
  geometry: Geometry;

  @Authorized(...rolesFor('Incident.h3'))
  @Field({ description: 'H3 cell (hex) at the stored fine resolution. Analysts and admins only (a location to a few metres).' })
  h3: string;
}

@ObjectType({ description: 'A street-lighting outage at a point or along a street segment.' })
export class LightingOutage {
  @Field(() => ID, { description: 'Id of the lighting outage in this API (stable across re-imports).' })
  id: string;

  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' })
  source: string;

  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' })
  externalId: string;

  @Field(() => Date, { description: 'When it was reported.' })
  reportedAt: Date;

  @Field(() => Date, { nullable: true, description: 'Null while the street is still dark.' })
  fixedAt: Date | null;

  @Field(() => FixStatusEnum, { description: 'OPEN while not fixed, FIXED once fixedAt is set.' })
  status: string;

  @Field(() => String, { nullable: true, description: 'Street name as reported.' })
  street: string | null;

  @Field(() => Float, { description: 'Length of the dark segment in metres (0 for a point).' })
  lengthM: number;

  @Field(() => GeoJSONScalar, { description: 'Point, LineString or MultiLineString, EPSG:4326.' })
  geometry: Geometry;
}

@ObjectType({ description: 'A road defect: pothole, broken surface, missing sidewalk or crosswalk.' })
export class RoadDefect {
  @Field(() => ID, { description: 'Id of the road defect in this API (stable across re-imports).' })
  id: string;

  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' })
  source: string;

  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' })
  externalId: string;

  @Field(() => RoadDefectKindEnum, { description: 'Kind of road defect.' })
  kind: string;

  @Field(() => Date, { description: 'When it was reported.' })
  reportedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was fixed; null while open.' })
  fixedAt: Date | null;

  @Field(() => FixStatusEnum, { description: 'OPEN while not fixed, FIXED once fixedAt is set.' })
  status: string;

  @Field(() => String, { nullable: true, description: 'Street name as reported.' })
  street: string | null;

  @Field(() => GeoJSONScalar, { description: 'Point, LineString or MultiLineString, EPSG:4326.' })
  geometry: Geometry;
}

@ObjectType({ description: 'A youth or sports facility.' })
export class YouthFacility {
  @Field(() => ID, { description: 'Id of the facility in this API (stable across re-imports).' })
  id: string;

  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' })
  source: string;

  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' })
  externalId: string;

  @Field(() => YouthFacilityKindEnum, { description: 'Kind of facility.' })
  kind: string;

  @Field(() => String, { nullable: true, description: 'Name of the facility.' })
  name: string | null;

  @Field(() => Date, { nullable: true, description: 'When it opened; null when unknown (then it counts as always open).' })
  openedAt: Date | null;

  @Field(() => GeoJSONScalar, { description: 'Point or polygon, EPSG:4326.' })
  geometry: Geometry;
}

@ObjectType({ description: 'Residents of one H3 cell.' })
export class PopulationCell {
  @Field(() => ID, { description: 'Id of the population cell in this API (stable across re-imports).' })
  id: string;

  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' })
  source: string;

  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => Int, { description: 'H3 resolution of the stored cell.' })
  resolution: number;

  @Field(() => Int, { description: 'Residents of the cell (synthetic in the demo).' })
  residents: number;

  @Field(() => Int, { description: 'Young people aged 14-24.' })
  youngResidents: number;

  @Field(() => GeoJSONScalar, { description: 'The cell outline as a Polygon.' })
  boundary: Geometry;
}

@ObjectType({ description: 'A feature of an imported factor layer for the risk models: a bar, a bus stop, an abandoned building, ... Present from openedAt (or always) until closedAt (or still).' })
export class RiskFeature {
  @Field(() => ID, { description: 'Id of the feature in this API (stable across re-imports).' })
  id: string;

  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' })
  source: string;

  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' })
  externalId: string;

  @Field({ description: 'The factor the feature belongs to (a slug such as liquor_shop); in riskFactors it is imported:<factor>.' })
  factor: string;

  @Field(() => String, { nullable: true, description: 'The factor in words, as imported; null when none was given.' })
  label: string | null;

  @Field(() => Date, { nullable: true, description: 'When the feature appeared; null when unknown (then it counts as present from the start).' })
  openedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it ceased to be; null while it is still there.' })
  closedAt: Date | null;

  @Field(() => GeoJSONScalar, { description: 'Point, LineString, MultiLineString, Polygon or MultiPolygon, EPSG:4326.' })
  geometry: Geometry;

  @Field({ description: 'H3 cell (hex) at the stored fine resolution, of the point, the middle vertex of a line or the average of a polygon outline.' })
  h3: string;
}

@ObjectType({ description: 'One imported factor layer: its features in the area, how many stand now, and where they came from.' })
export class RiskFeatureLayer {
  @Field({ description: 'The factor (a slug such as liquor_shop); in riskFactors it is imported:<factor>.' })
  factor: string;

  @Field(() => String, { nullable: true, description: 'The most common label of its features (the alphabetically first on a tie); null when none has one.' })
  label: string | null;

  @Field(() => Int, { description: 'Features of the factor in the area, present or not.' })
  featureCount: number;

  @Field(() => Int, { description: 'Features present now: opened (or with no opening date) and not closed.' })
  presentCount: number;

  @Field(() => Date, { nullable: true, description: 'The earliest openedAt of its features; null when none has one.' })
  firstOpenedAt: Date | null;

  @Field(() => Date, { description: 'When a feature of the factor was last inserted or changed by an import.' })
  lastChangedAt: Date;

  @Field(() => [String], { description: 'The distinct sources of its features, in alphabetical order.' })
  sources: string[];
}

@ObjectType({ description: 'Cursor pagination.' })
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor: string | null;

  @Field({ description: 'Whether another page follows.' })
  hasNextPage: boolean;
}

export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
  /** lazy: the count query runs only when a client asks for totalCount */
  totalCount: PromiseLike<number>;
}

export function lazyCount(load: () => Promise<number>): PromiseLike<number> {
  let started: Promise<number> | null = null;
  return {
    then(onFulfilled, onRejected) {
      started ??= load();
      return started.then(onFulfilled, onRejected);
    },
  };
}

/** One connection type per node type, all with the same shape. */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string): ClassType<Page<T>> {
  @ObjectType(`${name}Connection`, { description: `A page of ${name} records.` })
  class ConnectionClass {
    @Field(() => [nodeType], { description: 'The records of this page, in id order.' })
    nodes: T[];

    @Field(() => PageInfo, { description: 'Where this page ends and whether more follow: pass endCursor as `after` for the next page.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'Number of records matching the filter (all pages).' })
    totalCount: PromiseLike<number>;
  }
  return ConnectionClass as unknown as ClassType<Page<T>>;
}

export const IncidentConnection = Connection(Incident, 'Incident');
export const LightingOutageConnection = Connection(LightingOutage, 'LightingOutage');
export const RoadDefectConnection = Connection(RoadDefect, 'RoadDefect');
export const YouthFacilityConnection = Connection(YouthFacility, 'YouthFacility');
export const PostConnection = Connection(Post, 'Post');
export const PopulationCellConnection = Connection(PopulationCell, 'PopulationCell');
export const AreaConnection = Connection(Area, 'Area');
export const RiskFeatureConnection = Connection(RiskFeature, 'RiskFeature');
