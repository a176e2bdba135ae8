/**
 * From the columns of a file to the fields of a layer, checked once before any row is read:
 * every required field must be filled by a profile entry or a column of (nearly) its name, or
 * the import stops with one message listing what is missing and the columns that look like it.
 * Then `RowMapper.map` turns each source row into the raw row the validator reads. Without a
 * profile and with columns named as our fields, the row passes through untouched (the 1,000,000
 * row imports pay nothing for this).
 */
import { ImportRefusedError } from './errors';
import type { Layer } from '../domain';
import { convertCoordinates, ToWgs84 } from '../geo/crs';
import { assembleDateTime } from './dateFormats';
import { parseDateTime } from './dates';
import { DatePart, FieldSpec, ImportProfile, isDateField, layerFields, NUMBER_FIELDS } from './profile';
import { FieldError, LAYER_COLUMNS, RawRow } from './validate';
import { vocabularyKey } from './vocabulary';

/** The file's header does not give the layer what it needs; nothing has been read or stored. */
export class HeaderError extends ImportRefusedError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Names under which data portals and registers publish our fields (column names compared loosely). */
const LOOKALIKES: Record<string, string[]> = {
  external_id: ['id', 'case', 'number', 'no', 'nr', 'request', 'objectid', 'fid', 'номер', 'код', 'нөмір'],
  source: ['source', 'channel', 'источник', 'канал', 'дереккөз'],
  occurred_at: ['date', 'time', 'occurred', 'datetime', 'timestamp', 'created', 'year', 'дата', 'время', 'күні', 'уақыты'],
  reported_at: ['date', 'created', 'reported', 'requested', 'opened', 'дата', 'создан', 'күні'],
  fixed_at: ['completed', 'closed', 'fixed', 'resolved', 'updated', 'закрыт', 'устранен'],
  opened_at: ['opened', 'date', 'since', 'открыт'],
  closed_at: ['closed', 'until', 'закрыт'],
  category: ['type', 'category', 'crime', 'offense', 'offence', 'iucr', 'категория', 'статья', 'вид', 'санат', 'түрі'],
  kind: ['type', 'kind', 'category', 'вид', 'тип', 'түрі'],
  lat: ['latitude', 'lat', 'y', 'ycoord', 'ycoordinate', 'northing', 'широта', 'ендік'],
  lng: ['longitude', 'lon', 'long', 'lng', 'x', 'xcoord', 'xcoordinate', 'easting', 'долгота', 'бойлық'],
  geometry: ['geometry', 'geom', 'wkt', 'shape', 'location', 'the_geom'],
  street: ['address', 'street', 'location', 'block', 'адрес', 'улица', 'мекенжай'],
  description: ['description', 'details', 'описание', 'сипаттама'],
  name: ['name', 'title', 'название', 'наименование', 'атауы'],
  h3: ['h3', 'cell', 'hex'],
  residents: ['residents', 'population', 'pop', 'население', 'халық'],
  young_residents: ['young', 'youth', 'молодеж'],
  factor: ['factor', 'type', 'kind'],
};

/** Lower case, letters and digits only: `Latitude_WGS84` -> `latitudewgs84`, `externalId` -> `externalid`. */
export function looseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The column of `columns` a name means: exactly, then ignoring case and blanks, then loosely. */
export function findColumn(columns: readonly string[], name: string): string | null {
  if (columns.includes(name)) return name;
  const lower = name.trim().toLowerCase();
  const byCase = columns.find((c) => c.trim().toLowerCase() === lower);
  if (byCase !== undefined) return byCase;
  const loose = looseName(name);
  return columns.find((c) => looseName(c) === loose) ?? null;
}

/** Columns that look like a field (for the message about a missing one, and `hotspots inspect`). */
export function lookalikeColumns(columns: readonly string[], field: string): string[] {
  const names = [looseName(field), ...(LOOKALIKES[field] ?? []).map(looseName)];
  return columns.filter((column) => {
    const c = looseName(column);
    if (c === '') return false;
    return names.some((n) => c === n || (n.length >= 3 && (c.startsWith(n) || c.endsWith(n) || (n.length >= 4 && c.includes(n)))) || (c.length <= 2 && c === n));
  });
}

/** How the layer places its rows: by lat/lng only, by a geometry only, or by either. */
function geometryMode(layer: Layer): 'point' | 'geometry' | 'either' | 'none' {
  const required = LAYER_COLUMNS[layer].required;
  if (layer === 'population') return 'none';
  if (required.includes('geometry')) return 'geometry';
  if (required.some((c) => c.includes('|'))) return 'either';
  return 'point';
}

export interface MapperOptions {
  layer: Layer;
  /** time zone of local date-times (the profile's wins) */
  timeZone: string;
  defaultSource?: string;
  defaultFactor?: string;
  /** numbers written with a decimal comma (the profile's setting wins) */
  decimalComma: boolean;
  /** from the profile's coordinate system to WGS 84; required when the profile names one other than 4326 */
  toWgs84?: ToWgs84 | null;
  /** what the columns are called in messages: `column` (CSV) or `property` (GeoJSON, GIS) */
  columnWord?: string;
  /** convert `geometry` from the profile's CRS (not for GIS files: GDAL reprojects those itself) */
  convertGeometry?: boolean;
  /** date-times as GDAL writes them (`2026/07/18 22:10:00+05`) are read as ISO 8601 (GIS files) */
  gdalDates?: boolean;
}

/** GDAL's date-time text (`2026/07/18 22:10:00`, `...+05`, `...+0530`) as ISO 8601; other text unchanged. */
export function gdalDateTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^(\d{4})\/(\d{2})\/(\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value.trim());
  if (!match) return value;
  const [, y, m, d, time, zone] = match;
  const offset = zone === undefined ? '' : zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone;
  return time ? `${y}-${m}-${d}T${time}${offset}` : `${y}-${m}-${d}`;
}

type Getter = (raw: RawRow, errors: FieldError[]) => unknown;

export interface RowMapper {
  /** true when rows pass through unchanged */
  readonly identity: boolean;
  /** target field -> where it comes from, for `hotspots inspect` */
  readonly sources: Map<string, string>;
  map(raw: RawRow): { raw: RawRow; errors: FieldError[] };
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

const BLANKS = /\s/;
const ALL_BLANKS = /\s/g;

function decimal(v: unknown, decimalComma: boolean): unknown {
  if (!decimalComma || typeof v !== 'string') return v;
  // thousands written with blanks (`1 234,5`) lose them; most values have none
  return (BLANKS.test(v) ? v.replace(ALL_BLANKS, '') : v).replace(',', '.');
}

function show(v: unknown): string {
  return String(v).slice(0, 40);
}

/**
 * Checks the columns against the layer (and profile) and builds the row mapper; throws
 * HeaderError listing every missing field with its lookalike columns, and every profile column
 * that the file lacks.
 */
export function buildRowMapper(profile: ImportProfile | null, columns: readonly string[], options: MapperOptions): RowMapper {
  const { layer } = options;
  const word = options.columnWord ?? 'column';
  const timeZone = profile?.timeZone ?? options.timeZone;
  const decimalComma = profile?.decimalComma ?? options.decimalComma;
  const targets = layerFields(layer);
  const problems: string[] = [];
  const getters = new Map<string, Getter>();
  const sources = new Map<string, string>();
  let identity = !decimalComma;

  const reported = new Set<string>();
  const resolve = (name: string, path: string): string | null => {
    const column = findColumn(columns, name);
    if (column === null) {
      // the target field of the profile entry: fields.occurred_at.column -> occurred_at, coordinates.x -> lng
      const target = path.startsWith('fields.') ? path.split('.')[1] : path === 'coordinates.x' ? 'lng' : path === 'coordinates.y' ? 'lat' : path.split('.')[1];
      reported.add(target);
      const near = [...new Set([...lookalikeColumns(columns, name), ...lookalikeColumns(columns, target)])];
      problems.push(`profile field ${path}: no ${word} "${name}" in the file${near.length ? `; found ${near.join(', ')}` : ''}`);
    }
    return column;
  };

  for (const target of targets) {
    const spec: FieldSpec | undefined = profile?.fields.get(target);
    if (spec) {
      identity = false;
      const getter = specGetter(target, spec, resolve, timeZone, decimalComma, options.gdalDates ?? false);
      if (getter) getters.set(target, getter);
      sources.set(target, spec.value !== undefined ? `constant ${JSON.stringify(spec.value)}` : spec.parts ? `parts ${Object.values(spec.parts).join(', ')}` : `${word} ${spec.column}`);
      continue;
    }
    if (profile?.coordinates && (target === 'lat' || target === 'lng')) continue;
    const column = findColumn(columns, target);
    if (column === null) continue;
    sources.set(target, `${word} ${column}`);
    if (column !== target) identity = false;
    const number = NUMBER_FIELDS.has(target);
    if (options.gdalDates && isDateField(target)) {
      identity = false;
      getters.set(target, (raw) => gdalDateTime(raw[column]));
    } else getters.set(target, number && decimalComma ? (raw) => decimal(raw[column], true) : (raw) => raw[column]);
  }

  const coordinates = profile?.coordinates;
  if (coordinates) {
    identity = false;
    if (coordinates.lat && coordinates.lng) {
      const latColumn = resolve(coordinates.lat, 'coordinates.lat');
      const lngColumn = resolve(coordinates.lng, 'coordinates.lng');
      if (latColumn && lngColumn) {
        getters.set('lat', (raw) => decimal(raw[latColumn], decimalComma));
        getters.set('lng', (raw) => decimal(raw[lngColumn], decimalComma));
        sources.set('lat', `${word} ${latColumn}`);
        sources.set('lng', `${word} ${lngColumn}`);
      }
    } else if (coordinates.x && coordinates.y) {
      const xColumn = resolve(coordinates.x, 'coordinates.x');
      const yColumn = resolve(coordinates.y, 'coordinates.y');
      const convert = coordinates.epsg === 4326 ? (x: number, y: number): [number, number] => [x, y] : options.toWgs84;
      if (!convert) throw new Error(`no conversion from EPSG:${coordinates.epsg} was given to the row mapper`);
      if (xColumn && yColumn) {
        // both fields from one conversion per row: lat computes it, lng reads what lat left
        let last: [number, number] | null = null;
        getters.set('lat', (raw, errors) => {
          last = null;
          const xv = raw[xColumn];
          const yv = raw[yColumn];
          if (isEmpty(xv) || isEmpty(yv)) return undefined;
          const x = Number(decimal(xv, decimalComma));
          const y = Number(decimal(yv, decimalComma));
          if (!Number.isFinite(x)) errors.push({ field: 'lng', reason: `${word} ${xColumn}: "${show(xv)}" is not a number` });
          if (!Number.isFinite(y)) errors.push({ field: 'lat', reason: `${word} ${yColumn}: "${show(yv)}" is not a number` });
          if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
          last = convert(x, y);
          if (!last) errors.push({ field: 'lat', reason: `(${x}, ${y}) cannot be converted from EPSG:${coordinates.epsg} to WGS 84` });
          return last?.[1];
        });
        getters.set('lng', () => (last as [number, number] | null)?.[0]);
        sources.set('lat', `${word}s ${xColumn}, ${yColumn} (EPSG:${coordinates.epsg})`);
        sources.set('lng', `${word}s ${xColumn}, ${yColumn} (EPSG:${coordinates.epsg})`);
      }
    }
    // GeoJSON or GIS geometries in the profile's CRS
    const geometryGetter = getters.get('geometry');
    if (geometryGetter && coordinates.epsg !== 4326 && options.toWgs84 && options.convertGeometry !== false) {
      const convert = options.toWgs84;
      getters.set('geometry', (raw, errors) => {
        const g = geometryGetter(raw, errors);
        if (typeof g !== 'object' || g === null) return g;
        const geometry = g as { type?: unknown; coordinates?: unknown };
        return { ...geometry, coordinates: convertCoordinates(geometry.coordinates, convert) };
      });
    }
  }

  // what the layer requires and nothing fills
  const filled = (field: string): boolean => getters.has(field);
  const missing: string[] = [];
  for (const required of LAYER_COLUMNS[layer].required) {
    if (required.includes('|') || required === 'lat' || required === 'lng' || required === 'geometry') continue;
    if (required === 'source' && options.defaultSource) continue;
    if (required === 'factor' && options.defaultFactor !== undefined) continue;
    if (!filled(required)) missing.push(required);
  }
  const mode = geometryMode(layer);
  const hasPoint = filled('lat') && filled('lng');
  // a point layer takes a GeoJSON Point as well (a GeoJSON or GIS feature's geometry)
  if (mode === 'point' && !hasPoint && !filled('geometry')) missing.push(...['lat', 'lng'].filter((f) => !filled(f)));
  if (mode === 'geometry' && !filled('geometry')) missing.push('geometry');
  if (mode === 'either' && !hasPoint && !filled('geometry')) missing.push(...['lat', 'lng'].filter((f) => !filled(f)).map((f) => `${f} (or geometry)`));
  for (const entry of missing) {
    const field = entry.split(' ')[0];
    if (reported.has(field)) continue;
    const near = lookalikeColumns(columns, field).filter((c) => !problems.some((p) => p.includes(`"${c}"`)));
    problems.push(`no ${word} for ${entry}${near.length ? `; found ${near.join(', ')}` : ''}`);
  }
  if (problems.length > 0) {
    const shown = columns.length > 40 ? [...columns.slice(0, 40), `... (${columns.length} in all)`] : columns;
    throw new HeaderError(
      `${layer}: the file cannot fill every required field, so nothing was imported:\n  ${problems.join('\n  ')}\nthe file's ${word === 'property' ? 'properties' : `${word}s`}: ${shown.join(', ') || '(none)'}\n` +
        `map them with --profile FILE (\`hotspots inspect FILE --layer ${layer} --write-profile FILE\` writes one to start from; docs/imports.md, "Mapping profiles")`,
    );
  }

  if (identity) return { identity, sources, map: (raw) => ({ raw, errors: [] }) };
  const entries = [...getters.entries()];
  return {
    identity,
    sources,
    map(raw) {
      const out: RawRow = {};
      const errors: FieldError[] = [];
      for (const [target, get] of entries) {
        const value = get(raw, errors);
        if (value !== undefined) out[target] = value;
      }
      return { raw: out, errors };
    },
  };
}

function specGetter(target: string, spec: FieldSpec, resolve: (name: string, path: string) => string | null, timeZone: string, decimalComma: boolean, gdalDates: boolean): Getter | null {
  const path = `fields.${target}`;
  if (spec.value !== undefined) {
    const value = spec.value;
    return () => value;
  }
  if (spec.parts) {
    const columns: [DatePart, string][] = [];
    let ok = true;
    for (const [part, name] of Object.entries(spec.parts) as [DatePart, string][]) {
      const column = resolve(name, `${path}.parts.${part}`);
      if (column === null) ok = false;
      else columns.push([part, column]);
    }
    if (!ok) return null;
    return (raw, errors) => {
      const values: Record<string, unknown> = {};
      let any = false;
      for (const [part, column] of columns) {
        values[part] = raw[column];
        if (!isEmpty(raw[column])) any = true;
      }
      if (!any) return undefined;
      const date = assembleDateTime(values as { year: unknown; month: unknown; day: unknown }, timeZone);
      if (!date) errors.push({ field: target, reason: `${columns.map(([p, c]) => `${c}=${show(values[p] ?? '')}`).join(', ')} is not a date-time` });
      return date ?? undefined;
    };
  }
  const column = resolve(spec.column as string, `${path}.column`);
  if (column === null) return null;
  const values = spec.values;
  const valuesDefault = spec.valuesDefault;
  const formats = spec.formats;
  const number = NUMBER_FIELDS.has(target);
  const seen = new Map<string, string | undefined>();
  return (raw, errors) => {
    let v = raw[column];
    if (isEmpty(v)) return undefined;
    if (values) {
      // a column of categories repeats a few values: each distinct text is looked up once
      const text = String(v);
      let mapped = seen.get(text);
      if (mapped === undefined && !seen.has(text)) {
        mapped = values.get(vocabularyKey(text));
        if (seen.size < 10_000) seen.set(text, mapped);
      }
      if (mapped !== undefined) v = mapped;
      else if (valuesDefault !== undefined) v = valuesDefault;
    }
    if (number) return decimal(v, decimalComma);
    if (gdalDates && isDateField(target)) v = gdalDateTime(v);
    if (formats && isDateField(target)) {
      if (v instanceof Date) return v;
      const text = String(v);
      for (const format of formats) {
        const date = format.pattern === 'iso' ? parseDateTime(text, timeZone) : format.parse(text, timeZone);
        if (date) return date;
      }
      errors.push({ field: target, reason: `"${show(text)}" does not match ${formats.map((f) => f.pattern).join(' or ')}` });
      return undefined;
    }
    return v;
  };
}
