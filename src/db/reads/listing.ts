/**
 * What every layer's read shares: the area as an SQL condition, the time window, cursor pages by id
 * and counts. `listing` and `geo` serve the files of this folder; the index does not export them.
 */
import type { Knex } from 'knex';
import type { Geometry } from '../../domain';
import { streamRows } from '../stream';

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
  /** Every row after `afterId` in id order, in batches, through one cursor (exports): the rows the pages would give. */
  stream?: (afterId: string | null, batchSize: number) => AsyncIterable<T[]>;
}

async function* streamInOrder<T>(query: Knex.QueryBuilder, afterId: string | null, idColumn: string, map: (row: Record<string, unknown>) => T, batchSize: number): AsyncGenerator<T[]> {
  if (afterId !== null) query.where(idColumn, '>', afterId);
  for await (const rows of streamRows(query.orderBy(idColumn), batchSize)) yield rows.map(map);
}

export function listing<T>(build: () => Knex.QueryBuilder, idColumn: string, map: (row: Record<string, unknown>) => T): Listing<T> {
  return {
    page: (request) => page(build(), request, idColumn, map),
    count: () => count(build()),
    query: build,
    stream: (afterId, batchSize) => streamInOrder(build(), afterId, idColumn, map, batchSize),
  };
}

export const geo = (column = 'geom') => `ST_AsGeoJSON(${column}, 7)::json AS geometry`;
