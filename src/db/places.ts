/** Where points are, in words: the nearest named street of the streets layer and the district. */
import type { Knex } from 'knex';

export interface PlaceRow {
  /** the nearest named street within the search distance; null when none */
  street: string | null;
  districtId: string | null;
  districtName: string | null;
  districtNameRu: string | null;
  districtNameKk: string | null;
}

/**
 * Per point (same order): the nearest named street within `streetM` metres and the district
 * that contains it (or the nearest, for points in the slivers between districts).
 */
export async function placesOfPoints(knex: Knex, points: readonly { lng: number; lat: number }[], streetM: number): Promise<PlaceRow[]> {
  if (points.length === 0) return [];
  const result = await knex.raw(
    `SELECT p.i, CASE WHEN s.metres <= ? THEN s.name END AS street,
            a.id::text AS district_id, a.name AS district_name, a.name_ru, a.name_kk
       FROM unnest(?::float8[], ?::float8[]) WITH ORDINALITY AS p(lng, lat, i)
       CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326) AS g) pt
       LEFT JOIN LATERAL (
         SELECT st.name, ST_Distance(st.geom::geography, pt.g::geography) AS metres
           FROM streets st WHERE st.name IS NOT NULL ORDER BY st.geom <-> pt.g LIMIT 1) s ON true
       LEFT JOIN LATERAL (
         SELECT ar.id, ar.name, ar.name_ru, ar.name_kk
           FROM areas ar WHERE ar.kind = 'district' ORDER BY ST_Intersects(ar.geom, pt.g) DESC, ar.geom <-> pt.g LIMIT 1) a ON true
      ORDER BY p.i`,
    [streetM, points.map((p) => p.lng), points.map((p) => p.lat)],
  );
  return (result.rows as Record<string, string | null>[]).map((r) => ({
    street: r.street,
    districtId: r.district_id,
    districtName: r.district_name,
    districtNameRu: r.name_ru,
    districtNameKk: r.name_kk,
  }));
}
