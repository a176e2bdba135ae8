import type { Knex } from 'knex';
import { CELL_TABLES, cellColumn } from '../src/db/cells';
import type { Geometry, Position } from '../src/domain';
import { representativePosition } from '../src/geo/geometry';
import { CELL_RESOLUTIONS, pointCellBigint } from '../src/geo/h3';

/**
 * Every stored point gets its own cell at each of CELL_RESOLUTIONS (`h3_r7` … `h3_r11`), and every
 * incident its district and precinct by point-in-polygon.
 *
 * Until now a count at resolution r took the parent of the stored fine cell. H3 cells do not nest
 * exactly (a child sticks out of its parent), so 6-7 % of points were counted in a neighbouring
 * hexagon; and the district of an incident followed its resolution-9 cell's centre. The cells are
 * filled here with h3-js latLngToCell, as new rows get them when written (src/db/upsert.ts).
 *
 * `area_of_point(kind, point)` is the one membership rule, used by writes, by the trigger below and
 * by the record lookups: the area (district or precinct) that covers the point (ST_Covers, so a
 * point on a shared boundary belongs to the area of lower id); a point in no area of that kind
 * but within SLIVER_METERS of one (the thin slivers between OpenStreetMap boundaries) takes the
 * nearest; a point farther from every area has none. It reads `area_pieces`, the areas cut by
 * ST_Subdivide into pieces of at most 64 vertices, so a test touches a few short rings. A
 * statement-level trigger on `areas` rebuilds the pieces and recomputes the incidents'
 * membership whenever areas change, in the same transaction.
 */
const SLIVER_METERS = 50;
/** a box that holds every point within SLIVER_METERS up to latitude 75 (the index's first cut) */
const SLIVER_DEGREES = 0.002;
const BACKFILL_BATCH = 50_000;

async function addCellColumns(knex: Knex, table: string): Promise<void> {
  for (const r of CELL_RESOLUTIONS) await knex.raw(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${cellColumn(r)} bigint`);
}

/** Fills the cell columns of rows that have none yet, a batch at a time, from each row's representative point. */
async function fillCellColumns(knex: Knex, table: string): Promise<void> {
  const pointOnly = table === 'incidents' || table === 'posts';
  let afterId = '0';
  for (;;) {
    const { rows } = (await knex.raw(
      `SELECT id, ${pointOnly ? 'ST_X(geom) AS lng, ST_Y(geom) AS lat' : 'ST_AsGeoJSON(geom)::json AS geometry'}
         FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`,
      [afterId, BACKFILL_BATCH],
    )) as { rows: { id: string; lng?: number; lat?: number; geometry?: Geometry }[] };
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.id);
    const positions = rows.map((r): Position => (pointOnly ? [Number(r.lng), Number(r.lat)] : representativePosition(r.geometry as Geometry)));
    const columns = CELL_RESOLUTIONS.map((res) => positions.map((p) => pointCellBigint(p, res)));
    const sets = CELL_RESOLUTIONS.map((res, k) => `${cellColumn(res)} = s.c${k}`).join(', ');
    const unnestArgs = CELL_RESOLUTIONS.map(() => '?::bigint[]').join(', ');
    const aliases = CELL_RESOLUTIONS.map((_, k) => `c${k}`).join(', ');
    await knex.raw(`UPDATE ${table} t SET ${sets} FROM unnest(?::bigint[], ${unnestArgs}) AS s(id, ${aliases}) WHERE t.id = s.id`, [ids, ...columns]);
    afterId = rows[rows.length - 1].id;
    if (rows.length < BACKFILL_BATCH) break;
  }
  for (const r of CELL_RESOLUTIONS) await knex.raw(`ALTER TABLE ${table} ALTER COLUMN ${cellColumn(r)} SET NOT NULL`);
}

export async function up(knex: Knex): Promise<void> {
  for (const table of CELL_TABLES) {
    await addCellColumns(knex, table);
    await fillCellColumns(knex, table);
  }
  // point-in-polygon against whole OSM boundaries costs tens of microseconds a point; against
  // pieces of at most 64 vertices (ST_Subdivide) with their own index it costs a few
  await knex.raw(`
    CREATE TABLE area_pieces (
      area_id bigint NOT NULL,
      kind text NOT NULL,
      geom geometry(Polygon, 4326) NOT NULL
    )`);
  await knex.raw('CREATE INDEX area_pieces_geom_idx ON area_pieces USING gist (geom)');
  await knex.raw(`
    CREATE FUNCTION area_of_point(area_kind text, point geometry) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT coalesce(
        (SELECT p.area_id FROM area_pieces p WHERE p.kind = area_kind AND ST_Covers(p.geom, point) ORDER BY p.area_id LIMIT 1),
        (SELECT p.area_id FROM area_pieces p
          WHERE p.kind = area_kind AND p.geom && ST_Expand(point, ${SLIVER_DEGREES})
            AND ST_DWithin(p.geom::geography, point::geography, ${SLIVER_METERS})
          ORDER BY ST_Distance(p.geom::geography, point::geography), p.area_id LIMIT 1))
    $$`);
  await knex.raw('ALTER TABLE incidents ADD COLUMN district_id bigint, ADD COLUMN precinct_id bigint');
  await knex.raw(`
    CREATE FUNCTION refresh_area_membership() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM area_pieces;
      INSERT INTO area_pieces (area_id, kind, geom)
        SELECT a.id, a.kind, ST_Subdivide(a.geom, 64) FROM areas a;
      UPDATE incidents i SET district_id = m.district_id, precinct_id = m.precinct_id
        FROM (SELECT id, area_of_point('district', geom) AS district_id, area_of_point('precinct', geom) AS precinct_id FROM incidents) m
       WHERE i.id = m.id AND (i.district_id, i.precinct_id) IS DISTINCT FROM (m.district_id, m.precinct_id);
      RETURN NULL;
    END $$`);
  await knex.raw('INSERT INTO area_pieces (area_id, kind, geom) SELECT a.id, a.kind, ST_Subdivide(a.geom, 64) FROM areas a');
  await knex.raw("UPDATE incidents SET district_id = area_of_point('district', geom), precinct_id = area_of_point('precinct', geom)");
  await knex.raw('CREATE TRIGGER areas_refresh_membership AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas FOR EACH STATEMENT EXECUTE FUNCTION refresh_area_membership()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS areas_refresh_membership ON areas');
  await knex.raw('DROP FUNCTION IF EXISTS refresh_area_membership()');
  await knex.raw('ALTER TABLE incidents DROP COLUMN IF EXISTS district_id, DROP COLUMN IF EXISTS precinct_id');
  await knex.raw('DROP FUNCTION IF EXISTS area_of_point(text, geometry)');
  await knex.raw('DROP TABLE IF EXISTS area_pieces');
  for (const table of CELL_TABLES) {
    for (const r of CELL_RESOLUTIONS) await knex.raw(`ALTER TABLE ${table} DROP COLUMN IF EXISTS ${cellColumn(r)}`);
  }
}
