import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { Geometry } from '../domain';
import { AreaKindEnum, IncidentCategoryEnum, PostKindEnum, RoadDefectKindEnum, YouthFacilityKindEnum } from './enums';
import { GeoJSONScalar } from './scalars';

// Record inputs of the import mutations. Field names are the CSV columns in camelCase; the
// same validation as the file import applies (city bounds, dates, geometry checks).

@InputType({ description: 'One incident to import.' })
export class IncidentInput {
  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' }) externalId: string;
  @Field({ description: 'Report channel, e.g. call_112.' }) source: string;
  @Field(() => Date, { description: 'When it happened, ISO 8601 (local times without an offset are read in the city time zone).' }) occurredAt: Date;
  @Field(() => IncidentCategoryEnum, { description: 'What happened.' }) category: string;
  @Field(() => Float, { description: 'Latitude, WGS 84 degrees (give lat and lng for a point).' }) lat: number;
  @Field(() => Float, { description: 'Longitude, WGS 84 degrees.' }) lng: number;
  @Field(() => Boolean, { nullable: true, description: 'Outdoor (street) incident; leave out when the report does not say.' }) outdoor?: boolean;
  @Field(() => String, { nullable: true, description: 'Free-text description from the report.' }) description?: string;
}

@InputType({ description: 'One lighting outage: lat/lng for a point, or a (Multi)LineString geometry for a street segment.' })
export class LightingOutageInput {
  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' }) externalId: string;
  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' }) source: string;
  @Field(() => Date, { description: 'When it was reported.' }) reportedAt: Date;
  @Field(() => Date, { nullable: true, description: 'When it was fixed; null while open.' }) fixedAt?: Date;
  @Field(() => Float, { nullable: true, description: 'Latitude, WGS 84 degrees (give lat and lng for a point).' }) lat?: number;
  @Field(() => Float, { nullable: true, description: 'Longitude, WGS 84 degrees.' }) lng?: number;
  @Field(() => GeoJSONScalar, { nullable: true, description: 'LineString or MultiLineString of the dark street segment (instead of lat/lng).' }) geometry?: Geometry;
  @Field(() => String, { nullable: true, description: 'Street name as reported.' }) street?: string;
}

@InputType({ description: 'One road defect: lat/lng for a point, or a (Multi)LineString geometry.' })
export class RoadDefectInput {
  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' }) externalId: string;
  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' }) source: string;
  @Field(() => RoadDefectKindEnum, { description: 'Kind of road defect.' }) kind: string;
  @Field(() => Date, { description: 'When it was reported.' }) reportedAt: Date;
  @Field(() => Date, { nullable: true, description: 'When it was fixed; null while open.' }) fixedAt?: Date;
  @Field(() => Float, { nullable: true, description: 'Latitude, WGS 84 degrees (give lat and lng for a point).' }) lat?: number;
  @Field(() => Float, { nullable: true, description: 'Longitude, WGS 84 degrees.' }) lng?: number;
  @Field(() => GeoJSONScalar, { nullable: true, description: 'LineString or MultiLineString of the defect (instead of lat/lng).' }) geometry?: Geometry;
  @Field(() => String, { nullable: true, description: 'Street name as reported.' }) street?: string;
}

@InputType({ description: 'One youth facility: lat/lng for a point, or a (Multi)Polygon geometry.' })
export class YouthFacilityInput {
  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' }) externalId: string;
  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' }) source: string;
  @Field(() => YouthFacilityKindEnum, { description: 'Kind of facility.' }) kind: string;
  @Field(() => String, { nullable: true, description: 'Name.' }) name?: string;
  @Field(() => Date, { nullable: true, description: 'When it opened; null when unknown (then it counts as always open).' }) openedAt?: Date;
  @Field(() => Float, { nullable: true, description: 'Latitude, WGS 84 degrees (give lat and lng for a point).' }) lat?: number;
  @Field(() => Float, { nullable: true, description: 'Longitude, WGS 84 degrees.' }) lng?: number;
  @Field(() => GeoJSONScalar, { nullable: true, description: 'Polygon or MultiPolygon of the grounds (instead of lat/lng).' }) geometry?: Geometry;
}

@InputType({ description: 'Residents of one H3 cell.' })
export class PopulationInput {
  @Field(() => String, { nullable: true, description: 'Defaults to the h3 cell.' }) externalId?: string;
  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' }) source: string;
  @Field({ description: 'H3 cell (hex string) of the residents.' }) h3: string;
  @Field(() => Int, { description: 'Residents of the cell.' }) residents: number;
  @Field(() => Int, { description: 'Aged 14-24.' }) youngResidents: number;
}

@InputType({ description: 'One police post.' })
export class PostInput {
  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' }) externalId: string;
  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' }) source: string;
  @Field(() => PostKindEnum, { description: 'Kind of post.' }) kind: string;
  @Field(() => String, { nullable: true, description: 'Name of the post.' }) name?: string;
  @Field(() => Float, { nullable: true, description: 'Metres, 50-5000; default 500.' }) walkingRadiusM?: number;
  @Field(() => Float, { description: 'Latitude, WGS 84 degrees (give lat and lng for a point).' }) lat: number;
  @Field(() => Float, { description: 'Longitude, WGS 84 degrees.' }) lng: number;
  @Field(() => Date, { nullable: true, description: 'When it opened; null when unknown (then it counts as always open).' }) openedAt?: Date;
}

@InputType({ description: 'One district or precinct.' })
export class AreaRecordInput {
  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' }) externalId: string;
  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' }) source: string;
  @Field(() => AreaKindEnum, { description: 'DISTRICT or PRECINCT.' }) kind: string;
  @Field({ description: 'Name.' }) name: string;
  @Field(() => String, { nullable: true, description: 'Name in Russian.' }) nameRu?: string;
  @Field(() => String, { nullable: true, description: 'Name in Kazakh.' }) nameKk?: string;
  @Field(() => String, { nullable: true, description: 'External id of the district (same source) a precinct lies in.' }) parentExternalId?: string;
  @Field(() => String, { nullable: true, description: 'Required attribution of the boundary data, e.g. "(c) OpenStreetMap contributors".' }) attribution?: string;
  @Field(() => GeoJSONScalar, { description: 'Polygon or MultiPolygon, [lng, lat], EPSG:4326.' }) geometry: Geometry;
}

@InputType({ description: 'One feature of an imported factor layer (a bar, a bus stop, an abandoned building, ...): lat/lng for a point, or a geometry.' })
export class RiskFeatureInput {
  @Field({ description: 'Id of the record in its source; imports upsert by (source, externalId).' }) externalId: string;
  @Field({ description: 'Where the record came from (an import source such as demo, osm, call_112, open311); unique together with externalId.' }) source: string;
  @Field({ description: 'The factor the feature belongs to: lower-case letters, digits and _, starting with a letter, at most 48 (e.g. liquor_shop); in riskFactors it becomes imported:<factor>.' }) factor: string;
  @Field(() => String, { nullable: true, description: 'The factor in words, for answers (e.g. "Liquor shops").' }) label?: string;
  @Field(() => Date, { nullable: true, description: 'When the feature appeared (opened, was built); null when unknown (then it counts as present from the start).' }) openedAt?: Date;
  @Field(() => Date, { nullable: true, description: 'When it ceased to be (closed, was demolished); must be after openedAt; null while it is still there.' }) closedAt?: Date;
  @Field(() => Float, { nullable: true, description: 'Latitude, WGS 84 degrees (give lat and lng for a point).' }) lat?: number;
  @Field(() => Float, { nullable: true, description: 'Longitude, WGS 84 degrees.' }) lng?: number;
  @Field(() => GeoJSONScalar, { nullable: true, description: 'Point, LineString, MultiLineString, Polygon or MultiPolygon (instead of lat/lng).' }) geometry?: Geometry;
}

@ObjectType({ description: 'A problem with one field of one record.' })
export class FieldProblem {
  @Field({ description: 'The field, as the CSV column name.' }) field: string;
  @Field({ description: 'What is wrong with the field.' }) reason: string;
}

@ObjectType({ description: 'A record that was refused, with every reason.' })
export class RejectedRecord {
  @Field(() => Int, { description: 'Position of the record in the `records` argument, from 0.' }) index: number;
  @Field(() => String, { nullable: true, description: 'externalId of the refused record, when it had one.' }) externalId: string | null;
  @Field(() => [FieldProblem], { description: 'Every problem found in the record.' }) errors: FieldProblem[];
}

@ObjectType({ description: 'What an import did. Re-importing the same records changes nothing (all unchanged).' })
export class ImportResult {
  @Field(() => Int, { description: 'Records that were new.' }) inserted: number;
  @Field(() => Int, { description: 'Records that existed (same source and externalId) and changed.' }) updated: number;
  @Field(() => Int, { description: 'Records that existed and were the same.' }) unchanged: number;
  @Field(() => Int, { description: 'Number of records refused; see `rejectedRecords`.' }) rejected: number;
  @Field(() => [RejectedRecord], { description: 'Every refused record with its reasons.' }) rejectedRecords: RejectedRecord[];
}

@InputType({
  description:
    'A mapping profile for `rows` (docs/imports.md, "Mapping profiles"): a stored one by name, or one given inline. Give exactly one. Checked as the CLI checks it; errors name the profile field. delimiter and encoding describe files and do not apply to rows.',
})
export class ImportProfileInput {
  @Field(() => String, { nullable: true, description: 'Name of a stored profile (`hotspots profile save <name> <file>`, `hotspots profile list`).' }) name?: string;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'A profile as JSON, in the format of schemas/import-profile.schema.json.' }) inline?: Record<string, unknown>;
}

@ArgsType()
export class RowImportArgs {
  @Field(() => [GraphQLJSONObject], {
    nullable: true,
    description:
      "Instead of records: records as published, one JSON object per row with the source's own columns (as a CSV row or GeoJSON properties: strings, numbers, booleans). Mapped by `profile` when given, else read as the CSV columns of the layer (docs/imports.md). At most the mutation limit per call.",
  })
  rows?: Record<string, unknown>[];

  @Field(() => ImportProfileInput, { nullable: true, description: "How `rows` become the layer's fields: a stored profile by name or an inline one." })
  profile?: ImportProfileInput;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'When true, nothing is written unless every record is valid.' })
  atomic: boolean;
}
