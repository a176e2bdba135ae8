/**
 * Validation of one record of any layer, shared by file imports and GraphQL mutations so that
 * both accept and refuse exactly the same things. A raw row is a flat map of column names to
 * values (CSV text, GeoJSON properties, or GraphQL input); every problem is reported with the
 * field it concerns, all of them at once.
 */
import { kinks } from '@turf/turf';
import {
  AREA_KINDS,
  AreaRecord,
  BBox,
  DEFAULT_WALKING_RADIUS_M,
  Geometry,
  INCIDENT_CATEGORIES,
  IncidentRecord,
  Layer,
  LayerRecordMap,
  LightingOutageRecord,
  PointGeometry,
  PopulationRecord,
  Position,
  POST_KINDS,
  PostRecord,
  ROAD_DEFECT_KINDS,
  RISK_FEATURE_FACTOR_PATTERN,
  RiskFeatureRecord,
  RoadDefectRecord,
  StreetRecord,
  TIME_PRECISIONS,
  TimePrecision,
  YOUTH_FACILITY_KINDS,
  YouthFacilityRecord,
} from '../domain';
import { isCell } from '../geo/h3';
import { parseDateTime } from './dates';

export type RawRow = Record<string, unknown>;

export interface FieldError {
  field: string;
  reason: string;
}

export type Validation<T> = { ok: true; record: T } | { ok: false; errors: FieldError[] };

export interface ValidationContext {
  bounds: BBox;
  timeZone: string;
  /** used when a row has no `source` of its own */
  defaultSource?: string;
  /** risk_features: used when a row names no `factor` of its own (one file, one factor layer) */
  defaultFactor?: string;
  /** risk_features: used when a row has no `label` of its own */
  defaultLabel?: string;
}

const MAX_TEXT = 2000;
const MAX_VERTICES = 100000;

/** Per list of allowed values: text as written -> the value it names, or null for none. */
const choiceCache = new WeakMap<readonly string[], Map<string, string | null>>();
/**
 * Distinct spellings remembered per list: a file of a million distinct bad values stays bounded
 * (a remembered text may keep the piece of the file it was cut from alive, so few are kept).
 */
const MAX_CACHED_CHOICES = 256;

/**
 * The allowed value a text names (lower case, runs of blanks and hyphens as `_`), or null. A
 * million rows spell a category a handful of ways, so each spelling is worked out once.
 */
function normaliseChoice<T extends string>(text: string, allowed: readonly T[]): T | null {
  let cache = choiceCache.get(allowed);
  if (!cache) {
    cache = new Map();
    choiceCache.set(allowed, cache);
  }
  const cached = cache.get(text);
  if (cached !== undefined) return cached as T | null;
  const normalised = text.toLowerCase().replace(/[\s-]+/g, '_');
  const value = (allowed as readonly string[]).includes(normalised) ? (normalised as T) : null;
  if (cache.size < MAX_CACHED_CHOICES) cache.set(text, value);
  return value;
}

class RowReader {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly raw: RawRow,
    readonly ctx: ValidationContext,
  ) {}

  fail(field: string, reason: string): void {
    this.errors.push({ field, reason });
  }

  private value(field: string): unknown {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && v.trim() === '') return undefined;
    return v;
  }

  has(field: string): boolean {
    return this.value(field) !== undefined;
  }

  text(field: string, required: true): string;
  text(field: string, required: false): string | null;
  text(field: string, required: boolean): string | null {
    const v = this.value(field);
    if (v === undefined) {
      if (required) this.fail(field, 'is required');
      return required ? '' : null;
    }
    const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : null;
    if (s === null) {
      this.fail(field, 'must be text');
      return required ? '' : null;
    }
    if (s.length > MAX_TEXT) {
      this.fail(field, `must be at most ${MAX_TEXT} characters`);
      return required ? '' : null;
    }
    return s;
  }

  factor(): string {
    if (!this.has('factor') && this.ctx.defaultFactor !== undefined) {
      if (!RISK_FEATURE_FACTOR_PATTERN.test(this.ctx.defaultFactor)) this.fail('factor', `"${this.ctx.defaultFactor.slice(0, 60)}" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)`);
      return this.ctx.defaultFactor;
    }
    const name = this.text('factor', true);
    if (name && !RISK_FEATURE_FACTOR_PATTERN.test(name)) this.fail('factor', `"${name.slice(0, 60)}" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)`);
    return name;
  }

  source(): string {
    if (!this.has('source') && this.ctx.defaultSource) return this.ctx.defaultSource;
    return this.text('source', true);
  }

  date(field: string, required: true): Date;
  date(field: string, required: false): Date | null;
  date(field: string, required: boolean): Date | null {
    const v = this.value(field);
    if (v === undefined) {
      if (required) this.fail(field, 'is required');
      return required ? new Date(NaN) : null;
    }
    let parsed: Date | null = null;
    if (v instanceof Date) parsed = Number.isNaN(v.getTime()) ? null : v;
    else if (typeof v === 'string') parsed = parseDateTime(v, this.ctx.timeZone);
    if (!parsed) {
      this.fail(field, `"${String(v).slice(0, 40)}" is not a date-time (use ISO 8601, e.g. 2026-03-01T21:30:00+05:00)`);
      return required ? new Date(NaN) : null;
    }
    const year = parsed.getUTCFullYear();
    if (year < 1990 || parsed.getTime() > Date.now() + 366 * 86400000) {
      this.fail(field, `${parsed.toISOString()} is outside the accepted range (1990 to one year from now)`);
    }
    return parsed;
  }

  number(field: string, required: boolean, min: number, max: number, integer = false): number | null {
    const v = this.value(field);
    if (v === undefined) {
      if (required) this.fail(field, 'is required');
      return null;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
    if (!Number.isFinite(n)) {
      this.fail(field, `"${String(v).slice(0, 40)}" is not a number`);
      return null;
    }
    if (integer && !Number.isInteger(n)) {
      this.fail(field, `must be a whole number, got ${n}`);
      return null;
    }
    if (n < min || n > max) {
      this.fail(field, `must be from ${min} to ${max}, got ${n}`);
      return null;
    }
    return n;
  }

  choice<T extends string>(field: string, allowed: readonly T[], required: true): T;
  choice<T extends string>(field: string, allowed: readonly T[], required: false): T | null;
  choice<T extends string>(field: string, allowed: readonly T[], required: boolean): T | null {
    const s = this.text(field, false);
    if (s === null) {
      if (required) this.fail(field, 'is required');
      return null;
    }
    const normalised = normaliseChoice(s, allowed);
    if (normalised === null) {
      this.fail(field, `unknown value "${s.slice(0, 40)}"; expected one of ${allowed.join(', ')}`);
      return null;
    }
    return normalised as T;
  }

  boolean(field: string): boolean | null {
    const v = this.value(field);
    if (v === undefined) return null;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (['true', 't', 'yes', 'y', '1'].includes(s)) return true;
    if (['false', 'f', 'no', 'n', '0'].includes(s)) return false;
    this.fail(field, `"${s.slice(0, 20)}" is not true or false`);
    return null;
  }

  /**
   * The geometry of a row: a GeoJSON `geometry` (object or JSON text), or else `lat` and `lng`.
   * Checked for type, shape, ring closure, bounds and self-intersection before it nears SQL.
   */
  geometry<T extends Geometry['type']>(allowed: readonly T[]): Extract<Geometry, { type: T }> | null {
    let geometry: unknown = this.value('geometry');
    if (geometry === undefined) {
      if (!allowed.includes('Point' as T)) {
        this.fail('geometry', `is required (a GeoJSON ${allowed.join(' or ')})`);
        return null;
      }
      const lat = this.number('lat', true, -90, 90);
      const lng = this.number('lng', true, -180, 180);
      if (lat === null || lng === null) return null;
      if (!this.inBounds([lng, lat])) {
        this.fail('lat', `point (${lat}, ${lng}) is outside the city bounds ${this.ctx.bounds.join(',')} (lng/lat)`);
        return null;
      }
      return { type: 'Point', coordinates: [lng, lat] } as Extract<Geometry, { type: T }>;
    }
    if (typeof geometry === 'string') {
      try {
        geometry = JSON.parse(geometry);
      } catch {
        this.fail('geometry', 'is not valid JSON');
        return null;
      }
    }
    const problem = geometryProblem(geometry, allowed, this.ctx.bounds);
    if (problem) {
      this.fail('geometry', problem);
      return null;
    }
    return geometry as Extract<Geometry, { type: T }>;
  }

  private inBounds([lng, lat]: Position): boolean {
    const [minLng, minLat, maxLng, maxLat] = this.ctx.bounds;
    return lng >= minLng && lng <= maxLng && lat >= minLat && lat <= maxLat;
  }

  result<T>(record: T): Validation<T> {
    return this.errors.length === 0 ? { ok: true, record } : { ok: false, errors: this.errors };
  }
}

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

export function geometryProblem(geometry: unknown, allowed: readonly string[], bounds: BBox): string | null {
const inBounds = ([lng, lat]: Position): boolean => lng >= bounds[0] && lng <= bounds[2] && lat >= bounds[1] && lat <= bounds[3];
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry)) return 'must be a GeoJSON geometry object';
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string' || !allowed.includes(type)) return `type must be ${allowed.join(' or ')}, got ${String(type)}`;
  let vertices = 0;
  const position = (p: unknown): string | null => {
    vertices++;
    if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((c) => typeof c === 'number' && Number.isFinite(c))) {
      return 'every position must be [lng, lat] numbers';
    }
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) return `position [${p[0]}, ${p[1]}] is not a longitude/latitude`;
    if (!inBounds([p[0], p[1]])) return `position [${p[0]}, ${p[1]}] is outside the city bounds ${bounds.join(',')} (lng/lat)`;
    return null;
  };
  const line = (l: unknown, minLength: number): string | null => {
    if (!Array.isArray(l) || l.length < minLength) return `a line needs at least ${minLength} positions`;
    for (const p of l) {
      const e = position(p);
      if (e) return e;
    }
    return null;
  };
  const ring = (r: unknown): string | null => {
    const e = line(r, 4);
    if (e) return e.replace('a line', 'a polygon ring');
    const positions = r as number[][];
    const first = positions[0];
    const last = positions[positions.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) return 'a polygon ring must be closed (first position equals last)';
    return null;
  };
  const polygon = (rings: unknown): string | null => {
    if (!Array.isArray(rings) || rings.length === 0) return 'a polygon needs at least one ring';
    for (const r of rings) {
      const e = ring(r);
      if (e) return e;
    }
    return null;
  };
  let problem: string | null;
  switch (type) {
    case 'Point':
      problem = position(coordinates);
      break;
    case 'LineString':
      problem = line(coordinates, 2);
      break;
    case 'MultiLineString':
      problem = Array.isArray(coordinates) && coordinates.length > 0 ? coordinates.map((l) => line(l, 2)).find((e) => e) ?? null : 'needs at least one line';
      break;
    case 'Polygon':
      problem = polygon(coordinates);
      break;
    case 'MultiPolygon':
      problem = Array.isArray(coordinates) && coordinates.length > 0 ? coordinates.map(polygon).find((e) => e) ?? null : 'needs at least one polygon';
      break;
    default:
      problem = `unsupported type ${type}`;
  }
  if (problem) return problem;
  if (vertices > MAX_VERTICES) return `has ${vertices} positions; at most ${MAX_VERTICES} are accepted`;
  if ((type === 'Polygon' || type === 'MultiPolygon') && kinks({ type, coordinates } as GeoJSON.Polygon).features.length > 0) {
    return 'polygon is self-intersecting';
  }
  return null;
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
