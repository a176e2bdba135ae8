/**
 * The walking network in the database: rebuilding the routable graph from the imported street
 * lines, reading it for routing, and turning reached street parts into service-area polygons.
 */
import type { Knex } from 'knex';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../domain';
import type { NetworkEdgeInput } from '../geo/coverage/streetNetwork';

export interface StreetNetworkSummary {
  edges: number;
  vertices: number;
  lengthM: number;
}

/**
 * Rebuilds `street_edges` and `street_vertices` from the walkable `streets`, in the caller's
 * transaction: the lines are noded together (ST_Node splits every line where another crosses
 * or touches it, so crossings become shared vertices), each piece becomes an edge with its
 * geodesic length as cost both ways, and pieces that end at the same position share a vertex.
 * Lines that only come close (a gap of a metre) stay unconnected, as they should: a missing link
 * is a missing link. Levels are not known, so a bridge crossing a street joins it (see docs).
 */
export async function rebuildStreetNetwork(trx: Knex | Knex.Transaction): Promise<StreetNetworkSummary> {
  await trx.raw('DELETE FROM street_edges');
  await trx.raw('DELETE FROM street_vertices');
  await trx.raw(`
    CREATE TEMP TABLE noded_street_parts ON COMMIT DROP AS
    SELECT part.geom, ST_X(ST_StartPoint(part.geom)) AS x1, ST_Y(ST_StartPoint(part.geom)) AS y1,
           ST_X(ST_EndPoint(part.geom)) AS x2, ST_Y(ST_EndPoint(part.geom)) AS y2
    FROM (SELECT (ST_Dump(ST_Node(ST_Collect(geom)))).geom AS geom FROM streets WHERE walkable) AS part
    WHERE ST_Length(part.geom) > 0`);
  await trx.raw(`
    INSERT INTO street_vertices (geom)
    SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) FROM (
      SELECT x1 AS x, y1 AS y FROM noded_street_parts UNION SELECT x2, y2 FROM noded_street_parts
    ) AS ends ORDER BY x, y`);
  // plain coordinate columns, so that ends find their vertex by a hash join
  await trx.raw('CREATE TEMP TABLE noded_street_vertices ON COMMIT DROP AS SELECT id, ST_X(geom) AS x, ST_Y(geom) AS y FROM street_vertices');
  await trx.raw(`
    INSERT INTO street_edges (street_id, source, target, cost, reverse_cost, geom)
    SELECT s.id, a.id, b.id, ST_Length(p.geom::geography), ST_Length(p.geom::geography), p.geom
    FROM noded_street_parts p
    JOIN noded_street_vertices a ON a.x = p.x1 AND a.y = p.y1
    JOIN noded_street_vertices b ON b.x = p.x2 AND b.y = p.y2
    CROSS JOIN LATERAL (
      SELECT w.id FROM streets w WHERE w.walkable
      ORDER BY w.geom <-> ST_LineInterpolatePoint(p.geom, 0.5) LIMIT 1
    ) AS s`);
  await trx.raw('DROP TABLE noded_street_parts, noded_street_vertices');
  return streetNetworkSummary(trx);
}

export async function streetNetworkSummary(knex: Knex | Knex.Transaction): Promise<StreetNetworkSummary> {
  const { rows } = await knex.raw('SELECT (SELECT count(*)::int FROM street_edges) AS edges, (SELECT count(*)::int FROM street_vertices) AS vertices, (SELECT coalesce(sum(cost), 0)::float8 FROM street_edges) AS length');
  return { edges: rows[0].edges, vertices: rows[0].vertices, lengthM: rows[0].length };
}

/**
 * Identifies the current graph: edge ids only grow (a rebuild deletes and inserts), so the
 * count and the largest id change whenever the network does.
 */
export async function streetNetworkVersion(knex: Knex): Promise<string> {
  const { rows } = await knex.raw('SELECT count(*)::int AS n, coalesce(max(id), 0)::text AS top FROM street_edges');
  return `${rows[0].n}:${rows[0].top}`;
}

/** True when some routable edge lies in the box. */
export async function streetEdgesIn(knex: Knex, envelope: BBox): Promise<boolean> {
  const { rows } = await knex.raw('SELECT EXISTS (SELECT 1 FROM street_edges WHERE geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)) AS found', envelope);
  return rows[0].found === true;
}

/** Every edge of the graph with its line, ready for routing in memory. */
export async function streetEdges(knex: Knex): Promise<NetworkEdgeInput[]> {
  const { rows } = await knex.raw('SELECT source::int AS source, target::int AS target, cost AS length, ST_AsGeoJSON(geom, 7) AS line FROM street_edges ORDER BY id');
  return (rows as { source: number; target: number; length: number; line: string }[]).map((r) => ({
    source: r.source,
    target: r.target,
    lengthM: Number(r.length),
    coordinates: (JSON.parse(r.line) as { coordinates: [number, number][] }).coordinates,
  }));
}

/**
 * Service areas: each set of reached street parts grown by `accessM` metres (on the geography,
 * so the buffer is in true metres) and dissolved into one (Multi)Polygon. One statement for all.
 */
export async function serviceAreaPolygons(knex: Knex, lineSets: [number, number][][][], accessM: number): Promise<(PolygonGeometry | MultiPolygonGeometry | null)[]> {
  if (lineSets.length === 0) return [];
  const documents = lineSets.map((lines) => JSON.stringify({ type: 'MultiLineString', coordinates: lines }));
  const { rows } = await knex.raw(
    `SELECT ord, CASE WHEN ST_IsEmpty(g) THEN NULL ELSE ST_AsGeoJSON(ST_Buffer(g::geography, ?, 'quad_segs=4')::geometry, 6) END AS area
     FROM unnest(?::text[]) WITH ORDINALITY AS s(doc, ord)
     CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(s.doc), 4326) AS g) AS geom
     ORDER BY ord`,
    [Math.max(accessM, 1), documents],
  );
  return (rows as { area: string | null }[]).map((r) => (r.area ? (JSON.parse(r.area) as PolygonGeometry | MultiPolygonGeometry) : null));
}
