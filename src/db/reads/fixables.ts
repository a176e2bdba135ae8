/** Lighting outages and road defects: the layers a city service fixes, filtered by open or fixed. */
import type { Knex } from 'knex';
import type { Geometry } from '../../domain';
import { areaCondition, geo, listing, type AreaSpec, type Listing, type TimeWindow } from './listing';

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
    () => applyFixable(knex('lighting_outages').select('id', 'source', 'external_id', 'reported_at', 'fixed_at', 'street', knex.raw('ST_Length(geom::geography) AS length_m'), knex.raw(geo())), knex, q),
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
