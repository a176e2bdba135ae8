/**
 * The eight real district boundaries of Almaty (OpenStreetMap, ODbL) from
 * seeds/almaty-districts.geojson, and the seed's only h3-js calls (h3-js takes (lat, lng); the
 * swap to GeoJSON's [lng, lat] happens here and nowhere else in seeds/).
 */
import * as fs from 'fs';
import * as path from 'path';
import { cellToBoundary, cellToLatLng, gridDisk, polygonToCells } from 'h3-js';
import type { MultiPolygonGeometry, PolygonGeometry, Position } from '../../src/domain';
import { PreparedArea } from './geometry';

export const OSM_ATTRIBUTION = '© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)';

export interface District {
  index: number;
  externalId: string;
  name: string;
  nameRu: string | null;
  nameKk: string | null;
  geometry: PolygonGeometry | MultiPolygonGeometry;
  /** polygons as lists of rings */
  polygons: Position[][][];
  area: PreparedArea;
}

export interface DistrictsFile {
  attribution: string;
  districts: District[];
}

interface RawFeature {
  properties: { name_en: string; name_ru?: string; name_kk?: string; source_id: string };
  geometry: PolygonGeometry | MultiPolygonGeometry;
}

/** Where the districts file is, from seeds/almaty (ts-node, jest) or dist/seeds/almaty (built). */
export function defaultDistrictsPath(): string {
  const candidates = [
    path.resolve(__dirname, '..', 'almaty-districts.geojson'),
    path.resolve(__dirname, '..', '..', '..', 'seeds', 'almaty-districts.geojson'),
    path.resolve(process.cwd(), 'seeds', 'almaty-districts.geojson'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`almaty-districts.geojson not found (looked in ${candidates.join(', ')})`);
  return found;
}

const cache = new Map<string, DistrictsFile>();

export function loadDistricts(file = defaultDistrictsPath()): DistrictsFile {
  const hit = cache.get(file);
  if (hit) return hit;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { attribution?: string; features: RawFeature[] };
  const attribution = raw.attribution ?? OSM_ATTRIBUTION;
  const districts = raw.features.map((f, index): District => {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    return {
      index,
      externalId: f.properties.source_id,
      name: f.properties.name_en,
      nameRu: f.properties.name_ru ?? null,
      nameKk: f.properties.name_kk ?? null,
      geometry: f.geometry,
      polygons,
      area: new PreparedArea(polygons),
    };
  });
  const result = { attribution, districts };
  cache.set(file, result);
  return result;
}

/** Build districts from stored area geometries (used when a city is rebuilt from its records). */
export function districtsFromGeometries(items: { externalId: string; name: string; geometry: PolygonGeometry | MultiPolygonGeometry }[]): District[] {
  return items.map((a, index) => {
    const polygons = a.geometry.type === 'Polygon' ? [a.geometry.coordinates] : a.geometry.coordinates;
    return {
      index,
      externalId: a.externalId,
      name: a.name,
      nameRu: null,
      nameKk: null,
      geometry: a.geometry,
      polygons,
      area: new PreparedArea(polygons),
    };
  });
}

/** H3 cells whose centres lie in the polygon (rings in GeoJSON order). */
export function cellsInPolygon(rings: Position[][], res: number): string[] {
  return polygonToCells(rings, res, true);
}

export function cellCentre(cell: string): Position {
  const [lat, lng] = cellToLatLng(cell);
  return [lng, lat];
}

/** The six corners of a cell in [lng, lat] order (ring not closed). */
export function cellCorners(cell: string): Position[] {
  const ring = cellToBoundary(cell, true) as Position[];
  const n = ring.length;
  const closed = n > 1 && ring[0][0] === ring[n - 1][0] && ring[0][1] === ring[n - 1][1];
  return closed ? ring.slice(0, n - 1) : ring;
}

export function cellNeighbours(cell: string, k: number): string[] {
  return gridDisk(cell, k);
}
