/** Aggregations by H3 cell for the analyses. Cells travel as bigint in SQL and hex strings out. */
import type { Knex } from 'knex';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../domain';
import { bigintToCell } from '../geo/h3';

/** SQL for the parent of the stored fine cell at resolution `?` (bound twice). */
const PARENT_SQL = '((h3 & ~(15::bigint << 52)) | (?::bigint << 52)) | ((1::bigint << (3 * (15 - ?))) - 1)';

export async function areaGeometry(knex: Knex, areaId: string): Promise<PolygonGeometry | MultiPolygonGeometry | null> {
  const row = await knex('areas').where({ id: areaId }).first(knex.raw('ST_AsGeoJSON(geom)::json AS geometry'));
  return row ? (row.geometry as MultiPolygonGeometry) : null;
}

export interface IncidentCountQuery {
  resolution: number;
  /** only rows in this box are read: the study area's extent, grown by a cell */
  envelope: BBox;
  from: Date | null;
  to: Date | null;
  categories: string[] | null;
}

export interface CellCount {
  cell: string;
  category: string;
  /** null when the incident's time is not exact */
  night: boolean | null;
  count: number;
}

export async function incidentCountsByCell(knex: Knex, q: IncidentCountQuery): Promise<CellCount[]> {
  const query = knex('incidents')
    .select(knex.raw(`${PARENT_SQL} AS cell`, [q.resolution, q.resolution]), 'category', 'night', knex.raw('count(*)::int AS count'))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .groupByRaw('1, 2, 3');
  if (q.from) query.where('occurred_at', '>=', q.from);
  if (q.to) query.where('occurred_at', '<', q.to);
  if (q.categories) query.whereIn('category', q.categories);
  const rows = (await query) as { cell: string; category: string; night: boolean | null; count: number }[];
  return rows.map((r) => ({ cell: bigintToCell(r.cell), category: r.category, night: r.night, count: r.count }));
}
