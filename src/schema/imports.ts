import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { Geometry } from '../domain';
import { AreaKindEnum, IncidentCategoryEnum, PostKindEnum, RoadDefectKindEnum, YouthFacilityKindEnum } from './enums';
import { GeoJSONScalar } from './scalars';

// Record inputs of the import mutations. Field names are the CSV columns in camelCase; the
// same validation as the file import applies (city bounds, dates, geometry checks).

@InputType({ description: 'One incident to import.' })
export class IncidentInput {
  @Field() externalId: string;
  @Field({ description: 'Report channel, e.g. call_112.' }) source: string;
  @Field(() => Date) occurredAt: Date;
  @Field(() => IncidentCategoryEnum) category: string;
  @Field(() => Float) lat: number;
  @Field(() => Float) lng: number;
  @Field(() => Boolean, { nullable: true }) outdoor?: boolean;
  @Field(() => String, { nullable: true }) description?: string;
}

@InputType({ description: 'One lighting outage: lat/lng for a point, or a (Multi)LineString geometry for a street segment.' })
export class LightingOutageInput {
  @Field() externalId: string;
  @Field() source: string;
  @Field(() => Date) reportedAt: Date;
  @Field(() => Date, { nullable: true }) fixedAt?: Date;
  @Field(() => Float, { nullable: true }) lat?: number;
  @Field(() => Float, { nullable: true }) lng?: number;
  @Field(() => GeoJSONScalar, { nullable: true }) geometry?: Geometry;
  @Field(() => String, { nullable: true }) street?: string;
}

@InputType({ description: 'One road defect: lat/lng for a point, or a (Multi)LineString geometry.' })
export class RoadDefectInput {
  @Field() externalId: string;
  @Field() source: string;
  @Field(() => RoadDefectKindEnum) kind: string;
  @Field(() => Date) reportedAt: Date;
  @Field(() => Date, { nullable: true }) fixedAt?: Date;
  @Field(() => Float, { nullable: true }) lat?: number;
  @Field(() => Float, { nullable: true }) lng?: number;
  @Field(() => GeoJSONScalar, { nullable: true }) geometry?: Geometry;
  @Field(() => String, { nullable: true }) street?: string;
}

@InputType({ description: 'One youth facility: lat/lng for a point, or a (Multi)Polygon geometry.' })
export class YouthFacilityInput {
  @Field() externalId: string;
  @Field() source: string;
  @Field(() => YouthFacilityKindEnum) kind: string;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => Date, { nullable: true }) openedAt?: Date;
  @Field(() => Float, { nullable: true }) lat?: number;
  @Field(() => Float, { nullable: true }) lng?: number;
  @Field(() => GeoJSONScalar, { nullable: true }) geometry?: Geometry;
}

@InputType({ description: 'Residents of one H3 cell.' })
export class PopulationInput {
  @Field(() => String, { nullable: true, description: 'Defaults to the h3 cell.' }) externalId?: string;
  @Field() source: string;
  @Field() h3: string;
  @Field(() => Int) residents: number;
  @Field(() => Int, { description: 'Aged 14-24.' }) youngResidents: number;
}

@InputType({ description: 'One police post.' })
export class PostInput {
  @Field() externalId: string;
  @Field() source: string;
  @Field(() => PostKindEnum) kind: string;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => Float, { nullable: true, description: 'Metres, 50-5000; default 500.' }) walkingRadiusM?: number;
  @Field(() => Float) lat: number;
  @Field(() => Float) lng: number;
  @Field(() => Date, { nullable: true }) openedAt?: Date;
}

@InputType({ description: 'One district or precinct.' })
export class AreaRecordInput {
  @Field() externalId: string;
  @Field() source: string;
  @Field(() => AreaKindEnum) kind: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) nameRu?: string;
  @Field(() => String, { nullable: true }) nameKk?: string;
  @Field(() => String, { nullable: true, description: 'External id of the district (same source) a precinct lies in.' }) parentExternalId?: string;
  @Field(() => String, { nullable: true }) attribution?: string;
  @Field(() => GeoJSONScalar) geometry: Geometry;
}

@ObjectType({ description: 'A problem with one field of one record.' })
export class FieldProblem {
  @Field({ description: 'The field, as the CSV column name.' }) field: string;
  @Field() reason: string;
}

@ObjectType({ description: 'A record that was refused, with every reason.' })
export class RejectedRecord {
  @Field(() => Int, { description: 'Position of the record in the `records` argument, from 0.' }) index: number;
  @Field(() => String, { nullable: true }) externalId: string | null;
  @Field(() => [FieldProblem]) errors: FieldProblem[];
}

@ObjectType({ description: 'What an import did. Re-importing the same records changes nothing (all unchanged).' })
export class ImportResult {
  @Field(() => Int) inserted: number;
  @Field(() => Int) updated: number;
  @Field(() => Int) unchanged: number;
  @Field(() => Int, { description: 'Number of records refused; see `rejectedRecords`.' }) rejected: number;
  @Field(() => [RejectedRecord]) rejectedRecords: RejectedRecord[];
}
