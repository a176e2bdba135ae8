/**
 * The file formats of exports, written row by row: GeoJSON (RFC 7946) as one FeatureCollection
 * whose `metadata` says what the answer was (query, parameters, method, study area), each
 * feature with its `id` at the top level (the record id, or the H3 cell), coordinates rounded to
 * 7 decimals (about 1 cm) and the collection's `bbox` written after the features (it is known
 * only once every row has streamed; JSON members have no order); and CSV (RFC 4180) with the
 * geometry as WKT in a last `wkt` column, `lng` and `lat` columns before it for point layers, and
 * a `.csvt` type row (GDAL's CSV driver: Integer, Real, String, DateTime, WKT) for the same
 * columns. Which rows and columns an export has is planned from the GraphQL schema by
 * src/http/exports.ts.
 */
import type { BBox, Geometry } from '../domain';
import { geometryToWkt, roundedGeometry } from '../geo/geometry';

export type ExportFormat = 'geojson' | 'csv';

/** Decimals of exported GeoJSON coordinates: 1e-7 degree is about 1 cm. */
export const EXPORT_DECIMALS = 7;

/** GDAL's CSVT type of a column (https://gdal.org/drivers/vector/csv.html). */
export type CsvType = 'Integer' | 'Integer64' | 'Real' | 'String' | 'Integer(Boolean)' | 'DateTime' | 'Date' | 'WKT';

/** The columns of an export's rows: leaf fields in order, and the one holding the geometry. */
export interface ExportColumns {
  columns: string[];
  /** GDAL type of each column, in the order of `columns` */
  columnTypes?: CsvType[];
  geometryField: string | null;
  /** the column that identifies a row (the GeoJSON feature id), when there is one */
  idField?: string | null;
  /** point layer: CSV gets `lng` and `lat` columns beside the WKT */
  points?: boolean;
  /** the CSV header in words (src/analysis/exportLabels.ts); the column names when left out */
  header?: string[];
  /** start the CSV with a UTF-8 byte-order mark, so Excel reads Cyrillic as UTF-8 */
  bom?: boolean;
}

export interface RowWriter {
  begin(about: Record<string, unknown>): string;
  row(row: Record<string, unknown>, first: boolean): string;
  end(): string;
}

/** Text a CSV field must quote or guard: a formula's first character, a quote, a comma or a line break. */
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;

/** One CSV field (RFC 4180), guarded against spreadsheet formulas. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  // numbers and booleans hold nothing to quote or guard, nor does most text
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && !NEEDS_CARE.test(value)) return value;
  let text = Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(';') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row as a GeoJSON Feature: its id at the top level, coordinates rounded to 7 decimals (`box` grows to take them in). */
export function featureOf(plan: ExportColumns, row: Record<string, unknown>, box?: BBox): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const c of plan.columns) properties[c] = row[c] ?? null;
  const raw = plan.geometryField ? ((row[plan.geometryField] ?? null) as Geometry | null) : null;
  const geometry = raw ? roundedGeometry(raw, EXPORT_DECIMALS, box) : null;
  const id = plan.idField ? row[plan.idField] : undefined;
  return id === undefined || id === null ? { type: 'Feature', geometry, properties } : { type: 'Feature', id, geometry, properties };
}

function geojsonWriter(plan: ExportColumns): RowWriter {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  return {
    begin: (about) => `{"type":"FeatureCollection","metadata":${JSON.stringify(about)},"features":[\n`,
    row: (row, first) => `${first ? '' : ',\n'}${JSON.stringify(featureOf(plan, row, box))}`,
    end: () => (box[0] <= box[2] ? `\n],"bbox":${JSON.stringify(box)}}\n` : '\n]}\n'),
  };
}

export function csvHeader(plan: ExportColumns): string[] {
  return [...plan.columns, ...(plan.geometryField && plan.points ? ['lng', 'lat'] : []), ...(plan.geometryField ? ['wkt'] : [])];
}

function csvWriter(plan: ExportColumns): RowWriter {
  return {
    begin: () => `${plan.bom ? '\uFEFF' : ''}${(plan.header ?? csvHeader(plan)).map(csvField).join(',')}\r\n`,
    row: (row) => {
      const fields = plan.columns.map((c) => csvField(row[c]));
      if (plan.geometryField) {
        const geometry = row[plan.geometryField] as Geometry | null;
        const point = plan.points && geometry?.type === 'Point' ? geometry.coordinates : null;
        if (point) {
          // each coordinate written once as text, for its column and for the WKT (as geometryToWkt writes it)
          const x = csvField(point[0]);
          const y = csvField(point[1]);
          fields.push(x, y, `POINT (${x} ${y})`);
        } else {
          if (plan.points) fields.push('', '');
          fields.push(csvField(geometry ? geometryToWkt(geometry) : null));
        }
      }
      return `${fields.join(',')}\r\n`;
    },
    end: () => '',
  };
}

/** The `.csvt` file of a CSV export: one row of GDAL types, quoted, for the columns of the CSV. */
export function csvtRow(plan: ExportColumns): string {
  const types: CsvType[] = [...plan.columns.map((_, i) => plan.columnTypes?.[i] ?? 'String'), ...(plan.geometryField && plan.points ? (['Real', 'Real'] as const) : []), ...(plan.geometryField ? (['WKT'] as const) : [])];
  return `${types.map((t) => `"${t}"`).join(',')}\r\n`;
}

export function exportRowWriter(format: ExportFormat, plan: ExportColumns): RowWriter {
  return format === 'geojson' ? geojsonWriter(plan) : csvWriter(plan);
}
