/** Reads for walking-distance coverage: posts with their reach settings, areas for grouping, precinct offices. */
import type { Knex } from 'knex';
import type { BBox, MultiPolygonGeometry, PolygonGeometry, PostKind } from '../domain';

export interface CoveragePost {
  id: string;
  name: string | null;
  kind: PostKind;
  lng: number;
  lat: number;
  walkingRadiusM: number;
}

/** Posts opened before `end` (or undated) in the box; by id. */
export async function coveragePosts(knex: Knex, q: { envelope: BBox; end: Date }): Promise<CoveragePost[]> {
  const rows = (await knex('posts')
    .select('id', 'name', 'kind', knex.raw('ST_X(geom) AS lng, ST_Y(geom) AS lat'), 'walking_radius_m')
    .where((w) => w.whereNull('opened_at').orWhere('opened_at', '<', q.end))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .orderBy('id')) as { id: string; name: string | null; kind: PostKind; lng: number; lat: number; walking_radius_m: number }[];
  return rows.map((r) => ({ id: String(r.id), name: r.name, kind: r.kind, lng: Number(r.lng), lat: Number(r.lat), walkingRadiusM: Number(r.walking_radius_m) }));
}

export async function coveragePostsByIds(knex: Knex, ids: string[]): Promise<CoveragePost[]> {
  const numeric = ids.filter((id) => /^\d{1,18}$/.test(id));
  if (numeric.length === 0) return [];
  const rows = (await knex('posts').select('id', 'name', 'kind', knex.raw('ST_X(geom) AS lng, ST_Y(geom) AS lat'), 'walking_radius_m').whereIn('id', numeric).orderBy('id')) as {
    id: string;
    name: string | null;
    kind: PostKind;
    lng: number;
    lat: number;
    walking_radius_m: number;
  }[];
  return rows.map((r) => ({ id: String(r.id), name: r.name, kind: r.kind, lng: Number(r.lng), lat: Number(r.lat), walkingRadiusM: Number(r.walking_radius_m) }));
}

export interface GroupingArea {
  id: string;
  kind: 'district' | 'precinct';
  name: string;
  parentId: string | null;
  geometry: PolygonGeometry | MultiPolygonGeometry;
  /** precinct offices (posts of kind precinct_office) inside the area */
  precinctOffices: number;
}

/** Districts and precincts meeting the box, with the number of precinct offices inside each. */
export async function groupingAreas(knex: Knex, envelope: BBox): Promise<GroupingArea[]> {
  const { rows } = await knex.raw(
    `SELECT a.id::text AS id, a.kind, a.name, a.parent_id::text AS parent_id, ST_AsGeoJSON(a.geom)::json AS geometry,
            (SELECT count(*)::int FROM posts p WHERE p.kind = 'precinct_office' AND ST_Intersects(p.geom, a.geom)) AS offices
     FROM areas a WHERE a.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326) ORDER BY a.kind, a.name, a.id`,
    envelope,
  );
  return (rows as { id: string; kind: 'district' | 'precinct'; name: string; parent_id: string | null; geometry: PolygonGeometry | MultiPolygonGeometry; offices: number }[]).map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    parentId: r.parent_id,
    geometry: r.geometry,
    precinctOffices: r.offices,
  }));
}

/** Identifies the areas table's state, so cell groupings can be cached. */
export async function areasVersion(knex: Knex): Promise<string> {
  const { rows } = await knex.raw('SELECT count(*)::int AS n, coalesce(max(updated_at), now())::text AS t, coalesce(max(id), 0)::text AS top FROM areas');
  return `${rows[0].n}:${rows[0].t}:${rows[0].top}`;
}
