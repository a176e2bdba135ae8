/**
 * The file formats of exports, written row by row: GeoJSON (RFC 7946) as one FeatureCollection
 * whose `metadata` says what the answer was (query, parameters, method, study area), and CSV
 * (RFC 4180) with the geometry as WKT in a last `wkt` column. Which rows and columns an export
 * has is planned from the GraphQL schema by src/http/exports.ts.
 */
import type { Geometry } from '../domain';
import { geometryToWkt } from '../geo/geometry';

export type ExportFormat = 'geojson' | 'csv';

/** The columns of an export's rows: leaf fields in order, and the one holding the geometry. */
export interface ExportColumns {
  columns: string[];
  geometryField: string | null;
}

export interface RowWriter {
  begin(about: Record<string, unknown>): string;
  row(row: Record<string, unknown>, first: boolean): string;
  end(): string;
}

/** One CSV field (RFC 4180), guarded against spreadsheet formulas. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(';') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function geojsonWriter(plan: ExportColumns): RowWriter {
  return {
    begin: (about) => `{"type":"FeatureCollection","metadata":${JSON.stringify(about)},"features":[\n`,
    row: (row, first) => {
      const properties: Record<string, unknown> = {};
      for (const c of plan.columns) properties[c] = row[c] ?? null;
      const geometry = plan.geometryField ? (row[plan.geometryField] ?? null) : null;
      return `${first ? '' : ',\n'}${JSON.stringify({ type: 'Feature', geometry, properties })}`;
    },
    end: () => '\n]}\n',
  };
}

function csvWriter(plan: ExportColumns): RowWriter {
  return {
    begin: () => `${[...plan.columns, ...(plan.geometryField ? ['wkt'] : [])].map(csvField).join(',')}\r\n`,
    row: (row) => {
      const fields = plan.columns.map((c) => csvField(row[c]));
      if (plan.geometryField) {
        const geometry = row[plan.geometryField] as Geometry | null;
        fields.push(csvField(geometry ? geometryToWkt(geometry) : null));
      }
      return `${fields.join(',')}\r\n`;
    },
    end: () => '',
  };
}

export function exportRowWriter(format: ExportFormat, plan: ExportColumns): RowWriter {
  return format === 'geojson' ? geojsonWriter(plan) : csvWriter(plan);
}
