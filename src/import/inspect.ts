/**
 * `hotspots inspect <file>`: what a file holds before it is imported. Its format, encoding and
 * delimiter as detected; every column with sample values and a guessed type; a proposed profile
 * (columns matched to the layer's fields by name, date formats recognised, coordinates and their
 * likely CRS); and the first rows as the import would read them, through the same mapping and
 * validation. Reads at most a few hundred rows; writes nothing.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { BBox, Layer } from '../domain';
import { compileDateFormat } from './dateFormats';
import { parseDateTime } from './dates';
import { ImportRefusedError } from './errors';
import { buildRowMapper, findColumn, lookalikeColumns } from './mapping';
import { CHOICE_FIELDS, ImportProfile, isDateField, layerFields, parseProfile } from './profile';
import { PositionedRow, readRows } from './readers';
import { fileShape, FileShape, resolveCrs } from './fileShape';
import { validateRow } from './validate';
import { vocabularyValue } from './vocabulary';

export interface ColumnReport {
  name: string;
  type: string;
  /** the date format recognised in its values, if any */
  dateFormat: string | null;
  samples: string[];
  empty: number;
}

export interface InspectedRow {
  line: number;
  ok: boolean;
  text: string;
}

export interface Inspection {
  file: string;
  layer: Layer;
  shape: FileShape;
  rowsSampled: number;
  columns: ColumnReport[];
  proposedProfile: Record<string, unknown>;
  /** the profile the rows were mapped with: the one given, else the proposal */
  usedProfile: 'given' | 'proposed';
  /** why the rows could not be mapped (a header problem), or null */
  mappingProblem: string | null;
  rows: InspectedRow[];
}

export interface InspectOptions {
  layer: Layer;
  profile: ImportProfile | null;
  rows: number;
  timeZone: string;
  bounds: BBox;
  sourceLayer?: string;
}

const SAMPLE_ROWS = 200;

/** Date formats recognised in sample values, commonest first. */
const KNOWN_DATE_FORMATS = [
  "yyyy-MM-dd'T'HH:mm:ss.SSS",
  "yyyy-MM-dd'T'HH:mm:ss",
  'dd.MM.yyyy HH:mm:ss',
  'dd.MM.yyyy HH:mm',
  'dd.MM.yyyy',
  'd-MMM-yy',
  'dd-MMM-yyyy',
  'MM/dd/yyyy hh:mm:ss a',
  'MM/dd/yyyy HH:mm',
  'MM/dd/yyyy',
  'dd/MM/yyyy HH:mm',
  'yyyy/MM/dd HH:mm:ss',
].map((p) => compileDateFormat(p));

function guessType(values: string[], decimalComma: boolean): { type: string; dateFormat: string | null } {
  if (values.length === 0) return { type: 'empty', dateFormat: null };
  const numeric = (v: string) => (decimalComma ? v.replace(',', '.') : v);
  if (values.every((v) => /^-?\d+$/.test(v))) return { type: 'integer', dateFormat: null };
  if (values.every((v) => Number.isFinite(Number(numeric(v))))) return { type: decimalComma && values.some((v) => v.includes(',')) ? 'number (decimal comma)' : 'number', dateFormat: null };
  if (values.every((v) => parseDateTime(v, 'UTC') !== null)) return { type: 'date-time (ISO 8601)', dateFormat: 'iso' };
  for (const format of KNOWN_DATE_FORMATS) {
    if (values.every((v) => format.parse(v, 'UTC') !== null)) return { type: `date-time (${format.pattern})`, dateFormat: format.pattern };
  }
  if (values.every((v) => /^\s*[{[]/.test(v))) return { type: 'JSON', dateFormat: null };
  return { type: 'text', dateFormat: null };
}

/** A CRS that projected coordinates in these ranges are likely in, around Almaty or Chicago. */
function guessCrs(xs: number[], ys: number[]): string {
  const within = (values: number[], min: number, max: number) => values.length > 0 && values.every((v) => v >= min && v <= max);
  if (within(xs, 160_000, 840_000) && within(ys, 4_600_000, 5_000_000)) return 'EPSG:32643';
  if (within(xs, 1_000_000, 1_250_000) && within(ys, 1_750_000, 2_000_000)) return 'EPSG:3435';
  if (within(xs, 8_000_000, 9_000_000) && within(ys, 5_000_000, 6_000_000)) return 'EPSG:3857';
  return 'EPSG:32643';
}

async function sampleRows(file: string, shape: FileShape, layer: Layer, count: number, sourceLayer: string | undefined, profile: ImportProfile | null): Promise<{ rows: PositionedRow[]; header: string[] | null }> {
  const input = createReadStream(file);
  let header: string[] | null = null;
  const rows: PositionedRow[] = [];
  const iterator = readRows(shape.format, input, {
    file,
    layer,
    csv: { encoding: shape.encoding, delimiter: shape.delimiter, onHeader: (columns) => (header = columns) },
    gdal: { sourceLayer, sourceCrs: profile?.coordinates && profile.coordinates.epsg !== 4326 && !profile.coordinates.x ? `EPSG:${profile.coordinates.epsg}` : undefined },
  });
  try {
    for await (const row of iterator) {
      rows.push(row);
      if (rows.length >= count) break;
    }
  } finally {
    input.destroy();
  }
  return { rows, header };
}

export async function inspectFile(file: string, options: InspectOptions): Promise<Inspection> {
  const { layer } = options;
  const shape = await fileShape(file, undefined, options.profile);
  if (shape.format === 'open311' || shape.format === 'police-uk') {
    throw new ImportRefusedError(`${path.basename(file)} is read as ${shape.format}, whose columns are fixed: import it as it is (docs/imports.md)`, 2);
  }
  const { rows, header } = await sampleRows(file, shape, layer, Math.max(SAMPLE_ROWS, options.rows), options.sourceLayer, options.profile);
  const columns: string[] = header ?? [...new Set(rows.flatMap((r) => Object.keys(r.raw)))];
  const reports: ColumnReport[] = columns.map((name) => {
    const values: string[] = [];
    let empty = 0;
    for (const row of rows) {
      const v = row.raw[name];
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
        empty++;
        continue;
      }
      values.push(typeof v === 'object' ? JSON.stringify(v) : String(v).trim());
    }
    const guess = name === 'geometry' && shape.format !== 'csv' ? { type: 'geometry', dateFormat: null } : guessType(values, shape.decimalComma);
    const samples = [...new Set(values)].slice(0, 3).map((v) => (v.length > 60 ? `${v.slice(0, 57)}...` : v));
    return { name, type: guess.type, dateFormat: guess.dateFormat, samples, empty };
  });
  const proposed = proposeProfile(layer, columns, reports, rows, shape, file);
  let profile = options.profile;
  let mappingProblem: string | null = null;
  const inspected: InspectedRow[] = [];
  try {
    profile ??= parseProfile(proposed, layer);
    const epsg = profile.coordinates?.epsg ?? 4326;
    const convert = epsg === 4326 ? null : await resolveCrs(null, epsg);
    const timeZone = profile.timeZone ?? options.timeZone;
    const mapper = buildRowMapper(profile, columns, {
      layer,
      timeZone,
      decimalComma: shape.decimalComma,
      toWgs84: convert,
      columnWord: shape.format === 'csv' ? 'column' : 'property',
      convertGeometry: shape.format !== 'gis',
      gdalDates: shape.format === 'gis',
    });
    for (const row of rows.slice(0, options.rows)) {
      if (row.problem) {
        inspected.push({ line: row.line, ok: false, text: `${row.problem.field}: ${row.problem.reason}` });
        continue;
      }
      const mapped = mapper.map(row.raw);
      const result = validateRow(layer, mapped.raw, { bounds: options.bounds, timeZone });
      const errors = [...mapped.errors, ...(result.ok ? [] : result.errors.filter((e) => !mapped.errors.some((m) => m.field === e.field)))];
      if (errors.length > 0) inspected.push({ line: row.line, ok: false, text: errors.map((e) => `${e.field}: ${e.reason}`).join('; ') });
      else if (result.ok) inspected.push({ line: row.line, ok: true, text: describeRecord(result.record as unknown as Record<string, unknown>) });
    }
  } catch (error) {
    if (!(error instanceof ImportRefusedError)) throw error;
    mappingProblem = error.message;
  }
  return { file, layer, shape, rowsSampled: rows.length, columns: reports, proposedProfile: proposed, usedProfile: options.profile ? 'given' : 'proposed', mappingProblem, rows: inspected };
}

function describeRecord(record: Record<string, unknown>): string {
  return Object.entries(record)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => {
      if (v instanceof Date) return `${k}=${v.toISOString()}`;
      if (k === 'geometry') {
        const g = v as { type: string; coordinates: unknown };
        return g.type === 'Point' ? `point=${(g.coordinates as number[]).map((c) => c.toFixed(6)).join(',')}` : `geometry=${g.type}`;
      }
      return `${k}=${String(v)}`;
    })
    .join(' ');
}

/** A profile to start from: every field of the layer matched to the column that looks most like it. */
export function proposeProfile(layer: Layer, columns: string[], reports: ColumnReport[], rows: PositionedRow[], shape: FileShape, file: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const notes: string[] = [];
  const used = new Set<string>();
  const report = (name: string) => reports.find((r) => r.name === name);
  const pick = (field: string): string | null => {
    const exact = findColumn(columns, field);
    if (exact !== null) return exact;
    const near = lookalikeColumns(columns, field).filter((c) => !used.has(c));
    // a date field takes a column whose values read as dates
    if (isDateField(field)) return near.find((c) => report(c)?.dateFormat) ?? null;
    // a CSV geometry is GeoJSON text
    if (field === 'geometry') return near.find((c) => report(c)?.type === 'JSON') ?? null;
    // a category or kind: the column with most values that name one (names, not codes)
    const choices = CHOICE_FIELDS[layer]?.[field];
    if (choices && near.length > 1) {
      const score = (c: string) => {
        const values = [...new Set(rows.map((r) => String(r.raw[c] ?? '').trim()).filter(Boolean))];
        const named = values.filter((v) => choices.includes(v.toLowerCase().replace(/[\s-]+/g, '_')) || vocabularyValue(v, choices) !== null).length;
        const wordy = values.filter((v) => /\p{L}{3,}/u.test(v)).length;
        return named * 1000 + wordy;
      };
      return [...near].sort((a, b) => score(b) - score(a))[0];
    }
    return near[0] ?? null;
  };
  let coordinates: Record<string, string> | null = null;
  const targets = layerFields(layer);
  if (targets.includes('lat') && findColumn(columns, 'lat') === null) {
    const lat = lookalikeColumns(columns, 'lat').find((c) => /^number|^integer/.test(report(c)?.type ?? '') && Math.abs(Number(report(c)?.samples[0]?.replace(',', '.'))) <= 90);
    const lng = lookalikeColumns(columns, 'lng').find((c) => /^number|^integer/.test(report(c)?.type ?? '') && Math.abs(Number(report(c)?.samples[0]?.replace(',', '.'))) <= 180);
    if (lat && lng) coordinates = { lat, lng };
    else {
      const x = columns.find((c) => /^(x|xcoord|xcoordinate|easting)$/.test(c.toLowerCase().replace(/[^a-z]/g, '')));
      const y = columns.find((c) => /^(y|ycoord|ycoordinate|northing)$/.test(c.toLowerCase().replace(/[^a-z]/g, '')));
      if (x && y) {
        const numbers = (c: string) => rows.map((r) => Number(String(r.raw[c] ?? '').replace(',', '.'))).filter((v) => Number.isFinite(v) && v !== 0);
        coordinates = { x, y, crs: guessCrs(numbers(x), numbers(y)) };
        notes.push(`coordinates.crs is a guess from the ranges of ${x} and ${y}: check it`);
      }
    }
    if (coordinates) Object.values(coordinates).forEach((c) => used.add(c));
  }
  for (const field of targets) {
    if ((field === 'lat' || field === 'lng') && coordinates) continue;
    if (field === 'geometry' && shape.format !== 'csv') continue;
    const column = pick(field);
    if (column === null) {
      if (field === 'source')
        fields.source = {
          value: path
            .basename(file)
            .replace(/\.[^.]*$/, '')
            .replace(/[^\p{L}\p{N}]+/gu, '_')
            .toLowerCase(),
        };
      continue;
    }
    used.add(column);
    const spec: Record<string, unknown> = { column };
    const dateFormat = report(column)?.dateFormat;
    if (isDateField(field) && dateFormat && dateFormat !== 'iso') spec.format = dateFormat;
    const choices = CHOICE_FIELDS[layer]?.[field];
    if (choices) {
      const unknown = [...new Set(rows.map((r) => String(r.raw[column] ?? '').trim()).filter(Boolean))].filter((v) => !choices.includes(v.toLowerCase().replace(/[\s-]+/g, '_')) && vocabularyValue(v, choices) === null);
      if (unknown.length > 0) notes.push(`fields.${field}.values: map ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', ...' : ''} to ${choices.join(' | ')} ("*" for the rest)`);
    }
    fields[field] = Object.keys(spec).length === 1 ? column : spec;
  }
  const profile: Record<string, unknown> = {
    name: path.basename(file).replace(/\.[^.]*$/, ''),
    description: notes.length ? `proposed by hotspots inspect; to check: ${notes.join('; ')}` : 'proposed by hotspots inspect',
    layer,
  };
  if (shape.format === 'csv') {
    profile.delimiter = shape.delimiter === '\t' ? 'tab' : shape.delimiter;
    profile.encoding = shape.encoding;
    profile.decimalComma = shape.decimalComma;
  }
  profile.fields = fields;
  if (coordinates) profile.coordinates = coordinates;
  return profile;
}

export function formatInspection(inspection: Inspection): string {
  const { shape } = inspection;
  const lines: string[] = [];
  const csv = shape.format === 'csv' ? `, encoding ${shape.encoding}, delimiter ${JSON.stringify(shape.delimiter)}${shape.decimalComma ? ', decimal comma' : ''}` : '';
  lines.push(`${path.basename(inspection.file)}: ${shape.format}${csv}; ${inspection.rowsSampled} rows sampled`);
  lines.push('');
  lines.push('columns:');
  const width = Math.min(32, Math.max(...inspection.columns.map((c) => c.name.length), 6));
  for (const column of inspection.columns) {
    const empty = column.empty > 0 ? ` (${column.empty} empty)` : '';
    lines.push(`  ${column.name.padEnd(width)}  ${column.type.padEnd(28)}  ${column.samples.map((s) => JSON.stringify(s)).join(', ')}${empty}`);
  }
  lines.push('');
  lines.push(`proposed profile for ${inspection.layer} (--write-profile FILE writes it):`);
  lines.push(
    JSON.stringify(inspection.proposedProfile, null, 2)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  lines.push('');
  if (inspection.mappingProblem) {
    lines.push(`the rows cannot be mapped with the ${inspection.usedProfile} profile:`);
    lines.push(`  ${inspection.mappingProblem.replace(/\n/g, '\n  ')}`);
  } else {
    lines.push(`first rows as the import reads them (${inspection.usedProfile} profile):`);
    for (const row of inspection.rows) lines.push(`  ${row.line}: ${row.ok ? 'ok' : 'rejected'}  ${row.text}`);
  }
  return lines.join('\n');
}
