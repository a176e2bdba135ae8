/**
 * The working group's cases: recommendations, their items and their history. Agency users see
 * only their own agency's cases: every read takes a `CaseScope` and filters in SQL.
 */
import type { Knex } from 'knex';
import type { AnalysisItemDetail, AnalysisSnapshot, Geometry, RecommendationItemKind, RecommendationStatus, Role } from '../domain';
import { OPEN_RECOMMENDATION_STATUSES } from '../domain';
import { bigintToCell, cellToBigint } from '../geo/h3';
import { AreaSpec, areaCondition, Listing, PageRequest, PageResult } from './reads';

/** Whose cases a request may see: `agency` null means every agency. */
export interface CaseScope {
  agency: string | null;
}

export interface RecommendationRow {
  id: string;
  title: string;
  description: string | null;
  agency: string;
  status: RecommendationStatus;
  /** YYYY-MM-DD */
  dueDate: string | null;
  geometry: Geometry;
  geometryDerived: boolean;
  fixedAt: Date | null;
  outcomeNote: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** open and its due date lies before today in the city's time zone */
  overdue: boolean;
}

export interface RecommendationItemRow {
  id: string;
  recommendationId: string;
  kind: RecommendationItemKind;
  lightingOutageId: string | null;
  roadDefectId: string | null;
  /** hex H3 cell of a youth-gap item */
  h3: string | null;
  riskFeatureId: string | null;
  /** the outage's, defect's or feature's geometry; null for a cell (its outline is computed from the cell) */
  geometry: Geometry | null;
  /** when the outage or defect was reported (a feature opened), as its layer records it */
  reportedAt: Date | null;
  /** when the outage or defect was fixed (a feature closed), as its layer records it */
  fixedAt: Date | null;
  /** forecast and near-repeat items: the cells (hex), the method and the window they were attached with */
  cells: string[] | null;
  method: string | null;
  windowFrom: Date | null;
  windowTo: Date | null;
  /** per cell what the analysis said (expected count and rank, or sources and risk window) and its frame */
  detail: AnalysisItemDetail | null;
}

export interface HistoryRow {
  id: string;
  recommendationId: string;
  at: Date;
  actorId: string;
  actorRole: Role;
  action: string;
  fromStatus: RecommendationStatus | null;
  toStatus: RecommendationStatus | null;
  comment: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

export interface ItemReference {
  kind: RecommendationItemKind;
  lightingOutageId?: string;
  roadDefectId?: string;
  /** hex H3 cell */
  h3?: string;
  riskFeatureId?: string;
  /** forecast_cell and near_repeat_area: the snapshot of the analysis */
  analysis?: AnalysisSnapshot;
}

export interface Actor {
  id: string;
  role: Role;
}

/** the open statuses as an SQL list */
export const OPEN_LIST = OPEN_RECOMMENDATION_STATUSES.map((s) => `'${s}'`).join(', ');

function columns(knex: Knex, timeZone: string): (string | Knex.Raw)[] {
  return [
    'r.id',
    'r.title',
    'r.description',
    'r.agency',
    'r.status',
    knex.raw(`to_char(r.due_date, 'YYYY-MM-DD') AS due_date`),
    knex.raw('ST_AsGeoJSON(r.geom, 7)::json AS geometry'),
    'r.geom_derived',
    'r.fixed_at',
    'r.outcome_note',
    'r.created_by',
    'r.created_at',
    'r.updated_at',
    'r.closed_at',
    knex.raw(`coalesce(r.status IN (${OPEN_LIST}) AND r.due_date < (now() AT TIME ZONE ?)::date, false) AS overdue`, [timeZone]),
  ];
}

function mapRecommendation(row: Record<string, unknown>): RecommendationRow {
  return {
    id: String(row.id),
    title: row.title as string,
    description: row.description as string | null,
    agency: row.agency as string,
    status: row.status as RecommendationStatus,
    dueDate: row.due_date as string | null,
    geometry: row.geometry as Geometry,
    geometryDerived: row.geom_derived as boolean,
    fixedAt: row.fixed_at as Date | null,
    outcomeNote: row.outcome_note as string | null,
    createdBy: row.created_by as string,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    closedAt: row.closed_at as Date | null,
    overdue: row.overdue as boolean,
  };
}

const isId = (id: string): boolean => /^\d{1,18}$/.test(id);

/** One recommendation, whatever the scope (the caller decides between NOT_FOUND and FORBIDDEN); `forUpdate` locks the row. */
export async function recommendationById(knex: Knex, id: string, timeZone: string, forUpdate = false): Promise<RecommendationRow | null> {
  if (!isId(id)) return null;
  const query = knex({ r: 'recommendations' }).select(columns(knex, timeZone)).where('r.id', id);
  if (forUpdate) query.forUpdate();
  const row = (await query.first()) as Record<string, unknown> | undefined;
  return row ? mapRecommendation(row) : null;
}

export async function recommendationsByIds(knex: Knex, ids: readonly string[], timeZone: string, scope: CaseScope): Promise<Map<string, RecommendationRow>> {
  const valid = ids.filter(isId);
  if (valid.length === 0) return new Map();
  const query = knex({ r: 'recommendations' }).select(columns(knex, timeZone)).whereIn('r.id', valid);
  if (scope.agency !== null) query.where('r.agency', scope.agency);
  const rows = (await query) as Record<string, unknown>[];
  return new Map(rows.map((row) => [String(row.id), mapRecommendation(row)]));
}

export interface RecommendationQuery {
  statuses: RecommendationStatus[] | null;
  agency: string | null;
  overdue: boolean | null;
  area: AreaSpec | null;
}

export function listRecommendations(knex: Knex, q: RecommendationQuery, scope: CaseScope, timeZone: string): Listing<RecommendationRow> {
  const build = () => {
    const query = knex({ r: 'recommendations' });
    if (scope.agency !== null) query.where('r.agency', scope.agency);
    if (q.agency) query.where('r.agency', q.agency);
    if (q.statuses) query.whereIn('r.status', q.statuses);
    if (q.overdue !== null) {
      const condition = `(r.status IN (${OPEN_LIST}) AND r.due_date IS NOT NULL AND r.due_date < (now() AT TIME ZONE ?)::date)`;
      query.whereRaw(q.overdue ? condition : `NOT ${condition}`, [timeZone]);
    }
    if (q.area) query.whereRaw(areaCondition(knex, 'r.geom', q.area));
    return query;
  };
  return {
    page: async (request: PageRequest): Promise<PageResult<RecommendationRow>> => {
      const query = build().select(columns(knex, timeZone));
      if (request.afterId !== null) query.where('r.id', '>', request.afterId);
      const rows = (await query.orderBy('r.id').limit(request.first + 1)) as Record<string, unknown>[];
      const nodes = rows.slice(0, request.first).map(mapRecommendation);
      return { nodes, hasNextPage: rows.length > request.first, endId: nodes.length > 0 ? nodes[nodes.length - 1].id : null };
    },
    count: async () => {
      const [row] = (await build().count<{ count: string }[]>('* as count')) as { count: string }[];
      return Number(row.count);
    },
    query: build,
  };
}

/** Ids among `ids` that have no row in `table`. */
export async function missingIds(knex: Knex, table: 'lighting_outages' | 'road_defects' | 'risk_features', ids: readonly string[]): Promise<string[]> {
  const valid = ids.filter(isId);
  const found = valid.length === 0 ? [] : ((await knex(table).whereIn('id', valid).select('id')) as { id: string }[]).map((r) => String(r.id));
  const present = new Set(found);
  return ids.filter((id) => !present.has(id));
}

/**
 * The union of the items' geometries: outages and defects as stored, youth-gap cells as the
 * outlines given in `cellOutlines`. Null when there is nothing to unite.
 */
export async function unionOfItems(knex: Knex, items: readonly ItemReference[], cellOutlines: readonly Geometry[]): Promise<Geometry | null> {
  const outages = items.filter((i) => i.kind === 'lighting_outage').map((i) => i.lightingOutageId as string);
  const defects = items.filter((i) => i.kind === 'road_defect').map((i) => i.roadDefectId as string);
  const features = items.filter((i) => i.kind === 'risk_feature').map((i) => i.riskFeatureId as string);
  const result = await knex.raw(
    `SELECT ST_AsGeoJSON(ST_Union(g), 7)::json AS geometry FROM (
       SELECT geom AS g FROM lighting_outages WHERE id = ANY(?::bigint[])
       UNION ALL SELECT geom FROM road_defects WHERE id = ANY(?::bigint[])
       UNION ALL SELECT geom FROM risk_features WHERE id = ANY(?::bigint[])
       UNION ALL SELECT ST_SetSRID(ST_GeomFromGeoJSON(x), 4326) FROM unnest(?::text[]) AS x
     ) AS parts`,
    [outages, defects, features, cellOutlines.map((g) => JSON.stringify(g))],
  );
  return (result.rows[0]?.geometry as Geometry | null) ?? null;
}

export interface RecommendationWrite {
  title: string;
  description: string | null;
  agency: string;
  dueDate: string | null;
  geometry: Geometry;
  geometryDerived: boolean;
}

export async function insertRecommendation(knex: Knex, write: RecommendationWrite, actor: Actor): Promise<string> {
  const [row] = (await knex('recommendations')
    .insert({
      title: write.title,
      description: write.description,
      agency: write.agency,
      due_date: write.dueDate,
      geom: knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)', [JSON.stringify(write.geometry)]),
      geom_derived: write.geometryDerived,
      created_by: actor.id,
    })
    .returning('id')) as { id: string }[];
  return String(row.id);
}

/** Changes the given fields; `updated_at` always moves. */
export async function updateRecommendationRow(
  knex: Knex,
  id: string,
  fields: Partial<RecommendationWrite> & { status?: RecommendationStatus; fixedAt?: Date | null; outcomeNote?: string | null; closedAt?: Date | null },
): Promise<void> {
  const update: Record<string, unknown> = { updated_at: knex.fn.now() };
  if (fields.title !== undefined) update.title = fields.title;
  if (fields.description !== undefined) update.description = fields.description;
  if (fields.agency !== undefined) update.agency = fields.agency;
  if (fields.dueDate !== undefined) update.due_date = fields.dueDate;
  if (fields.geometry !== undefined) update.geom = knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)', [JSON.stringify(fields.geometry)]);
  if (fields.geometryDerived !== undefined) update.geom_derived = fields.geometryDerived;
  if (fields.status !== undefined) update.status = fields.status;
  if (fields.fixedAt !== undefined) update.fixed_at = fields.fixedAt;
  if (fields.outcomeNote !== undefined) update.outcome_note = fields.outcomeNote;
  if (fields.closedAt !== undefined) update.closed_at = fields.closedAt;
  await knex('recommendations').where({ id }).update(update);
}

export async function replaceItems(knex: Knex, recommendationId: string, items: readonly ItemReference[]): Promise<void> {
  await knex('recommendation_items').where({ recommendation_id: recommendationId }).delete();
  if (items.length === 0) return;
  await knex('recommendation_items').insert(
    items.map((item) => ({
      recommendation_id: recommendationId,
      kind: item.kind,
      lighting_outage_id: item.lightingOutageId ?? null,
      road_defect_id: item.roadDefectId ?? null,
      risk_feature_id: item.riskFeatureId ?? null,
      h3: item.h3 ? cellToBigint(item.h3).toString() : null,
      cells: item.analysis ? JSON.stringify(item.analysis.cells) : null,
      method: item.analysis?.method ?? null,
      window_from: item.analysis?.windowFrom ?? null,
      window_to: item.analysis?.windowTo ?? null,
      detail: item.analysis ? JSON.stringify(item.analysis.detail) : null,
    })),
  );
}

export async function appendHistory(
  knex: Knex,
  recommendationId: string,
  actor: Actor,
  entry: { action: string; fromStatus?: RecommendationStatus | null; toStatus?: RecommendationStatus | null; comment?: string | null; changes?: Record<string, { from: unknown; to: unknown }> | null },
): Promise<void> {
  await knex('recommendation_history').insert({
    recommendation_id: recommendationId,
    actor_id: actor.id,
    actor_role: actor.role,
    action: entry.action,
    from_status: entry.fromStatus ?? null,
    to_status: entry.toStatus ?? null,
    comment: entry.comment ?? null,
    changes: entry.changes ? JSON.stringify(entry.changes) : null,
  });
}

/** Items of many recommendations at once, for the per-request loader. */
export async function itemsOfRecommendations(knex: Knex, ids: readonly string[]): Promise<Map<string, RecommendationItemRow[]>> {
  const rows = (await knex({ i: 'recommendation_items' })
    .leftJoin({ o: 'lighting_outages' }, 'o.id', 'i.lighting_outage_id')
    .leftJoin({ d: 'road_defects' }, 'd.id', 'i.road_defect_id')
    .leftJoin({ f: 'risk_features' }, 'f.id', 'i.risk_feature_id')
    .select(
      'i.id',
      'i.recommendation_id',
      'i.kind',
      'i.lighting_outage_id',
      'i.road_defect_id',
      'i.risk_feature_id',
      'i.h3',
      ...['cells', 'method', 'window_from', 'window_to', 'detail'].map((c) => `i.${c}`),
      knex.raw('ST_AsGeoJSON(coalesce(o.geom, d.geom, f.geom), 7)::json AS geometry'),
      knex.raw('coalesce(o.reported_at, d.reported_at, f.opened_at) AS reported_at'),
      knex.raw('coalesce(o.fixed_at, d.fixed_at, f.closed_at) AS fixed_at'),
    )
    .whereIn('i.recommendation_id', ids.filter(isId))
    .orderBy('i.id')) as Record<string, unknown>[];
  return groupByRecommendation(rows, (row, key) => ({
    id: String(row.id),
    recommendationId: key,
    kind: row.kind as RecommendationItemKind,
    lightingOutageId: row.lighting_outage_id === null ? null : String(row.lighting_outage_id),
    roadDefectId: row.road_defect_id === null ? null : String(row.road_defect_id),
    h3: row.h3 === null ? null : bigintToCell(row.h3 as string),
    riskFeatureId: row.risk_feature_id === null ? null : String(row.risk_feature_id),
    geometry: row.geometry as Geometry | null,
    reportedAt: row.reported_at as Date | null,
    fixedAt: row.fixed_at as Date | null,
    cells: (row.cells as string[] | null) ?? null,
    method: (row.method as string | null) ?? null,
    windowFrom: (row.window_from as Date | null) ?? null,
    windowTo: (row.window_to as Date | null) ?? null,
    detail: (row.detail as AnalysisItemDetail | null) ?? null,
  }));
}

/** Rows of many recommendations at once, as a list per recommendation id in the order read. */
function groupByRecommendation<T>(rows: readonly Record<string, unknown>[], shape: (row: Record<string, unknown>, recommendationId: string) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const key = String(row.recommendation_id);
    const list = out.get(key) ?? [];
    list.push(shape(row, key));
    out.set(key, list);
  }
  return out;
}

/** History of many recommendations at once, oldest first. */
export async function historyOfRecommendations(knex: Knex, ids: readonly string[]): Promise<Map<string, HistoryRow[]>> {
  const rows = (await knex('recommendation_history')
    .whereIn('recommendation_id', ids.filter(isId))
    .orderBy([{ column: 'at' }, { column: 'id' }])) as Record<string, unknown>[];
  return groupByRecommendation(rows, (row, key) => ({
    id: String(row.id),
    recommendationId: key,
    at: row.at as Date,
    actorId: row.actor_id as string,
    actorRole: row.actor_role as Role,
    action: row.action as string,
    fromStatus: row.from_status as RecommendationStatus | null,
    toStatus: row.to_status as RecommendationStatus | null,
    comment: row.comment as string | null,
    changes: row.changes as HistoryRow['changes'],
  }));
}

/** Today's date (YYYY-MM-DD) in the city's time zone, as the database sees it. */
export async function todayIn(knex: Knex, timeZone: string): Promise<string> {
  const result = await knex.raw(`SELECT to_char((now() AT TIME ZONE ?)::date, 'YYYY-MM-DD') AS today`, [timeZone]);
  return result.rows[0].today as string;
}

/** First and last incident times: the data's coverage, which caps evaluation windows. */
export async function incidentTimeRange(knex: Knex): Promise<{ from: Date | null; to: Date | null }> {
  const row = (await knex('incidents').first(knex.raw('min(occurred_at) AS first, max(occurred_at) AS last'))) as { first: Date | null; last: Date | null };
  return { from: row.first, to: row.last };
}

/** Districts containing any of the points (lng, lat). */
export async function districtsContaining(knex: Knex, points: readonly [number, number][]): Promise<{ id: string; name: string }[]> {
  if (points.length === 0) return [];
  const rows = (
    await knex.raw(
      `SELECT a.id, a.name
       FROM areas a
      WHERE a.kind = 'district'
        AND EXISTS (SELECT 1 FROM unnest(?::float8[], ?::float8[]) AS p(lng, lat) WHERE ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)))
      ORDER BY a.id`,
      [points.map((p) => p[0]), points.map((p) => p[1])],
    )
  ).rows as { id: string; name: string }[];
  return rows.map((r) => ({ id: String(r.id), name: r.name }));
}
