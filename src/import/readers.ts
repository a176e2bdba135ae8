/**
 * Streaming readers for every import format. Each yields raw rows with their position in the
 * file (the CSV line, or the 1-based item of a JSON array) and never holds the whole file.
 */
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';
import type { Readable } from 'node:stream';
import { chain } from 'stream-chain';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamArray } from 'stream-json/streamers/StreamArray';
import type { Layer } from '../domain';
import { ImportRefusedError } from './errors';
import { GdalReadOptions, readGdal } from './gdal';
import type { RawRow } from './validate';

export const IMPORT_FORMATS = ['csv', 'geojson', 'open311', 'police-uk', 'gis'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface PositionedRow {
  /** CSV: physical line of the record (the header is line 1); JSON: 1-based item number */
  line: number;
  raw: RawRow;
  /** set when the reader itself could not make a row of the input */
  problem?: { field: string; reason: string };
  /** set when the row belongs to another layer and is passed over, not rejected */
  skip?: boolean;
  /** CSV: the header's columns (one array shared by every row) */
  columns?: string[];
}

export interface ReaderOptions {
  layer: Layer;
  /** Open311 service_code mapping, required for that format */
  open311Mapping?: Open311Mapping;
}

/** A CSV the reader cannot split into records at all (an unclosed or stray quote): the import stops. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`CSV syntax error at line ${line}: ${reason}`);
  }
}

interface CsvRecord {
  fields: string[];
  /** physical line the record ends on */
  line: number;
}

/**
 * Splits complete records off the front of `text` (RFC 4180: comma-separated, `"` quotes with
 * `""` inside, records ending in LF or CRLF, quoted fields may hold line breaks). Fields are
 * trimmed outside quotes; empty lines are skipped. Returns the records and the unconsumed rest
 * (an incomplete last record, unless `atEnd`).
 */
function splitCsvRecords(text: string, firstLine: number, atEnd: boolean, delimiter = ','): { records: CsvRecord[]; rest: string; nextLine: number } {
  const records: CsvRecord[] = [];
  let pos = 0;
  let line = firstLine;
  const n = text.length;
  while (pos < n) {
    const newline = text.indexOf('\n', pos);
    if (newline === -1 && !atEnd) break;
    const lineEnd = newline === -1 ? n : newline;
    const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const lineText = text.slice(pos, contentEnd);
    if (!lineText.includes('"')) {
      // the common case: one line, no quotes
      if (lineText.length > 0) {
        const fields = lineText.split(delimiter);
        for (let i = 0; i < fields.length; i++) fields[i] = fields[i].trim();
        records.push({ fields, line });
      }
      pos = lineEnd + 1;
      line++;
      continue;
    }
    // quotes somewhere in this record: walk it character by character
    const fields: string[] = [];
    let field = '';
    let i = pos;
    let lines = 0;
    let complete = false;
    for (;;) {
      // start of a field: skip leading blanks
      while (i < n && (text[i] === ' ' || (text[i] === '\t' && delimiter !== '\t'))) i++;
      if (i < n && text[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            field += text.slice(i);
            i = n;
            break;
          }
          field += text.slice(i, q);
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
            continue;
          }
          i = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          if (!atEnd) break;
          throw new CsvSyntaxError(line, 'a quoted field is not closed');
        }
        for (const ch of field) if (ch === '\n') lines++;
        while (i < n && (text[i] === ' ' || (text[i] === '\t' && delimiter !== '\t'))) i++;
        if (i < n && text[i] !== delimiter && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          throw new CsvSyntaxError(line + lines, `a closing quote must be followed by ${delimiter === ',' ? 'a comma' : `the delimiter "${delimiter}"`} or the end of the line`);
        }
      } else {
        let j = i;
        while (j < n && text[j] !== delimiter && text[j] !== '\n') j++;
        let raw = text.slice(i, j);
        if (raw.endsWith('\r') && text[j] === '\n') raw = raw.slice(0, -1);
        if (raw.includes('"')) throw new CsvSyntaxError(line + lines, 'a quote inside an unquoted field (quote the whole field and double the quote)');
        field = raw.trim();
        i = j;
        if (i >= n && !atEnd) break;
      }
      fields.push(field);
      field = '';
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      if (i < n && text[i] === '\r') i++;
      if (i < n && text[i] === '\n') i++;
      else if (i < n || !atEnd) break;
      complete = true;
      break;
    }
    if (!complete) break;
    records.push({ fields, line: line + lines });
    line += lines + 1;
    pos = i;
  }
  return { records, rest: text.slice(pos), nextLine: line };
}

/** A record as a row of the header's fields; a record of another field count carries its problem. */
function csvRow(record: CsvRecord, header: string[]): PositionedRow {
  const raw: RawRow = {};
  const count = Math.min(record.fields.length, header.length);
  for (let k = 0; k < count; k++) raw[header[k]] = record.fields[k];
  if (record.fields.length !== header.length) {
    return { line: record.line, raw, columns: header, problem: { field: '(row)', reason: `has ${record.fields.length} fields; the header has ${header.length}` } };
  }
  return { line: record.line, raw, columns: header };
}

/**
 * The rows of `text`, whole records of a CSV after its header, the first on `firstLine` (a
 * chunk cut by `csvChunks`, read in a worker thread). Throws CsvSyntaxError like `readCsv`.
 */
export function csvTextRows(text: string, firstLine: number, header: string[], delimiter: string): PositionedRow[] {
  return splitCsvRecords(text, firstLine, true, delimiter).records.map((record) => csvRow(record, header));
}

export interface CsvOptions {
  /** the field delimiter; default `,` */
  delimiter?: string;
  /** the character encoding (an iconv-lite name); default UTF-8 */
  encoding?: string;
  /** called with the header's columns (lower case) once they are read, before the first row */
  onHeader?: (columns: string[]) => void;
}

interface TextDecoderLike {
  write(chunk: Buffer): string;
  end(): string | undefined;
}

function decoderFor(encoding: string | undefined): TextDecoderLike {
  if (!encoding || /^utf-?8$/i.test(encoding)) return new StringDecoder('utf8');
  return iconv.getDecoder(encoding);
}

/** Whether iconv-lite can decode an encoding name (`windows-1251`, `cp1251`, `koi8-r`, ...). */
export function encodingExists(name: string): boolean {
  return iconv.encodingExists(name);
}

/**
 * CSV records with their line, the header naming the fields (trimmed, lower case). A record
 * whose field count differs from the header's is passed on with a problem, to be rejected.
 * Every row carries the header as `columns` (the same array), for the check of the header.
 */
export async function* readCsv(input: Readable, options: CsvOptions = {}): AsyncGenerator<PositionedRow> {
  const decoder = decoderFor(options.encoding);
  const delimiter = options.delimiter ?? ',';
  let pending = '';
  let line = 1;
  let started = false;
  let header: string[] | null = null;
  const rowsOf = function* (records: CsvRecord[]): Generator<PositionedRow> {
    for (const record of records) {
      if (header === null) {
        header = record.fields.map((h) => h.toLowerCase());
        options.onHeader?.(header);
        continue;
      }
      yield csvRow(record, header);
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let text = pending + decoder.write(chunk);
    if (!started && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      started = true;
    }
    const { records, rest, nextLine } = splitCsvRecords(text, line, false, delimiter);
    pending = rest;
    line = nextLine;
    yield* rowsOf(records);
  }
  let text = pending + (decoder.end() ?? '');
  if (!started && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  yield* rowsOf(splitCsvRecords(text, line, true, delimiter).records);
}

async function* jsonItems(input: Readable, path: string | null): AsyncGenerator<{ index: number; value: unknown }> {
  const stages: unknown[] = [jsonParser()];
  if (path) stages.push(pick({ filter: path }));
  stages.push(streamArray());
  const pipeline = chain([input, ...(stages as never[])]);
  for await (const item of pipeline as AsyncIterable<{ key: number; value: unknown }>) {
    yield { index: item.key, value: item.value };
  }
}

/** A FeatureCollection's features: properties become the row, the geometry its `geometry`. */
export async function* readGeoJson(input: Readable): AsyncGenerator<PositionedRow> {
  for await (const { index, value } of jsonItems(input, 'features')) {
    const line = index + 1;
    const feature = value as { type?: unknown; properties?: unknown; geometry?: unknown };
    if (typeof feature !== 'object' || feature === null || feature.type !== 'Feature') {
      yield { line, raw: {}, problem: { field: 'type', reason: 'is not a GeoJSON Feature' } };
      continue;
    }
    const properties = (typeof feature.properties === 'object' && feature.properties !== null ? feature.properties : {}) as RawRow;
    yield { line, raw: { ...properties, geometry: feature.geometry ?? undefined } };
  }
}

/**
 * How Open311 service codes become our layers and kinds, e.g.
 * `{ "STRLGHT": { "layer": "lighting_outages" }, "PTHL": { "layer": "road_defects", "kind": "pothole" } }`.
 */
export type Open311Mapping = Record<string, { layer: Layer; kind?: string }>;

export function parseOpen311Mapping(text: string): Open311Mapping {
  const parsed: unknown = JSON.parse(text);
  const codes = (parsed as { service_codes?: unknown }).service_codes ?? parsed;
  if (typeof codes !== 'object' || codes === null || Array.isArray(codes)) {
    throw new Error('the Open311 mapping must be an object of service_code -> { layer, kind }');
  }
  const mapping: Open311Mapping = {};
  for (const [code, target] of Object.entries(codes as Record<string, unknown>)) {
    const t = target as { layer?: unknown; kind?: unknown };
    if (t.layer !== 'lighting_outages' && t.layer !== 'road_defects') {
      throw new Error(`Open311 mapping for "${code}": layer must be lighting_outages or road_defects`);
    }
    mapping[code] = { layer: t.layer, kind: typeof t.kind === 'string' ? t.kind : undefined };
  }
  return mapping;
}

/** GeoReport v2 `requests.json`: an array of service requests. */
export async function* readOpen311(input: Readable, options: ReaderOptions): AsyncGenerator<PositionedRow> {
  const mapping = options.open311Mapping;
  if (!mapping) throw new ImportRefusedError('the open311 format needs a service_code mapping (--mapping FILE)', 2);
  for await (const { index, value } of jsonItems(input, null)) {
    const line = index + 1;
    const request = value as Record<string, unknown>;
    const code = typeof request.service_code === 'string' ? request.service_code : '';
    const target = mapping[code];
    if (!target) {
      yield { line, raw: {}, problem: { field: 'service_code', reason: `"${code.slice(0, 40)}" is not in the service_code mapping` } };
      continue;
    }
    if (target.layer !== options.layer) {
      yield { line, raw: {}, skip: true };
      continue;
    }
    const closed = String(request.status ?? '').toLowerCase() === 'closed';
    yield {
      line,
      raw: {
        external_id: request.service_request_id,
        kind: target.kind,
        reported_at: request.requested_datetime,
        fixed_at: closed ? (request.updated_datetime ?? request.expected_datetime) : undefined,
        lat: request.lat,
        lng: request.long,
        street: request.address,
      },
    };
  }
}

/**
 * police.uk street-level crime as published: month-only dates, crime types of England and
 * Wales, empty Crime ID on anti-social behaviour, missing coordinates for unlocated crimes.
 */
export const POLICE_UK_CATEGORIES: Record<string, string> = {
  'anti-social behaviour': 'anti_social_behaviour',
  'bicycle theft': 'theft',
  burglary: 'burglary',
  'criminal damage and arson': 'vandalism',
  drugs: 'drugs',
  'other crime': 'other',
  'other theft': 'theft',
  'possession of weapons': 'weapons',
  'public order': 'public_order',
  robbery: 'robbery',
  shoplifting: 'theft',
  'theft from the person': 'theft',
  'vehicle crime': 'vehicle_crime',
  // the published category joins both; counted with the sensitive class so no point leaks
  'violence and sexual offences': 'sexual_offence',
  'violent crime': 'assault',
};

export async function* readPoliceUk(input: Readable): AsyncGenerator<PositionedRow> {
  // anti-social behaviour has no Crime ID: a stable id from the row's content and its
  // occurrence among identical rows keeps re-imports idempotent
  const seen = new Map<string, number>();
  for await (const row of readCsv(input)) {
    if (row.problem) {
      yield row;
      continue;
    }
    const r = row.raw as Record<string, string | undefined>;
    const crimeType = (r['crime type'] ?? '').trim();
    let externalId = r['crime id'];
    if (!externalId) {
      const key = createHash('sha1').update([r.month, r['reported by'], r.longitude, r.latitude, r.location, r['lsoa code'], crimeType].join('|')).digest('hex').slice(0, 24);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      externalId = `asb-${key}-${n}`;
    }
    const month = (r.month ?? '').trim();
    yield {
      line: row.line,
      raw: {
        external_id: externalId,
        // no source here: importFile's default ('police_uk', or --source) applies
        occurred_at: /^\d{4}-\d{2}$/.test(month) ? `${month}-01T00:00:00Z` : month,
        time_precision: 'month',
        category: POLICE_UK_CATEGORIES[crimeType.toLowerCase()] ?? crimeType,
        lat: r.latitude,
        lng: r.longitude,
        description: [crimeType, r.location].filter(Boolean).join(': '),
      },
    };
  }
}

export interface ReadRowsOptions extends ReaderOptions {
  /** the file (GIS formats are read by GDAL from the file, not from the stream) */
  file: string;
  csv?: CsvOptions;
  gdal?: GdalReadOptions;
}

export function readRows(format: ImportFormat, input: Readable, options: ReadRowsOptions): AsyncGenerator<PositionedRow> {
  switch (format) {
    case 'csv':
      return readCsv(input, options.csv);
    case 'geojson':
      return readGeoJson(input);
    case 'open311':
      return readOpen311(input, options);
    case 'police-uk':
      return readPoliceUk(input);
    case 'gis':
      return readGdal(options.file, options.gdal);
  }
}
