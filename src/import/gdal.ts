/**
 * GIS files through GDAL: GeoPackage, Shapefile (also zipped), KML, GeoJSON in any CRS and
 * spreadsheets (XLSX, ODS) are read by `ogr2ogr -f GeoJSONSeq -t_srs EPSG:4326 /vsistdout/`, one
 * feature per line, streamed into the same validation as every other format. GDAL is a Debian
 * package (`gdal-bin`, installed by scripts/prepare.sh); without it these formats stop with a
 * message saying so.
 */
import { ImportRefusedError } from './errors';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** A file GDAL cannot read, or GDAL missing: the import stops before anything is stored. */
export class GdalError extends ImportRefusedError {}

/** A feature as a row (the shape of readers.ts's PositionedRow, which re-exports this reader). */
export interface GdalRow {
  line: number;
  raw: Record<string, unknown>;
  problem?: { field: string; reason: string };
}

let gdalChecked: string | null | undefined;

/** The GDAL version (`GDAL 3.6.2, released ...`), or null when ogr2ogr is not installed. */
export function gdalVersion(): string | null {
  if (gdalChecked === undefined) {
    const result = spawnSync('ogr2ogr', ['--version'], { encoding: 'utf8' });
    gdalChecked = result.status === 0 ? result.stdout.trim() : null;
  }
  return gdalChecked;
}

/** Extensions read through GDAL, and what they are called in messages. */
export const GDAL_EXTENSIONS: Record<string, string> = {
  '.gpkg': 'GeoPackage',
  '.shp': 'Shapefile',
  '.zip': 'zipped Shapefile',
  '.kml': 'KML',
  '.kmz': 'KMZ',
  '.gml': 'GML',
  '.fgb': 'FlatGeobuf',
  '.xlsx': 'Excel workbook',
  '.xls': 'Excel workbook',
  '.ods': 'OpenDocument spreadsheet',
};

/** The name GDAL opens a file by: zip archives through /vsizip/. */
export function gdalDatasetName(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return ext === '.zip' ? `/vsizip/${path.resolve(file)}` : path.resolve(file);
}

function isSpreadsheet(file: string): boolean {
  return ['.xlsx', '.xls', '.ods'].includes(path.extname(file).toLowerCase());
}

export interface GdalReadOptions {
  /** the layer of a multi-layer dataset (a GeoPackage with several tables) */
  sourceLayer?: string;
  /**
   * assume this CRS for data that declares none (`-s_srs`), e.g. `EPSG:32643` for a GeoJSON of
   * projected coordinates without a `crs` member
   */
  sourceCrs?: string;
}

/**
 * The features of a GIS file in WGS 84, one row each: properties as the row, the geometry as
 * `geometry`; `line` is the feature's 1-based position. Throws GdalError when GDAL fails
 * (stderr in the message).
 */
export async function* readGdal(file: string, options: GdalReadOptions = {}): AsyncGenerator<GdalRow> {
  if (!gdalVersion()) {
    throw new GdalError(`${path.basename(file)}: reading ${GDAL_EXTENSIONS[path.extname(file).toLowerCase()] ?? 'this format'} needs GDAL's ogr2ogr (Debian: apt-get install gdal-bin; scripts/prepare.sh installs it)`);
  }
  const args = ['-f', 'GeoJSONSeq'];
  // spreadsheets have no coordinate system: a reprojection would fail on them
  if (!isSpreadsheet(file)) {
    args.push('-t_srs', 'EPSG:4326');
    if (options.sourceCrs) args.push('-s_srs', options.sourceCrs);
  }
  // spreadsheets: the first row is the header, values as written (no type guessing of dates)
  if (isSpreadsheet(file)) args.push('--config', 'OGR_XLSX_HEADERS', 'FORCE', '--config', 'OGR_ODS_HEADERS', 'FORCE');
  args.push('/vsistdout/', gdalDatasetName(file));
  if (options.sourceLayer) args.push(options.sourceLayer);
  const child = spawn('ogr2ogr', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4000) stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  // observed after the last line; this keeps a spawn failure from counting as unhandled meanwhile
  exited.catch(() => undefined);
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  let index = 0;
  try {
    for await (const text of lines) {
      // a record separator (RS, 0x1E) may start each line
      const trimmed = (text.charCodeAt(0) === 0x1e ? text.slice(1) : text).trim();
      if (trimmed === '') continue;
      index++;
      let feature: { type?: unknown; properties?: unknown; geometry?: unknown };
      try {
        feature = JSON.parse(trimmed) as typeof feature;
      } catch {
        yield { line: index, raw: {}, problem: { field: 'type', reason: 'GDAL gave a line that is not JSON' } };
        continue;
      }
      const properties = (typeof feature.properties === 'object' && feature.properties !== null ? feature.properties : {}) as Record<string, unknown>;
      yield { line: index, raw: { ...properties, geometry: feature.geometry ?? undefined } };
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0) {
    const message = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, 5)
      .join('; ');
    throw new GdalError(`GDAL could not read ${path.basename(file)}: ${message || `ogr2ogr exited with status ${code}`}`);
  }
}
