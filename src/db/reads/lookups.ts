/** Batched lookups for the per-request DataLoaders: areas and posts by id, the area of a row, the nearest post of an incident. */
import type { Knex } from 'knex';
import { POST_COLUMNS, areaSelect, mapArea, mapPost, type AreaRow, type PostRow } from './places';
import { geo } from './listing';

export async function areasByIds(knex: Knex, ids: readonly string[]): Promise<Map<string, AreaRow>> {
  const rows = (await areaSelect(knex).whereIn(
    'areas.id',
    ids.filter((id) => /^\d{1,18}$/.test(id)),
  )) as Record<string, unknown>[];
  return new Map(rows.map((r) => [String(r.id), mapArea(r)]));
}

export async function postsByIds(knex: Knex, ids: readonly string[]): Promise<Map<string, PostRow>> {
  const rows = (await knex('posts')
    .select(...POST_COLUMNS, knex.raw(geo()))
    .whereIn(
      'id',
      ids.filter((id) => /^\d{1,18}$/.test(id)),
    )) as Record<string, unknown>[];
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
