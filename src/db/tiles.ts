/**
 * Mapbox Vector Tiles made by PostGIS (ST_AsMVT over ST_AsMVTGeom in ST_TileEnvelope), and the
 * data version that tile and export ETags are made from. Layer rows come from the same filtered
 * queries as the GraphQL lists (src/db/reads/), so a tile shows what the list query answers.
 */
import type { Knex } from 'knex';
import { layerVersions } from './layerCache';
import type { Geometry as GeoJSONGeometry } from 'geojson';
import type { Geometry } from '../domain';
import type { TileAddress } from '../geo/tiles';
import type { BBox } from '../domain';
import { AreaSpec, FixableQuery, listAreas, listLightingOutages, listPosts, listRiskFeatures, listRoadDefects, listYouthFacilities, RiskFeatureQuery } from './reads';

/** Tile extent in MVT units and the buffer around it, as MapLibre and QGIS expect. */
const EXTENT = 4096;
const BUFFER = 64;

export type TileProperties = Record<string, string | number | boolean | null>;

export interface TileFeature {
  /** GeoJSON, [lng, lat] (ours or turf's, which types positions more loosely) */
  geometry: Geometry | GeoJSONGeometry;
  properties: TileProperties;
  /** The MVT feature id, an unsigned integer as decimal text (a record id, an H3 index as a number). */
  id?: string;
}

function tileOf(result: { rows: { tile: Buffer | null }[] }): Buffer {
  return result.rows[0]?.tile ?? Buffer.alloc(0);
}

/** A tile of one layer from features computed in the application (H3 cells, reach polygons). */
export async function tileOfFeatures(knex: Knex, layer: string, tile: TileAddress, features: readonly TileFeature[]): Promise<Buffer> {
  if (features.length === 0) return Buffer.alloc(0);
  const result = await knex.raw(
    `SELECT ST_AsMVT(f, ?, ${EXTENT}, 'geom', 'fid') AS tile FROM (
       SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(e->>'geometry'), 4326), 3857), ST_TileEnvelope(?, ?, ?), ${EXTENT}, ${BUFFER}, true) AS geom,
              e->'properties' AS properties, (e->>'id')::bigint AS fid
         FROM jsonb_array_elements(?::jsonb) e) f
      WHERE f.geom IS NOT NULL`,
    [layer, tile.z, tile.x, tile.y, JSON.stringify(features)],
  );
  return tileOf(result);
}

/**
 * A tile of rows read by `rows`, which selects `tile_geom` (EPSG:4326) and the feature
 * properties; every other column becomes a property, and the record `id` is also the MVT feature id.
 */
async function tileOfRows(knex: Knex, layer: string, tile: TileAddress, rows: Knex.QueryBuilder): Promise<Buffer> {
  rows.whereRaw('geom && ST_Transform(ST_TileEnvelope(?, ?, ?, margin => ?), 4326)', [tile.z, tile.x, tile.y, BUFFER / EXTENT]);
  const result = await knex.raw(
    `SELECT ST_AsMVT(f, ?, ${EXTENT}, 'geom', 'fid') AS tile FROM (
       SELECT ST_AsMVTGeom(ST_Transform(s.tile_geom, 3857), ST_TileEnvelope(?, ?, ?), ${EXTENT}, ${BUFFER}, true) AS geom,
              jsonb_strip_nulls(to_jsonb(s) - 'tile_geom') AS properties, s.id::bigint AS fid
         FROM (?) s) f
      WHERE f.geom IS NOT NULL`,
    [layer, tile.z, tile.x, tile.y, rows],
  );
  return tileOf(result);
}

const iso = (column: string, alias: string) => `to_json(${column}) #>> '{}' AS "${alias}"`;
// enum values as GraphQL and the exports spell them (OPEN, MODULAR_POST, DISTRICT)
const fixStatus = `CASE WHEN fixed_at IS NULL THEN 'OPEN' ELSE 'FIXED' END AS status`;
const upperKind = (column: string) => `upper(${column}) AS kind`;

export function postsTile(knex: Knex, tile: TileAddress, q: { area: AreaSpec | null; kinds: string[] | null }): Promise<Buffer> {
  const rows = listPosts(knex, q)
    .query()
    .clearSelect()
    .select(knex.raw('geom AS tile_geom'), 'id', knex.raw(upperKind('kind')), 'name', knex.raw('walking_radius_m AS "walkingRadiusM"'), knex.raw(iso('opened_at', 'openedAt')));
  return tileOfRows(knex, 'posts', tile, rows);
}

export function lightingOutagesTile(knex: Knex, tile: TileAddress, q: FixableQuery): Promise<Buffer> {
  const rows = listLightingOutages(knex, q)
    .query()
    .clearSelect()
    .select(knex.raw('geom AS tile_geom'), 'id', knex.raw(fixStatus), 'street', knex.raw(iso('reported_at', 'reportedAt')), knex.raw(iso('fixed_at', 'fixedAt')));
  return tileOfRows(knex, 'lighting_outages', tile, rows);
}

export function roadDefectsTile(knex: Knex, tile: TileAddress, q: FixableQuery): Promise<Buffer> {
  const rows = listRoadDefects(knex, q)
    .query()
    .clearSelect()
    .select(knex.raw('geom AS tile_geom'), 'id', knex.raw(upperKind('kind')), knex.raw(fixStatus), 'street', knex.raw(iso('reported_at', 'reportedAt')), knex.raw(iso('fixed_at', 'fixedAt')));
  return tileOfRows(knex, 'road_defects', tile, rows);
}

export function youthFacilitiesTile(knex: Knex, tile: TileAddress, q: { area: AreaSpec | null; kinds: string[] | null }): Promise<Buffer> {
  const rows = listYouthFacilities(knex, q)
    .query()
    .clearSelect()
    .select(knex.raw('geom AS tile_geom'), 'id', knex.raw(upperKind('kind')), 'name', knex.raw(iso('opened_at', 'openedAt')));
  return tileOfRows(knex, 'youth_facilities', tile, rows);
}

export function riskFeaturesTile(knex: Knex, tile: TileAddress, q: RiskFeatureQuery): Promise<Buffer> {
  const rows = listRiskFeatures(knex, q)
    .query()
    .clearSelect()
    .select(knex.raw('geom AS tile_geom'), 'id', 'factor', 'label', knex.raw(iso('opened_at', 'openedAt')), knex.raw(iso('closed_at', 'closedAt')));
  return tileOfRows(knex, 'risk_features', tile, rows);
}

export function areasTile(knex: Knex, tile: TileAddress, q: { kind: string | null; parentId: string | null }): Promise<Buffer> {
  const rows = listAreas(knex, q)
    .query()
    .clearSelect()
    .select(
      knex.raw('areas.geom AS tile_geom'),
      'areas.id',
      knex.raw(upperKind('areas.kind')),
      'areas.name',
      knex.raw('areas.name_ru AS "nameRu"'),
      knex.raw('areas.name_kk AS "nameKk"'),
      knex.raw('areas.parent_id AS "parentId"'),
    );
  return tileOfRows(knex, 'areas', tile, rows);
}

export interface PostLocation {
  id: string;
  name: string | null;
  kind: string;
  walkingRadiusM: number;
  lng: number;
  lat: number;
}

/** Posts of the posts list query (same filters) standing in a box. */
export async function postsInBox(knex: Knex, box: BBox, q: { area: AreaSpec | null; kinds: string[] | null }): Promise<PostLocation[]> {
  const rows = (await listPosts(knex, q)
    .query()
    .clearSelect()
    .select('id', 'name', 'kind', 'walking_radius_m', knex.raw('ST_X(geom) AS lng, ST_Y(geom) AS lat'))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', box)
    .orderBy('id')) as { id: string; name: string | null; kind: string; walking_radius_m: number; lng: number; lat: number }[];
  return rows.map((r) => ({ id: String(r.id), name: r.name, kind: r.kind, walkingRadiusM: Number(r.walking_radius_m), lng: Number(r.lng), lat: Number(r.lat) }));
}

/**
 * A token that changes whenever any layer changes: the layer versions that every writing
 * transaction bumps (migration layer_versions), the same versions the in-process caches check.
 */
export async function dataVersion(knex: Knex): Promise<string> {
  const versions = await layerVersions(knex);
  return [...versions]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([layer, version]) => `${layer}:${version}`)
    .join(',');
}

/** The streets layer as the map page's base map: named lines with their OpenStreetMap class. */
export function streetsTile(knex: Knex, tile: TileAddress): Promise<Buffer> {
  const rows = knex('streets').select(knex.raw('geom AS tile_geom'), 'id', 'name', 'highway');
  return tileOfRows(knex, 'streets', tile, rows);
}
