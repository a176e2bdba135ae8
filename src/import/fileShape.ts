/**
 * What a file is before it is read: its format, encoding and delimiter from its first bytes, and
 * the conversion of a profile's coordinate system to WGS 84. Shared by the import and by
 * `hotspots import --inspect`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import type { Knex } from 'knex';
import { proj4DefinitionOf } from '../db/crs';
import { BUILT_IN_CRS, epsgCode, toWgs84, ToWgs84 } from '../geo/crs';
import { ImportRefusedError } from './errors';
import type { ImportProfile } from './profile';
import { GDAL_EXTENSIONS } from './gdal';
import type { ImportFormat } from './readers';

/** The conversion of a profile's coordinate system to WGS 84: built in, or PostGIS's definition. */
export async function resolveCrs(knex: Knex | null, epsg: number): Promise<ToWgs84> {
  const definition = BUILT_IN_CRS[epsg] ?? (knex ? await proj4DefinitionOf(knex, epsg) : null);
  if (!definition) throw new ImportRefusedError(`profile field coordinates.crs: EPSG:${epsg} is not a coordinate system PostGIS knows`, 2);
  try {
    return toWgs84(definition);
  } catch (error) {
    throw new ImportRefusedError(`profile field coordinates.crs: EPSG:${epsg} cannot be used (${(error as Error).message})`, 2);
  }
}

/** What the reading of a file needs from its first bytes: format, encoding, delimiter. */
export interface FileShape {
  format: ImportFormat;
  encoding: string;
  delimiter: string;
  decimalComma: boolean;
}

export async function fileShape(file: string, format: ImportFormat | undefined, profile: ImportProfile | null | undefined): Promise<FileShape> {
  const head = await readHead(file);
  const encoding = profile?.encoding ?? detectEncoding(head);
  const text = head.toString('utf8');
  const detected = format ?? detectFormat(file, text);
  const decoded = /^utf-?8$/i.test(encoding) ? text : iconv.decode(head, encoding);
  const delimiter = profile?.delimiter ?? (detected === 'csv' ? detectDelimiter(decoded) : ',');
  return { format: detected, encoding, delimiter, decimalComma: profile?.decimalComma ?? delimiter === ';' };
}

/** A CSV whose header is its whole first line (no quotes, so no line break inside it): what the workers' reader expects. */
export async function simpleHeader(file: string): Promise<boolean> {
  const head = (await readHead(file)).toString('latin1');
  const end = head.indexOf('\n');
  return (
    end > 0 &&
    !head.slice(0, end).includes('"') &&
    head
      .slice(0, end)
      .replace(/^\xef\xbb\xbf/, '')
      .trim().length > 0
  );
}

/** The proj4 definition of a coordinate system, for the workers to build the same conversion. */
export async function crsDefinition(knex: Knex, epsg: number): Promise<string | null> {
  return BUILT_IN_CRS[epsg] ?? (await proj4DefinitionOf(knex, epsg));
}

/** The first 64 KiB of a file: enough to tell its format, encoding and delimiter. */
async function readHead(file: string): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function detectFormat(fileName: string, firstBytes: string): ImportFormat {
  const head = firstBytes.replace(/^\uFEFF/, '').trimStart();
  const ext = path.extname(fileName).toLowerCase();
  // GeoPackage (SQLite), zip archives (zipped Shapefile, XLSX, KMZ, ODS), Shapefile, KML: through GDAL
  if (firstBytes.startsWith('SQLite format 3') || firstBytes.startsWith('PK\u0003\u0004') || firstBytes.startsWith("\u0000\u0000'\n")) return 'gis';
  if (ext in GDAL_EXTENSIONS) return 'gis';
  if (head.startsWith('<?xml') && /<kml[\s>]/.test(head)) return 'gis';
  if (head.startsWith('{')) return geoJsonCrsIsWgs84(head) ? 'geojson' : 'gis';
  if (head.startsWith('[')) return 'open311';
  if (/^crime id,month,/i.test(head)) return 'police-uk';
  if (/\.(geo)?json$/i.test(fileName)) return 'geojson';
  return 'csv';
}

/**
 * Whether a GeoJSON's head declares no coordinate system or WGS 84. A (pre-RFC 7946) `crs`
 * member naming another system sends the file through GDAL, which reprojects it.
 */
function geoJsonCrsIsWgs84(head: string): boolean {
  const match = /"crs"\s*:\s*\{[^}]*"name"\s*:\s*"([^"]+)"/.exec(head);
  if (!match) return true;
  const code = epsgCode(match[1]);
  return code === 4326;
}

/** The delimiter of a CSV from its first line: the commonest of `,` `;` tab and `|` outside quotes. */
export function detectDelimiter(head: string): string {
  const firstLine = head
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]
    .replace(/"[^"]*"/g, '');
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t', '|']) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The encoding of a text file from its first bytes: UTF-8 when they decode as UTF-8 (a cut
 * character at the end aside), else chardet's guess among the encodings iconv-lite knows, else
 * Windows-1251 (what Almaty's registers are exported in).
 */
export function detectEncoding(head: Buffer): string {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, utf8SafeEnd(head)));
    return 'utf-8';
  } catch {
    const guesses = chardet.analyse(head);
    const known = guesses.find((g: { name: string; confidence: number }) => g.confidence >= 10 && !/^utf-?8$/i.test(g.name) && iconv.encodingExists(g.name));
    return known && /^(windows-125\d|iso-8859-\d+|koi8-r|utf-16(le|be)?)$/i.test(known.name) ? known.name.toLowerCase() : 'windows-1251';
  }
}

/** The end of a byte range without a UTF-8 sequence cut at its end. */
function utf8SafeEnd(bytes: Buffer): number {
  let end = bytes.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = bytes[end - k];
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) end -= k;
    break;
  }
  return end;
}
