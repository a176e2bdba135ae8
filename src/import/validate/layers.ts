/** The record of each layer: which fields it takes, which it requires, and what each must be. */
import {
  AREA_KINDS,
  AreaRecord,
  DEFAULT_WALKING_RADIUS_M,
  INCIDENT_CATEGORIES,
  IncidentRecord,
  Layer,
  LayerRecordMap,
  LightingOutageRecord,
  PointGeometry,
  PopulationRecord,
  POST_KINDS,
  PostRecord,
  ROAD_DEFECT_KINDS,
  RiskFeatureRecord,
  RoadDefectRecord,
  StreetRecord,
  TIME_PRECISIONS,
  TimePrecision,
  YOUTH_FACILITY_KINDS,
  YouthFacilityRecord,
} from '../../domain';
import { isCell } from '../../geo/h3';
import type { RawRow, Validation, ValidationContext } from './types';
import { RowReader } from './rowReader';

function validateIncident(r: RowReader): Validation<IncidentRecord> {
  const record: IncidentRecord = {
    source: r.source(),
    externalId: r.text('external_id', true),
    occurredAt: r.date('occurred_at', true),
    category: r.choice('category', INCIDENT_CATEGORIES, true),
    outdoor: r.boolean('outdoor'),
    description: r.text('description', false),
    geometry: r.geometry(['Point'] as const) as PointGeometry,
    timePrecision: (r.choice('time_precision', TIME_PRECISIONS, false) ?? 'exact') as TimePrecision,
  };
  return r.result(record);
}

function validateOutage(r: RowReader): Validation<LightingOutageRecord> {
  const reportedAt = r.date('reported_at', true);
  const fixedAt = r.date('fixed_at', false);
  if (fixedAt && fixedAt < reportedAt) r.fail('fixed_at', 'is before reported_at');
  return r.result<LightingOutageRecord>({
    source: r.source(),
    externalId: r.text('external_id', true),
    reportedAt,
    fixedAt,
    street: r.text('street', false),
    geometry: r.geometry(['Point', 'LineString', 'MultiLineString'] as const)!,
  });
}

function validateDefect(r: RowReader): Validation<RoadDefectRecord> {
  const reportedAt = r.date('reported_at', true);
  const fixedAt = r.date('fixed_at', false);
  if (fixedAt && fixedAt < reportedAt) r.fail('fixed_at', 'is before reported_at');
  return r.result<RoadDefectRecord>({
    source: r.source(),
    externalId: r.text('external_id', true),
    kind: r.choice('kind', ROAD_DEFECT_KINDS, true),
    reportedAt,
    fixedAt,
    street: r.text('street', false),
    geometry: r.geometry(['Point', 'LineString', 'MultiLineString'] as const)!,
  });
}

function validateFacility(r: RowReader): Validation<YouthFacilityRecord> {
  return r.result<YouthFacilityRecord>({
    source: r.source(),
    externalId: r.text('external_id', true),
    kind: r.choice('kind', YOUTH_FACILITY_KINDS, true),
    name: r.text('name', false),
    openedAt: r.date('opened_at', false),
    geometry: r.geometry(['Point', 'Polygon', 'MultiPolygon'] as const)!,
  });
}

function validatePopulation(r: RowReader): Validation<PopulationRecord> {
  const h3 = (r.text('h3', true) ?? '').toLowerCase();
  if (h3 && !isCell(h3)) r.fail('h3', `"${h3.slice(0, 20)}" is not an H3 cell`);
  const residents = r.number('residents', true, 0, 10_000_000, true) ?? 0;
  const youngResidents = r.number('young_residents', true, 0, 10_000_000, true) ?? 0;
  if (youngResidents > residents) r.fail('young_residents', `${youngResidents} is more than residents (${residents})`);
  return r.result<PopulationRecord>({
    source: r.source(),
    externalId: r.has('external_id') ? r.text('external_id', true) : h3,
    h3,
    residents,
    youngResidents,
  });
}

function validatePost(r: RowReader): Validation<PostRecord> {
  return r.result<PostRecord>({
    source: r.source(),
    externalId: r.text('external_id', true),
    kind: r.choice('kind', POST_KINDS, true),
    name: r.text('name', false),
    walkingRadiusM: r.number('walking_radius_m', false, 50, 5000) ?? DEFAULT_WALKING_RADIUS_M,
    geometry: r.geometry(['Point'] as const) as PointGeometry,
    openedAt: r.date('opened_at', false),
  });
}

function validateArea(r: RowReader): Validation<AreaRecord> {
  return r.result<AreaRecord>({
    source: r.source(),
    externalId: r.text('external_id', true),
    kind: r.choice('kind', AREA_KINDS, true),
    name: r.text('name', true),
    nameRu: r.text('name_ru', false),
    nameKk: r.text('name_kk', false),
    parentExternalId: r.text('parent_external_id', false),
    attribution: r.text('attribution', false),
    geometry: r.geometry(['Polygon', 'MultiPolygon'] as const)!,
  });
}

function validateRiskFeature(r: RowReader): Validation<RiskFeatureRecord> {
  const openedAt = r.date('opened_at', false);
  const closedAt = r.date('closed_at', false);
  if (openedAt && closedAt && closedAt <= openedAt) r.fail('closed_at', 'is not after opened_at');
  return r.result<RiskFeatureRecord>({
    source: r.source(),
    externalId: r.text('external_id', true),
    factor: r.factor(),
    label: r.text('label', false) ?? r.ctx.defaultLabel ?? null,
    openedAt,
    closedAt,
    geometry: r.geometry(['Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'] as const)!,
  });
}

/** OpenStreetMap highway classes nobody walks along; such lines are stored but not routed. */
const NOT_WALKABLE_HIGHWAYS = ['motorway', 'motorway_link', 'trunk_link', 'construction', 'proposed', 'raceway', 'bus_guideway'];

function validateStreet(r: RowReader): Validation<StreetRecord> {
  const highway = r.text('highway', false);
  const walkable = r.boolean('walkable') ?? !(highway !== null && NOT_WALKABLE_HIGHWAYS.includes(highway.toLowerCase()));
  return r.result<StreetRecord>({
    source: r.source(),
    externalId: r.text('external_id', true),
    name: r.text('name', false),
    highway: highway === null ? null : highway.toLowerCase(),
    walkable,
    geometry: r.geometry(['LineString'] as const)!,
  });
}

const validators: { [L in Layer]: (r: RowReader) => Validation<LayerRecordMap[L]> } = {
  incidents: validateIncident,
  lighting_outages: validateOutage,
  road_defects: validateDefect,
  youth_facilities: validateFacility,
  population: validatePopulation,
  posts: validatePost,
  areas: validateArea,
  streets: validateStreet,
  risk_features: validateRiskFeature,
};

export function validateRow<L extends Layer>(layer: L, raw: RawRow, ctx: ValidationContext): Validation<LayerRecordMap[L]> {
  return validators[layer](new RowReader(raw, ctx)) as Validation<LayerRecordMap[L]>;
}

/** The columns each layer's CSV understands, in documentation order. */
export const LAYER_COLUMNS: { [L in Layer]: { required: string[]; optional: string[] } } = {
  incidents: { required: ['external_id', 'occurred_at', 'category', 'source', 'lat', 'lng'], optional: ['outdoor', 'description', 'time_precision'] },
  lighting_outages: { required: ['external_id', 'source', 'reported_at', 'lat', 'lng | geometry'], optional: ['fixed_at', 'street'] },
  road_defects: { required: ['external_id', 'source', 'kind', 'reported_at', 'lat', 'lng | geometry'], optional: ['fixed_at', 'street'] },
  youth_facilities: { required: ['external_id', 'source', 'kind', 'lat', 'lng | geometry'], optional: ['name', 'opened_at'] },
  population: { required: ['source', 'h3', 'residents', 'young_residents'], optional: ['external_id'] },
  posts: { required: ['external_id', 'source', 'kind', 'lat', 'lng'], optional: ['name', 'walking_radius_m', 'opened_at'] },
  areas: { required: ['external_id', 'source', 'kind', 'name', 'geometry'], optional: ['name_ru', 'name_kk', 'parent_external_id', 'attribution'] },
  streets: { required: ['external_id', 'source', 'geometry'], optional: ['name', 'highway', 'walkable'] },
  risk_features: { required: ['external_id', 'source', 'factor', 'lat', 'lng | geometry'], optional: ['label', 'opened_at', 'closed_at'] },
};
