/**
 * Read queries for every layer: area and time filters, cursor pagination by id, GeoJSON out.
 * Geometries from users arrive here already validated and are bound as parameters, never
 * spliced into SQL.
 */
import type { Knex } from 'knex';
import type { Geometry, RequestUser } from '../domain';
import { bigintToCell, cellPolygon } from '../geo/h3';
import { recordRead } from './audit';

/** A validated area: what `AreaInput` becomes once checked. */
export type AreaSpec =
  | { kind: 'bbox'; bbox: [number, number, number, number] }
  | { kind: 'polygon'; geometry: Geometry }
  | { kind: 'area'; areaId: string; areaKind: 'district' | 'precinct' }
  /** the whole city: the union of every stored district */
  | { kind: 'city' };

export interface TimeWindow {
  from: Date | null;
  to: Date | null;
}

export interface PageRequest {
  first: number;
  /** id after which the page starts */
  afterId: string | null;
}

export interface PageResult<T> {
  nodes: T[];
  hasNextPage: boolean;
  endId: string | null;
}

/** SQL condition that the geometry column `column` lies in (intersects) the area. */
export function areaCondition(knex: Knex, column: string, area: AreaSpec): Knex.Raw {
  switch (area.kind) {
    case 'bbox':
      return knex.raw(`${column} && ST_MakeEnvelope(?, ?, ?, ?, 4326) AND ST_Intersects(${column}, ST_MakeEnvelope(?, ?, ?, ?, 4326))`, [...area.bbox, ...area.bbox]);
    case 'polygon':
      return knex.raw(`ST_Intersects(${column}, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))`, [JSON.stringify(area.geometry)]);
    case 'area':
      return knex.raw(`ST_Intersects(${column}, (SELECT a.geom FROM areas a WHERE a.id = ?))`, [area.areaId]);
    case 'city':
      return knex.raw(`EXISTS (SELECT 1 FROM areas a WHERE a.kind = 'district' AND ST_Intersects(${column}, a.geom))`);
  }
}

/** Checks that a district or precinct id names a stored area of that kind. */
export async function areaExists(knex: Knex, id: string, kind: 'district' | 'precinct'): Promise<boolean> {
  if (!/^\d{1,18}$/.test(id)) return false;
  const row = await knex('areas').where({ id, kind }).first('id');
  return row !== undefined;
}

async function page<T>(query: Knex.QueryBuilder, request: PageRequest, idColumn: string, map: (row: Record<string, unknown>) => T): Promise<PageResult<T>> {
  if (request.afterId !== null) query.where(idColumn, '>', request.afterId);
  const rows = (await query.orderBy(idColumn).limit(request.first + 1)) as Record<string, unknown>[];
  const hasNextPage = rows.length > request.first;
  const nodes = rows.slice(0, request.first).map(map);
  return { nodes, hasNextPage, endId: rows.length > 0 ? String(rows[Math.min(rows.length, request.first) - 1].id) : null };
}

async function count(query: Knex.QueryBuilder): Promise<number> {
  const [row] = (await query.clearSelect().clearOrder().count<{ count: string }[]>('* as count')) as { count: string }[];
  return Number(row.count);
}

export interface Listing<T> {
  page: (request: PageRequest) => Promise<PageResult<T>>;
  count: () => Promise<number>;
  /** The filtered query itself, for other readers of the same rows (vector tiles): same filters by construction. */
  query: () => Knex.QueryBuilder;
}

function listing<T>(build: () => Knex.QueryBuilder, idColumn: string, map: (row: Record<string, unknown>) => T): Listing<T> {
  return { page: (request) => page(build(), request, idColumn, map), count: () => count(build()), query: build };
}

const geo = (column = 'geom') => `ST_AsGeoJSON(${column}, 7)::json AS geometry`;

// ---------------------------------------------------------------- incidents

export interface IncidentRow {
  id: string;
  source: string;
  externalId: string;
  category: string;
  occurredAt: Date;
  timePrecision: string;
  outdoor: boolean | null;
  description: string | null;
  geometry: Geometry;
  h3: string;
}

export interface IncidentQuery {
  area: AreaSpec | null;
  window: TimeWindow | null;
  categories: string[] | null;
  sources: string[] | null;
  /** sensitive categories: never read as points, whatever the filter says */
  withheldCategories: readonly string[];
}

/** Who reads raw points, recorded in the audit log with the filter and the number of rows. */
export interface PointReader {
  user: RequestUser;
  operation: string;
  filter: unknown;
}

function mapIncident(row: Record<string, unknown>): IncidentRow {
  return {
    id: String(row.id),
    source: row.source as string,
    externalId: row.external_id as string,
    category: row.category as string,
    occurredAt: row.occurred_at as Date,
    timePrecision: row.time_precision as string,
    outdoor: row.outdoor as boolean | null,
    description: row.description as string | null,
    geometry: row.geometry as Geometry,
    h3: bigintToCell(row.h3 as string),
  };
}

/** Raw incident points. Every page read is written to the audit log before it is returned. */
export function listIncidents(knex: Knex, q: IncidentQuery, reader: PointReader): Listing<IncidentRow> {
  const points = listing(
    () => {
      const query = knex('incidents').select('id', 'source', 'external_id', 'category', 'occurred_at', 'time_precision', 'outdoor', 'description', 'h3', knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.window?.from) query.where('occurred_at', '>=', q.window.from);
      if (q.window?.to) query.where('occurred_at', '<', q.window.to);
      if (q.categories) query.whereIn('category', q.categories);
      if (q.sources) query.whereIn('source', q.sources);
      if (q.withheldCategories.length > 0) query.whereNotIn('category', q.withheldCategories);
      return query;
    },
    'id',
    mapIncident,
  );
  return {
    count: points.count,
    // for readers of aggregates only: no route serves incident points from it
    query: points.query,
    page: async (request) => {
      const result = await points.page(request);
      await recordRead(knex, reader.user, reader.operation, { ...(reader.filter as object), first: request.first, afterId: request.afterId }, result.nodes.length);
      return result;
    },
  };
}

// ---------------------------------------------------------------- outages and defects

export interface LightingOutageRow {
  id: string;
  source: string;
  externalId: string;
  reportedAt: Date;
  fixedAt: Date | null;
  status: string;
  street: string | null;
  lengthM: number;
  geometry: Geometry;
}

export interface RoadDefectRow {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  reportedAt: Date;
  fixedAt: Date | null;
  status: string;
  street: string | null;
  geometry: Geometry;
}

export interface FixableQuery {
  area: AreaSpec | null;
  /** open at some moment of the window */
  window: TimeWindow | null;
  status: 'open' | 'fixed' | null;
  kinds?: string[] | null;
}

function applyFixable(query: Knex.QueryBuilder, knex: Knex, q: FixableQuery): Knex.QueryBuilder {
  if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
  if (q.window?.to) query.where('reported_at', '<', q.window.to);
  if (q.window?.from) {
    const from = q.window.from;
    query.where((w) => w.whereNull('fixed_at').orWhere('fixed_at', '>', from));
  }
  if (q.status === 'open') query.whereNull('fixed_at');
  if (q.status === 'fixed') query.whereNotNull('fixed_at');
  if (q.kinds) query.whereIn('kind', q.kinds);
  return query;
}

export function listLightingOutages(knex: Knex, q: FixableQuery): Listing<LightingOutageRow> {
  return listing(
    () =>
      applyFixable(
        knex('lighting_outages').select('id', 'source', 'external_id', 'reported_at', 'fixed_at', 'street', knex.raw('ST_Length(geom::geography) AS length_m'), knex.raw(geo())),
        knex,
        q,
      ),
    'id',
    (row) => ({
      id: String(row.id),
      source: row.source as string,
      externalId: row.external_id as string,
      reportedAt: row.reported_at as Date,
      fixedAt: row.fixed_at as Date | null,
      status: row.fixed_at ? 'fixed' : 'open',
      street: row.street as string | null,
      lengthM: Number(row.length_m),
      geometry: row.geometry as Geometry,
    }),
  );
}

export function listRoadDefects(knex: Knex, q: FixableQuery): Listing<RoadDefectRow> {
  return listing(
    () => applyFixable(knex('road_defects').select('id', 'source', 'external_id', 'kind', 'reported_at', 'fixed_at', 'street', knex.raw(geo())), knex, q),
    'id',
    (row) => ({
      id: String(row.id),
      source: row.source as string,
      externalId: row.external_id as string,
      kind: row.kind as string,
      reportedAt: row.reported_at as Date,
      fixedAt: row.fixed_at as Date | null,
      status: row.fixed_at ? 'fixed' : 'open',
      street: row.street as string | null,
      geometry: row.geometry as Geometry,
    }),
  );
}

// ---------------------------------------------------------------- facilities, posts, population, areas

export interface YouthFacilityRow {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  name: string | null;
  openedAt: Date | null;
  geometry: Geometry;
}

export function listYouthFacilities(knex: Knex, q: { area: AreaSpec | null; kinds: string[] | null }): Listing<YouthFacilityRow> {
  return listing(
    () => {
      const query = knex('youth_facilities').select('id', 'source', 'external_id', 'kind', 'name', 'opened_at', knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.kinds) query.whereIn('kind', q.kinds);
      return query;
    },
    'id',
    (row) => ({
      id: String(row.id),
      source: row.source as string,
      externalId: row.external_id as string,
      kind: row.kind as string,
      name: row.name as string | null,
      openedAt: row.opened_at as Date | null,
      geometry: row.geometry as Geometry,
    }),
  );
}

export interface PostRow {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  name: string | null;
  walkingRadiusM: number;
  openedAt: Date | null;
  geometry: Geometry;
}

function mapPost(row: Record<string, unknown>): PostRow {
  return {
    id: String(row.id),
    source: row.source as string,
    externalId: row.external_id as string,
    kind: row.kind as string,
    name: row.name as string | null,
    walkingRadiusM: Number(row.walking_radius_m),
    openedAt: row.opened_at as Date | null,
    geometry: row.geometry as Geometry,
  };
}

const POST_COLUMNS = ['id', 'source', 'external_id', 'kind', 'name', 'walking_radius_m', 'opened_at'];

export function listPosts(knex: Knex, q: { area: AreaSpec | null; kinds: string[] | null }): Listing<PostRow> {
  return listing(
    () => {
      const query = knex('posts').select(...POST_COLUMNS, knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.kinds) query.whereIn('kind', q.kinds);
      return query;
    },
    'id',
    mapPost,
  );
}

export interface PopulationRow {
  id: string;
  source: string;
  h3: string;
  resolution: number;
  residents: number;
  youngResidents: number;
  boundary: Geometry;
}

export function listPopulation(knex: Knex, q: { area: AreaSpec | null }): Listing<PopulationRow> {
  return listing(
    () => {
      const query = knex('population').select('id', 'source', 'h3', 'resolution', 'residents', 'young_residents');
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      return query;
    },
    'id',
    (row) => {
      const h3 = bigintToCell(row.h3 as string);
      return {
        id: String(row.id),
        source: row.source as string,
        h3,
        resolution: Number(row.resolution),
        residents: Number(row.residents),
        youngResidents: Number(row.young_residents),
        boundary: cellPolygon(h3),
      };
    },
  );
}

export interface AreaRow {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  name: string;
  nameRu: string | null;
  nameKk: string | null;
  attribution: string | null;
  parentId: string | null;
  areaKm2: number;
  geometry: Geometry;
}

const AREA_COLUMNS = ['id', 'source', 'external_id', 'kind', 'name', 'name_ru', 'name_kk', 'attribution', 'parent_id'];

function mapArea(row: Record<string, unknown>): AreaRow {
  return {
    id: String(row.id),
    source: row.source as string,
    externalId: row.external_id as string,
    kind: row.kind as string,
    name: row.name as string,
    nameRu: row.name_ru as string | null,
    nameKk: row.name_kk as string | null,
    attribution: row.attribution as string | null,
    parentId: row.parent_id === null ? null : String(row.parent_id),
    areaKm2: Number(row.area_km2),
    geometry: row.geometry as Geometry,
  };
}

function areaSelect(knex: Knex): Knex.QueryBuilder {
  return knex('areas').select(...AREA_COLUMNS.map((c) => `areas.${c}`), knex.raw('ST_Area(areas.geom::geography) / 1e6 AS area_km2'), knex.raw(geo('areas.geom')));
}

export function listAreas(knex: Knex, q: { kind: string | null; parentId: string | null }): Listing<AreaRow> {
  return listing(
    () => {
      const query = areaSelect(knex);
      if (q.kind) query.where('areas.kind', q.kind);
      if (q.parentId) query.where('areas.parent_id', q.parentId);
      return query;
    },
    'areas.id',
    mapArea,
  );
}

// ---------------------------------------------------------------- factor layers (risk_features)

export interface RiskFeatureRow {
  id: string;
  source: string;
  externalId: string;
  factor: string;
  label: string | null;
  openedAt: Date | null;
  closedAt: Date | null;
  geometry: Geometry;
  h3: string;
}

export interface RiskFeatureQuery {
  area: AreaSpec | null;
  factors: string[] | null;
  /** only features present at this instant */
  presentAt: Date | null;
}

/**
 * SQL condition that a risk feature is present at `at` (now when null): opened by then, or
 * with no known opening, and not yet closed. The one definition of presence for this layer.
 */
export function riskFeaturePresentCondition(knex: Knex, at: Date | null): Knex.Raw {
  const t = at === null ? knex.raw('now()') : knex.raw('?::timestamptz', [at]);
  return knex.raw('(opened_at IS NULL OR opened_at <= ?) AND (closed_at IS NULL OR closed_at > ?)', [t, t]);
}

export function listRiskFeatures(knex: Knex, q: RiskFeatureQuery): Listing<RiskFeatureRow> {
  return listing(
    () => {
      const query = knex('risk_features').select('id', 'source', 'external_id', 'factor', 'label', 'opened_at', 'closed_at', 'h3', knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.factors) query.whereIn('factor', q.factors);
      if (q.presentAt) query.whereRaw(riskFeaturePresentCondition(knex, q.presentAt));
      return query;
    },
    'id',
    (row) => ({
      id: String(row.id),
      source: row.source as string,
      externalId: row.external_id as string,
      factor: row.factor as string,
      label: row.label as string | null,
      openedAt: row.opened_at as Date | null,
      closedAt: row.closed_at as Date | null,
      geometry: row.geometry as Geometry,
      h3: bigintToCell(row.h3 as string),
    }),
  );
}

export interface RiskFeatureLayerRow {
  factor: string;
  label: string | null;
  featureCount: number;
  presentCount: number;
  firstOpenedAt: Date | null;
  lastChangedAt: Date;
  sources: string[];
}

/** One row per imported factor, in factor order: what is loaded, how much of it stands now, from where. */
export async function riskFeatureLayers(knex: Knex, q: { area: AreaSpec | null }): Promise<RiskFeatureLayerRow[]> {
  const query = knex('risk_features')
    .select(
      'factor',
      // ordered-set aggregates skip nulls; a tie goes to the alphabetically first label
      knex.raw('mode() WITHIN GROUP (ORDER BY label) AS label'),
      knex.raw('count(*)::int AS feature_count'),
      knex.raw('(count(*) FILTER (WHERE ?))::int AS present_count', [riskFeaturePresentCondition(knex, null)]),
      knex.raw('min(opened_at) AS first_opened_at'),
      knex.raw('max(updated_at) AS last_changed_at'),
      knex.raw('array_agg(DISTINCT source ORDER BY source) AS sources'),
    )
    .groupBy('factor')
    .orderBy('factor');
  if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
  const rows = (await query) as Record<string, unknown>[];
  return rows.map((row) => ({
    factor: row.factor as string,
    label: row.label as string | null,
    featureCount: Number(row.feature_count),
    presentCount: Number(row.present_count),
    firstOpenedAt: row.first_opened_at as Date | null,
    lastChangedAt: row.last_changed_at as Date,
    sources: row.sources as string[],
  }));
}

// ---------------------------------------------------------------- batched lookups for DataLoader

export async function areasByIds(knex: Knex, ids: readonly string[]): Promise<Map<string, AreaRow>> {
  const rows = (await areaSelect(knex).whereIn('areas.id', ids.filter((id) => /^\d{1,18}$/.test(id)))) as Record<string, unknown>[];
  return new Map(rows.map((r) => [String(r.id), mapArea(r)]));
}

export async function postsByIds(knex: Knex, ids: readonly string[]): Promise<Map<string, PostRow>> {
  const rows = (await knex('posts').select(...POST_COLUMNS, knex.raw(geo())).whereIn('id', ids.filter((id) => /^\d{1,18}$/.test(id)))) as Record<string, unknown>[];
  return new Map(rows.map((r) => [String(r.id), mapPost(r)]));
}

type PointTable = 'incidents' | 'posts' | 'lighting_outages' | 'road_defects' | 'youth_facilities';

/**
 * The district (or precinct) of each row of a layer. A point in one of the thin slivers between
 * OSM district polygons lies in none; it takes the nearest area instead of none.
 */
export async function areaIdsOf(knex: Knex, table: PointTable, ids: readonly string[], kind: 'district' | 'precinct'): Promise<Map<string, string>> {
  const result = await knex.raw(
    `SELECT t.id, nearest.id AS area_id
       FROM ${table} t
       CROSS JOIN LATERAL (
         SELECT a.id FROM areas a
          WHERE a.kind = ?
          ORDER BY ST_Intersects(a.geom, ST_PointOnSurface(t.geom)) DESC, a.geom <-> t.geom
          LIMIT 1) nearest
      WHERE t.id = ANY(?::bigint[])`,
    [kind, ids.filter((id) => /^\d{1,18}$/.test(id))],
  );
  return new Map((result.rows as { id: string; area_id: string }[]).map((r) => [String(r.id), String(r.area_id)]));
}

/** Nearest post to each incident by geodesic distance (index scan on the 8 planar nearest first). */
export async function nearestPostsOfIncidents(knex: Knex, ids: readonly string[]): Promise<Map<string, { postId: string; distanceM: number }>> {
  const result = await knex.raw(
    `SELECT i.id, best.post_id, best.distance_m
       FROM incidents i
       CROSS JOIN LATERAL (
         SELECT c.id AS post_id, ST_Distance(c.geom::geography, i.geom::geography) AS distance_m
           FROM (SELECT p.id, p.geom FROM posts p ORDER BY p.geom <-> i.geom LIMIT 8) c
          ORDER BY 2 LIMIT 1) best
      WHERE i.id = ANY(?::bigint[])`,
    [ids.filter((id) => /^\d{1,18}$/.test(id))],
  );
  return new Map((result.rows as { id: string; post_id: string; distance_m: number }[]).map((r) => [String(r.id), { postId: String(r.post_id), distanceM: Number(r.distance_m) }]));
}
