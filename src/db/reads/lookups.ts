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
 * The district (or precinct) of each row of a layer, by the one membership rule `area_of_point`
 * (migrations/20261203000011_exact_cells.ts): the area that covers the point (ST_Covers); a point
 * in one of the thin slivers between OSM boundaries (within 50 m of an area) takes the nearest;
 * a point farther from every area has none. Incidents keep theirs, computed when written and
 * again whenever areas change; other layers are looked up from their representative point.
 */
export async function areaIdsOf(knex: Knex, table: PointTable, ids: readonly string[], kind: 'district' | 'precinct'): Promise<Map<string, string>> {
  const wanted = ids.filter((id) => /^\d{1,18}$/.test(id));
  const result =
    table === 'incidents'
      ? await knex.raw(`SELECT id, ${kind === 'district' ? 'district_id' : 'precinct_id'} AS area_id FROM incidents WHERE id = ANY(?::bigint[])`, [wanted])
      : await knex.raw(`SELECT t.id, area_of_point(?, ST_PointOnSurface(t.geom)) AS area_id FROM ${table} t WHERE t.id = ANY(?::bigint[])`, [kind, wanted]);
  const rows = result.rows as { id: string; area_id: string | null }[];
  return new Map(rows.filter((r) => r.area_id !== null).map((r) => [String(r.id), String(r.area_id)]));
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
