/**
 * OGC API - Features - Part 1: Core (OGC 17-069r4) with GeoJSON: the documents of the landing
 * page, conformance, collections and items, and the parsing of the standard's query parameters
 * (`bbox`, `datetime`, `limit`, and our `next` cursor). The collections are the stored layers and
 * the cell analyses that GraphQL and the exports already serve: src/http/ogc.ts runs each
 * request through the same GraphQL operation as the export of that query (src/http/exports.ts),
 * with the request's own context, so roles, the release gate (src/analysis/release.ts), limits
 * and the compute budget are those of GraphQL by construction. Coordinates are CRS84 (lng, lat).
 */
import { cachedPromise, createCache } from '../cache';
import type { RequestContext } from '../context';
import { dataVersion } from '../db/tiles';
import type { BBox } from '../domain';
import { badInput } from '../errors';
import { BUILT_IN_CRS, convertCoordinates, fromWgs84, toWgs84, type ToWgs84 } from '../geo/crs';

export const OGC_CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
];
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const EPSG_4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';
export const EPSG_3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';
export const GEOJSON = 'application/geo+json';
export const JSON_TYPE = 'application/json';
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';
/** `limit` when left out, and the largest one asked for (a larger one is lowered to it, as 17-069r4 /req/core/fc-limit-response-1 says). */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10_000;

export interface OgcCollection {
  /** the collection id, which is also the GraphQL query (and export) it serves */
  id: string;
  title: string;
  description: string;
  /** cells of an analysis (computed per request, ids are H3 cells) or a stored layer (ids are record ids) */
  kind: 'layer' | 'cells';
  /** `datetime` filters it (mapped to the query's `from`/`to` window) */
  temporal: boolean;
  points?: boolean;
  /** further query parameters the items understand, the query's arguments by name */
  parameters: Record<string, string>;
}

const AREA = 'Only features in this district / precinct: districtId, precinctId (bbox is the standard parameter).';
const CELLS = {
  resolution: 'H3 resolution, 7 to 11 (default 9; below analyst the release resolution).',
  categories: 'Incident categories counted, comma-separated (e.g. THEFT,ROBBERY).',
  districtId: 'Study area: a district id (default: bbox, else the city).',
  precinctId: 'Study area: a precinct id.',
};
const STATISTIC = { ...CELLS, k: 'Neighbourhood grid-disk radius, 1 to 5 (default 1).', weights: 'BINARY, GAUSSIAN or BISQUARE.' };

export const OGC_COLLECTIONS: OgcCollection[] = [
  {
    id: 'posts',
    title: 'Police posts',
    description: 'Modular posts, precinct offices and police stations (the posts query).',
    kind: 'layer',
    temporal: false,
    points: true,
    parameters: { kinds: 'MODULAR_POST, PRECINCT_OFFICE, POLICE_STATION', districtId: AREA },
  },
  {
    id: 'areas',
    title: 'Districts and precincts',
    description: 'District and precinct boundaries (the areas query).',
    kind: 'layer',
    temporal: false,
    parameters: { kind: 'DISTRICT or PRECINCT', parentId: 'Precincts of this district.' },
  },
  {
    id: 'lightingOutages',
    title: 'Street-lighting outages',
    description: 'Outages, points and street segments (the lightingOutages query); datetime: open at some moment of it.',
    kind: 'layer',
    temporal: true,
    parameters: { status: 'OPEN or FIXED', districtId: AREA },
  },
  {
    id: 'roadDefects',
    title: 'Road defects',
    description: 'Potholes, broken surfaces, missing sidewalks and crosswalks (the roadDefects query); datetime: open at some moment of it.',
    kind: 'layer',
    temporal: true,
    parameters: { kinds: 'Defect kinds, comma-separated.', status: 'OPEN or FIXED', districtId: AREA },
  },
  {
    id: 'youthFacilities',
    title: 'Youth and sports facilities',
    description: 'Facilities, points and grounds (the youthFacilities query).',
    kind: 'layer',
    temporal: false,
    parameters: { kinds: 'Facility kinds, comma-separated.', districtId: AREA },
  },
  {
    id: 'riskFeatures',
    title: 'Risk factor features',
    description: 'Features of the imported factor layers of the risk models (the riskFeatures query).',
    kind: 'layer',
    temporal: false,
    parameters: { factors: 'Factor names, comma-separated.', districtId: AREA },
  },
  {
    id: 'incidents',
    title: 'Incidents',
    description: 'Incident points (the incidents query): analysts and admins only; sensitive categories are never points.',
    kind: 'layer',
    temporal: true,
    points: true,
    parameters: { categories: 'Incident categories, comma-separated.', districtId: AREA },
  },
  {
    id: 'hexagons',
    title: 'Hexagons',
    description: 'Every H3 cell of the study area (bbox, else the city) with incidents and risk factors (the hexagons query); below analyst, released counts. Items are cells, ids are H3 cells.',
    kind: 'cells',
    temporal: true,
    parameters: CELLS,
  },
  {
    id: 'hotspots',
    title: 'Hot spots (Getis-Ord Gi*)',
    description: 'Gi* hot and cold spots of incident counts per H3 cell (the hotspots query). Items are cells, ids are H3 cells.',
    kind: 'cells',
    temporal: true,
    parameters: STATISTIC,
  },
  {
    id: 'clusters',
    title: "Clusters and outliers (Local Moran's I)",
    description: "Local Moran's I per H3 cell (the clusters query). Items are cells, ids are H3 cells.",
    kind: 'cells',
    temporal: true,
    parameters: { ...STATISTIC, permutations: 'Conditional permutations (0: normal approximation).', seed: 'Random seed of the permutations.' },
  },
];

// ---------------------------------------------------------------- Part 2: coordinate reference systems (OGC 18-058r1)

/**
 * A CRS an answer can be given in, and a `bbox` read in: CRS84 (longitude, latitude: the storage
 * CRS and the default), EPSG:4326 (the same datum with the axis order of its definition, latitude
 * first) and EPSG:3857 (web mercator metres, easting first).
 */
export interface OgcCrs {
  uri: string;
  /** WGS 84 [lng, lat] -> the CRS's axis order */
  fromCrs84: ToWgs84;
  /** the CRS's axis order -> WGS 84 [lng, lat] */
  toCrs84: ToWgs84;
  /** decimals of output coordinates: 7 for degrees (about 1 cm), 2 for metres */
  decimals: number;
}

const identity: ToWgs84 = (x, y) => [x, y];
const swap: ToWgs84 = (x, y) => [y, x];
const mercatorFrom = fromWgs84(BUILT_IN_CRS[3857]);
const mercatorTo = toWgs84(BUILT_IN_CRS[3857]);

export const OGC_CRS: readonly OgcCrs[] = [
  { uri: CRS84, fromCrs84: identity, toCrs84: identity, decimals: 7 },
  { uri: EPSG_4326, fromCrs84: swap, toCrs84: swap, decimals: 7 },
  { uri: EPSG_3857, fromCrs84: mercatorFrom, toCrs84: mercatorTo, decimals: 2 },
];

/** The CRS a `crs` or `bbox-crs` parameter names (its URI, as the collection lists it); CRS84 when left out. */
export function ogcCrsOf(raw: string | undefined, parameter: 'crs' | 'bbox-crs'): OgcCrs {
  if (raw === undefined || raw === '') return OGC_CRS[0];
  const found = OGC_CRS.find((c) => c.uri === raw.trim() || c.uri.replace(/^http:/, 'https:') === raw.trim());
  if (!found) throw badInput(parameter, `"${raw.slice(0, 80)}" is not a CRS of this collection; use one of ${OGC_CRS.map((c) => c.uri).join(', ')}`);
  return found;
}

/** `bbox` given in `crs` (`bbox-crs`) as CRS84 minLng,minLat,maxLng,maxLat: its corners converted and the box around them. */
export function bboxInCrs84(bbox: string, crs: OgcCrs): string {
  if (crs.uri === CRS84) return bbox;
  const [a, b, c, d] = bbox.split(',').map(Number);
  const corners = [crs.toCrs84(a, b), crs.toCrs84(c, d), crs.toCrs84(a, d), crs.toCrs84(c, b)];
  if (corners.some((p) => p === null)) throw badInput('bbox', `is outside the area of ${crs.uri}`);
  const lngs = corners.map((p) => p![0]);
  const lats = corners.map((p) => p![1]);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)].join(',');
}

/** A GeoJSON feature (CRS84) with its coordinates in `crs`, rounded to the CRS's decimals. */
export function featureInCrs<F extends { geometry?: unknown }>(feature: F, crs: OgcCrs): F {
  if (crs.uri === CRS84 || !feature.geometry) return feature;
  const geometry = feature.geometry as { type: string; coordinates: unknown };
  const scale = 10 ** crs.decimals;
  const convert: ToWgs84 = (x, y) => {
    const p = crs.fromCrs84(x, y);
    return p ? [Math.round(p[0] * scale) / scale, Math.round(p[1] * scale) / scale] : null;
  };
  return { ...feature, geometry: { ...geometry, coordinates: convertCoordinates(geometry.coordinates, convert) } };
}

export function ogcCollection(id: string): OgcCollection | undefined {
  return OGC_COLLECTIONS.find((c) => c.id === id);
}

interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

export function landingPage(base: string): Record<string, unknown> {
  return {
    title: 'Almaty crime hotspots: OGC API - Features',
    description: 'Stored layers and cell analyses of the hotspots API as OGC API - Features (Part 1, Core, GeoJSON), under the roles and release rules of the GraphQL API.',
    links: [
      { href: `${base}/ogc`, rel: 'self', type: JSON_TYPE, title: 'This document' },
      { href: `${base}/ogc/api`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'The API definition' },
      { href: `${base}/ogc/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'Conformance classes' },
      { href: `${base}/ogc/collections`, rel: 'data', type: JSON_TYPE, title: 'The collections' },
    ] satisfies Link[],
  };
}

/** A minimal OpenAPI 3.0 definition of the paths (GDAL reads it when present). */
export function apiDefinition(base: string): Record<string, unknown> {
  const param = (name: string, description: string, schema: Record<string, unknown>) => ({ name, in: 'query', required: false, description, schema });
  return {
    openapi: '3.0.3',
    info: { title: 'Almaty crime hotspots: OGC API - Features', version: '1.0.0' },
    servers: [{ url: `${base}/ogc` }],
    paths: {
      '/': { get: { summary: 'Landing page', responses: { 200: { description: 'links' } } } },
      '/conformance': { get: { summary: 'Conformance classes', responses: { 200: { description: 'conformsTo' } } } },
      '/collections': { get: { summary: 'Collections the caller may read', responses: { 200: { description: 'collections' } } } },
      '/collections/{collectionId}/items': {
        get: {
          summary: 'Features',
          parameters: [
            { name: 'collectionId', in: 'path', required: true, schema: { type: 'string' } },
            param('limit', `Features per page, default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}`, { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }),
            param('bbox', 'minLng,minLat,maxLng,maxLat (CRS84; in bbox-crs when given)', { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 6 }),
            param('bbox-crs', 'The CRS of bbox (OGC API - Features - Part 2)', { type: 'string', format: 'uri', enum: [CRS84, EPSG_4326, EPSG_3857] }),
            param('crs', 'The CRS of the answer (Part 2); CRS84 by default', { type: 'string', format: 'uri', enum: [CRS84, EPSG_4326, EPSG_3857] }),
            param('datetime', 'RFC 3339 instant or interval, .. for an open end', { type: 'string' }),
            param('next', 'Cursor of the next page (from the next link)', { type: 'string' }),
          ],
          responses: { 200: { description: 'FeatureCollection' } },
        },
      },
      '/collections/{collectionId}/items/{featureId}': { get: { summary: 'One feature', responses: { 200: { description: 'Feature' } } } },
    },
  };
}

export function collectionDocument(c: OgcCollection, base: string, cityBounds: BBox): Record<string, unknown> {
  return {
    id: c.id,
    title: c.title,
    description: `${c.description} Further parameters of items: ${Object.entries(c.parameters)
      .map(([k, v]) => `${k} (${v})`)
      .join('; ')}.`,
    itemType: 'feature',
    crs: OGC_CRS.map((c) => c.uri),
    storageCrs: CRS84,
    extent: { spatial: { bbox: [[...cityBounds]], crs: CRS84 }, ...(c.temporal ? { temporal: { interval: [[null, null]] } } : {}) },
    parameters: c.parameters,
    links: [
      { href: `${base}/ogc/collections/${c.id}`, rel: 'self', type: JSON_TYPE, title: c.title },
      { href: `${base}/ogc/collections/${c.id}/items`, rel: 'items', type: GEOJSON, title: `${c.title}: features` },
    ] satisfies Link[],
  };
}

export function collectionsDocument(collections: OgcCollection[], base: string, cityBounds: BBox): Record<string, unknown> {
  return {
    links: [{ href: `${base}/ogc/collections`, rel: 'self', type: JSON_TYPE, title: 'The collections' }] satisfies Link[],
    collections: collections.map((c) => collectionDocument(c, base, cityBounds)),
  };
}

/** `limit`: 10 when left out, lowered to MAX_LIMIT (and to what one page may hold) when larger. */
export function limitOf(raw: string | undefined, maxPage: number): number {
  if (raw === undefined || raw === '') return Math.min(DEFAULT_LIMIT, maxPage);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw badInput('limit', `must be a positive integer, got "${raw.slice(0, 40)}"`);
  return Math.min(value, MAX_LIMIT, maxPage);
}

/** `bbox` as minLng,minLat,maxLng,maxLat (a 3D box's heights are dropped). */
export function bboxOf(raw: string): string {
  const values = raw.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if ((values.length !== 4 && values.length !== 6) || values.some((v) => !Number.isFinite(v))) throw badInput('bbox', 'must be 4 (or 6) numbers: minLng,minLat,maxLng,maxLat');
  const box = values.length === 6 ? [values[0], values[1], values[3], values[4]] : values;
  return box.join(',');
}

function instant(raw: string): Date {
  const date = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(raw) || Number.isNaN(date.getTime())) {
    throw badInput('datetime', `"${raw.slice(0, 40)}" is not an RFC 3339 date-time; give an instant or an interval such as 2026-01-01T00:00:00Z/.. `);
  }
  return date;
}

/** `datetime` (RFC 3339 instant, or interval with `..` or empty for an open end) as the `from`/`to` window. */
export function datetimeWindow(raw: string): { from?: string; to?: string } {
  const parts = raw.split('/');
  if (parts.length === 1) {
    const at = instant(parts[0]);
    return { from: at.toISOString(), to: new Date(at.getTime() + 1).toISOString() };
  }
  if (parts.length !== 2) throw badInput('datetime', 'is an instant or one interval start/end');
  const open = (p: string) => p === '' || p === '..';
  if (open(parts[0]) && open(parts[1])) throw badInput('datetime', 'an interval needs at least one end');
  const window: { from?: string; to?: string } = {};
  if (!open(parts[0])) window.from = instant(parts[0]).toISOString();
  // the interval's end is inclusive; the query's `to` is exclusive
  if (!open(parts[1])) window.to = new Date(instant(parts[1]).getTime() + 1).toISOString();
  return window;
}

/** An offset cursor over the cells of an analysis (lists use the connection's own cursor). */
export function offsetOf(next: string | undefined): number {
  if (next === undefined) return 0;
  const value = Number(next);
  if (!Number.isInteger(value) || value < 0) throw badInput('next', 'is not a cursor of this collection; follow the next link');
  return value;
}

export function itemsDocument(args: { features: unknown[]; numberMatched: number | null; selfUrl: string; nextUrl: string | null; collectionUrl: string }): Record<string, unknown> {
  const links: Link[] = [
    { href: args.selfUrl, rel: 'self', type: GEOJSON, title: 'This page' },
    { href: args.collectionUrl, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
  ];
  if (args.nextUrl) links.push({ href: args.nextUrl, rel: 'next', type: GEOJSON, title: 'Next page' });
  return {
    type: 'FeatureCollection',
    timeStamp: new Date().toISOString(),
    ...(args.numberMatched === null ? {} : { numberMatched: args.numberMatched }),
    numberReturned: args.features.length,
    features: args.features,
    links,
  };
}

/** The cells of an analysis collection per collection, parameters, user and data version (as tiles keep theirs). */
const cellsCache = createCache<string, Promise<Record<string, unknown>[]>>({ name: 'OGC cells', max: 16 });

/**
 * The cells of an analysis collection for one parameter set: `compute` (the GraphQL operation,
 * with its roles, release gate and budget) runs once per parameters, user and data version, and
 * every page, single feature and client (GDAL reads a first page of every collection when it
 * lists them, then pages) reads the same answer until an import changes a layer.
 */
export async function cachedCells(ctx: RequestContext, collection: string, parameters: string, compute: () => Promise<Record<string, unknown>[]>): Promise<Record<string, unknown>[]> {
  const key = [collection, ctx.user.role, ctx.user.agency ?? '', ctx.user.id, parameters, await dataVersion(ctx.knex)].join('\n');
  return cachedPromise(cellsCache, key, compute);
}
