/**
 * Mapping profiles: how a file as published becomes our columns (docs/imports.md, "Mapping
 * profiles"; JSON Schema in schemas/import-profile.schema.json). Per target field a source
 * column or a constant, value maps, date formats and time zone, coordinates in any CRS, and the
 * file's delimiter, encoding and decimal comma. `parseProfile` checks a profile completely
 * before any row is read and names the profile field of every problem.
 */
import { ImportRefusedError } from './errors';
import { AREA_KINDS, INCIDENT_CATEGORIES, Layer, POST_KINDS, ROAD_DEFECT_KINDS, TIME_PRECISIONS, YOUTH_FACILITY_KINDS } from '../domain';
import { epsgCode } from '../geo/crs';
import { compileDateFormat, DateFormat } from './dateFormats';
import { isValidTimeZone } from './dates';
import { LAYER_COLUMNS } from './validate';
import { vocabularyKey, vocabularyValue } from './vocabulary';

export const DATE_PARTS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

export interface FieldSpec {
  /** the source column (matched case-insensitively) */
  column?: string;
  /** a constant for every row */
  value?: string | number | boolean;
  /** a date-time assembled from several columns */
  parts?: Partial<Record<DatePart, string>>;
  /** date-time formats tried in order; `serial` is a spreadsheet day number; `iso` the default reading */
  formats?: DateFormat[];
  /** source value key (vocabularyKey) -> target value; `*` for every value not listed */
  values?: Map<string, string>;
  valuesDefault?: string;
}

export interface CoordinateSpec {
  lat?: string;
  lng?: string;
  x?: string;
  y?: string;
  /** EPSG code of x/y (or of the geometries of a GeoJSON); 4326 when not given */
  epsg: number;
}

export interface ImportProfile {
  name: string | null;
  layer: Layer | null;
  delimiter: string | null;
  encoding: string | null;
  decimalComma: boolean | null;
  timeZone: string | null;
  fields: Map<string, FieldSpec>;
  coordinates: CoordinateSpec | null;
}

/** A profile that cannot be used: the message names the profile field. */
export class ProfileError extends ImportRefusedError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The target fields a layer takes (its columns, with `lat`, `lng` and `geometry` spelled out). */
export function layerFields(layer: Layer): string[] {
  const { required, optional } = LAYER_COLUMNS[layer];
  const fields = [...required, ...optional].flatMap((c) => c.split('|').map((s) => s.trim()));
  if (layer !== 'population' && !fields.includes('geometry')) fields.push('geometry');
  return [...new Set(fields)];
}

/** Fields whose values are one of a list: the lists a value map must map into. */
export const CHOICE_FIELDS: Partial<Record<Layer, Record<string, readonly string[]>>> = {
  incidents: { category: INCIDENT_CATEGORIES, time_precision: TIME_PRECISIONS },
  road_defects: { kind: ROAD_DEFECT_KINDS },
  youth_facilities: { kind: YOUTH_FACILITY_KINDS },
  posts: { kind: POST_KINDS },
  areas: { kind: AREA_KINDS },
};

export function isDateField(field: string): boolean {
  return field.endsWith('_at');
}

export const NUMBER_FIELDS = new Set(['lat', 'lng', 'residents', 'young_residents', 'walking_radius_m']);

const TOP_KEYS = ['$schema', 'name', 'description', 'layer', 'delimiter', 'encoding', 'decimalComma', 'timeZone', 'fields', 'coordinates'];
const FIELD_KEYS = ['column', 'value', 'parts', 'format', 'values'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/**
 * Reads and checks a profile for a layer; throws ProfileError naming the field at fault.
 * `encodingExists` tells whether a character encoding is known (iconv-lite's, from the caller).
 */
export function parseProfile(input: unknown, layer: Layer, encodingExists: (name: string) => boolean = () => true): ImportProfile {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (error) {
      throw new ProfileError(`the profile is not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(json)) throw new ProfileError('the profile must be a JSON object with "fields"');
  const fail = (path: string, reason: string): never => {
    throw new ProfileError(`profile field ${path}: ${reason}`);
  };
  for (const key of Object.keys(json)) if (!TOP_KEYS.includes(key)) fail(key, `is not a profile setting (settings: ${TOP_KEYS.slice(1).join(', ')})`);
  if (json.layer !== undefined && json.layer !== layer) fail('layer', `the profile is for ${String(json.layer)}, the import is into ${layer}`);
  let delimiter: string | null = null;
  if (json.delimiter !== undefined) {
    const d = json.delimiter === 'tab' || json.delimiter === '\\t' ? '\t' : json.delimiter;
    if (typeof d !== 'string' || d.length !== 1 || d === '"' || d === '\n' || d === '\r') fail('delimiter', 'must be one character (",", ";", "|" or "tab"), not a quote or line break');
    delimiter = d as string;
  }
  let encoding: string | null = null;
  if (json.encoding !== undefined) {
    if (!nonEmptyString(json.encoding) || !encodingExists(json.encoding)) fail('encoding', `"${String(json.encoding)}" is not a known character encoding (e.g. utf-8, windows-1251, koi8-r, utf-16le)`);
    encoding = json.encoding as string;
  }
  if (json.decimalComma !== undefined && typeof json.decimalComma !== 'boolean') fail('decimalComma', 'must be true or false');
  let timeZone: string | null = null;
  if (json.timeZone !== undefined) {
    if (!nonEmptyString(json.timeZone) || !isValidTimeZone(json.timeZone)) fail('timeZone', `"${String(json.timeZone)}" is not an IANA time zone (e.g. Asia/Almaty)`);
    timeZone = json.timeZone as string;
  }
  const allowed = layerFields(layer);
  const fields = new Map<string, FieldSpec>();
  if (json.fields !== undefined && !isObject(json.fields)) fail('fields', 'must be an object of target field -> column or { column | value | parts, format, values }');
  for (const [target, raw] of Object.entries((json.fields ?? {}) as Record<string, unknown>)) {
    const path = `fields.${target}`;
    if (!allowed.includes(target)) fail(path, `${layer} has no field ${target} (fields: ${allowed.join(', ')})`);
    const spec: FieldSpec = {};
    if (typeof raw === 'string') {
      if (raw.trim() === '') fail(path, 'a column name must not be empty');
      spec.column = raw;
    } else if (isObject(raw)) {
      for (const key of Object.keys(raw)) if (!FIELD_KEYS.includes(key)) fail(`${path}.${key}`, `is not a field setting (settings: ${FIELD_KEYS.join(', ')})`);
      const sources = ['column', 'value', 'parts'].filter((k) => raw[k] !== undefined);
      if (sources.length !== 1) fail(path, 'needs exactly one of column, value or parts');
      if (raw.column !== undefined) {
        if (!nonEmptyString(raw.column)) fail(`${path}.column`, 'must be a column name');
        spec.column = raw.column as string;
      }
      if (raw.value !== undefined) {
        if (!['string', 'number', 'boolean'].includes(typeof raw.value)) fail(`${path}.value`, 'must be text, a number or true/false');
        spec.value = raw.value as string | number | boolean;
      }
      if (raw.parts !== undefined) {
        if (!isDateField(target)) fail(`${path}.parts`, `only date-time fields are assembled from parts; ${target} is not one`);
        if (!isObject(raw.parts)) fail(`${path}.parts`, 'must be an object of year, month, day, hour, minute, second -> column');
        const parts = raw.parts as Record<string, unknown>;
        for (const [part, column] of Object.entries(parts)) {
          if (!(DATE_PARTS as readonly string[]).includes(part)) fail(`${path}.parts.${part}`, `is not a date part (${DATE_PARTS.join(', ')})`);
          if (!nonEmptyString(column)) fail(`${path}.parts.${part}`, 'must be a column name');
        }
        for (const part of ['year', 'month', 'day']) if (parts[part] === undefined) fail(`${path}.parts`, `needs ${part}`);
        spec.parts = parts as Partial<Record<DatePart, string>>;
      }
      if (raw.format !== undefined) {
        if (!isDateField(target)) fail(`${path}.format`, `formats are for date-time fields; ${target} is not one`);
        const list = Array.isArray(raw.format) ? raw.format : [raw.format];
        if (list.length === 0) fail(`${path}.format`, 'must name at least one format');
        spec.formats = list.map((pattern, k) => {
          const at = Array.isArray(raw.format) ? `${path}.format[${k}]` : `${path}.format`;
          if (!nonEmptyString(pattern)) fail(at, 'must be a date format such as "dd.MM.yyyy HH:mm"');
          try {
            return profileDateFormat(pattern as string);
          } catch (error) {
            return fail(at, (error as Error).message);
          }
        });
      }
      if (raw.values !== undefined) {
        if (!isObject(raw.values)) fail(`${path}.values`, 'must be an object of source value -> target value ("*" for every other value)');
        const values = new Map<string, string>();
        const choices = CHOICE_FIELDS[layer]?.[target];
        for (const [from, to] of Object.entries(raw.values as Record<string, unknown>)) {
          if (typeof to !== 'string') fail(`${path}.values["${from}"]`, 'must be text');
          if (choices && !choiceNames(to as string, choices)) fail(`${path}.values["${from}"]`, `"${String(to)}" is not a ${target} (one of ${choices.join(', ')})`);
          if (from === '*') spec.valuesDefault = to as string;
          else values.set(vocabularyKey(from), to as string);
        }
        spec.values = values;
      }
    } else {
      fail(path, 'must be a column name or an object { column | value | parts, format, values }');
    }
    fields.set(target, spec);
  }
  let coordinates: CoordinateSpec | null = null;
  if (json.coordinates !== undefined) {
    const c = json.coordinates;
    if (!isObject(c)) fail('coordinates', 'must be { "lat": column, "lng": column } or { "x": column, "y": column, "crs": "EPSG:32643" }');
    const obj = c as Record<string, unknown>;
    for (const key of Object.keys(obj)) if (!['lat', 'lng', 'x', 'y', 'crs'].includes(key)) fail(`coordinates.${key}`, 'is not a coordinate setting (lat, lng, x, y, crs)');
    for (const key of ['lat', 'lng', 'x', 'y']) if (obj[key] !== undefined && !nonEmptyString(obj[key])) fail(`coordinates.${key}`, 'must be a column name');
    const latLng = obj.lat !== undefined || obj.lng !== undefined;
    const xy = obj.x !== undefined || obj.y !== undefined;
    if (latLng && xy) fail('coordinates', 'give lat and lng, or x and y with crs, not both');
    if (latLng && (obj.lat === undefined || obj.lng === undefined)) fail('coordinates', 'needs both lat and lng');
    if (xy && (obj.x === undefined || obj.y === undefined)) fail('coordinates', 'needs both x and y');
    let epsg = 4326;
    if (obj.crs !== undefined) {
      const code = typeof obj.crs === 'number' ? obj.crs : typeof obj.crs === 'string' ? epsgCode(obj.crs) : null;
      if (code === null || !Number.isInteger(code)) fail('coordinates.crs', `"${String(obj.crs)}" is not an EPSG code (e.g. "EPSG:32643")`);
      epsg = code as number;
    }
    if (latLng && epsg !== 4326) fail('coordinates.crs', 'lat and lng are WGS 84 (EPSG:4326); projected coordinates go in x and y');
    if (fields.has('lat') || fields.has('lng')) fail('coordinates', 'give the coordinates either here or as fields.lat and fields.lng, not both');
    coordinates = { lat: obj.lat as string | undefined, lng: obj.lng as string | undefined, x: obj.x as string | undefined, y: obj.y as string | undefined, epsg };
  }
  return {
    name: typeof json.name === 'string' ? json.name : null,
    layer,
    delimiter,
    encoding,
    decimalComma: typeof json.decimalComma === 'boolean' ? json.decimalComma : null,
    timeZone,
    fields,
    coordinates,
  };
}

/** Whether a text names one of the choices, as the validator will read it (spelling or vocabulary). */
function choiceNames(text: string, choices: readonly string[]): boolean {
  return (
    choices.includes(
      text
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
    ) || vocabularyValue(text, choices) !== null
  );
}

/** A profile's date format: `iso` is the default reading (no pattern of its own), any other a pattern. */
function profileDateFormat(pattern: string): DateFormat {
  return pattern === 'iso' ? { pattern: 'iso', parse: () => null } : compileDateFormat(pattern);
}

/**
 * A profile as it crosses to a worker thread: structured clone copies Maps but not functions, so
 * each compiled date format travels as its pattern (`revivedProfile` compiles it again there).
 */
export function portableProfile(profile: ImportProfile | null): ImportProfile | null {
  if (!profile) return null;
  const fields = new Map<string, FieldSpec>();
  for (const [name, spec] of profile.fields) fields.set(name, spec.formats ? { ...spec, formats: spec.formats.map((f) => ({ pattern: f.pattern }) as DateFormat) } : spec);
  return { ...profile, fields };
}

/** The profile of `portableProfile` with its date formats compiled again. */
export function revivedProfile(profile: ImportProfile | null): ImportProfile | null {
  if (!profile) return null;
  const fields = new Map<string, FieldSpec>();
  for (const [name, spec] of profile.fields) fields.set(name, spec.formats ? { ...spec, formats: spec.formats.map((f) => profileDateFormat(f.pattern)) } : spec);
  return { ...profile, fields };
}
