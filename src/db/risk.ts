/** Reads for the risk models' ranked fixes: open outages and defects, and posts with their ids. */
import type { Knex } from 'knex';
import type { BBox } from '../domain';
import { bigintToCell } from '../geo/h3';
import { cellColumn } from './cells';
import { riskFeaturePresentCondition } from './reads';

export interface OpenFixRow {
  table: 'lighting_outages' | 'road_defects';
  id: string;
  /** road defect kind; null for outages */
  kind: string | null;
  /** the stored representative cell's parent at the asked resolution */
  cell: string;
  /** a point on the item (ST_PointOnSurface) */
  lng: number;
  lat: number;
  reportedAt: Date;
}

/**
 * Outages and road defects open at `end`: reported before it and not fixed before it, in the box.
 * Each counts at its representative point's own cell, as the aggregates do.
 */
export async function openFixRows(knex: Knex, q: { envelope: BBox; end: Date; resolution: number }): Promise<OpenFixRow[]> {
  const read = async (table: OpenFixRow['table']): Promise<OpenFixRow[]> => {
    const rows = (await knex(table)
      .select(
        'id',
        table === 'road_defects' ? 'kind' : knex.raw('NULL::text AS kind'),
        knex.raw(`${cellColumn(q.resolution)} AS h3`),
        'reported_at',
        knex.raw('ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat'),
      )
      .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
      .where('reported_at', '<', q.end)
      .where((w) => w.whereNull('fixed_at').orWhere('fixed_at', '>=', q.end))) as { id: string; kind: string | null; h3: string; reported_at: Date; lng: number; lat: number }[];
    return rows.map((r) => ({
      table,
      id: String(r.id),
      kind: r.kind,
      cell: bigintToCell(r.h3),
      lng: Number(r.lng),
      lat: Number(r.lat),
      reportedAt: r.reported_at,
    }));
  };
  const [outages, defects] = await Promise.all([read('lighting_outages'), read('road_defects')]);
  return [...outages, ...defects];
}

export interface PostSite {
  id: string;
  lng: number;
  lat: number;
  walkingRadiusM: number;
}

/** Posts opened before `end` (or undated) in the box, with ids. */
export async function postSites(knex: Knex, q: { envelope: BBox; end: Date }): Promise<PostSite[]> {
  const rows = (await knex('posts')
    .select('id', knex.raw('ST_X(geom) AS lng, ST_Y(geom) AS lat'), 'walking_radius_m')
    .where((w) => w.whereNull('opened_at').orWhere('opened_at', '<', q.end))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)) as { id: string; lng: number; lat: number; walking_radius_m: number }[];
  return rows.map((r) => ({ id: String(r.id), lng: Number(r.lng), lat: Number(r.lat), walkingRadiusM: Number(r.walking_radius_m) }));
}

export interface PeriodQuery {
  resolution: number;
  envelope: BBox;
  from: Date;
  to: Date;
  /** the window is cut into this many equal periods */
  periods: number;
  categories: string[] | null;
}

export interface CellPeriodCount {
  cell: string;
  /** 0 .. periods - 1 */
  period: number;
  /** null when the incident's time is not exact */
  night: boolean | null;
  count: number;
}

/** Incidents per cell, period of the window and day/night. */
export async function incidentCountsByCellPeriod(knex: Knex, q: PeriodQuery): Promise<CellPeriodCount[]> {
  const seconds = (q.to.getTime() - q.from.getTime()) / 1000 / q.periods;
  const query = knex('incidents')
    .select(
      knex.raw(`${cellColumn(q.resolution)} AS cell`),
      knex.raw('least(?::int, floor(extract(epoch FROM (occurred_at - ?::timestamptz)) / ?)::int) AS period', [q.periods - 1, q.from, seconds]),
      'night',
      knex.raw('count(*)::int AS count'),
    )
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .where('occurred_at', '>=', q.from)
    .where('occurred_at', '<', q.to)
    .groupByRaw('1, 2, 3');
  if (q.categories) query.whereIn('category', q.categories);
  const rows = (await query) as { cell: string; period: number; night: boolean | null; count: number }[];
  return rows.map((r) => ({ cell: bigintToCell(r.cell), period: r.period, night: r.night, count: r.count }));
}

export interface CellPeriodValue {
  cell: string;
  period: number;
  value: number;
}

/**
 * Outage-nights per cell and period: for each outage, the days (fractional) of overlap between
 * [reported, fixed or window end) and each period, at the representative point's own cell
 * (as outageNightsByCell does for the whole window).
 */
export async function outageNightsByCellPeriod(knex: Knex, q: Omit<PeriodQuery, 'categories'>): Promise<CellPeriodValue[]> {
  const seconds = (q.to.getTime() - q.from.getTime()) / 1000 / q.periods;
  const rows = (await knex
    .select(
      knex.raw(`${cellColumn(q.resolution, 'o')} AS cell`),
      'p.period',
      knex.raw('sum(greatest(0, extract(epoch FROM (least(coalesce(o.fixed_at, ?::timestamptz), ?::timestamptz, p.stop) - greatest(o.reported_at, p.start))) / 86400))::float8 AS value', [q.to, q.to]),
    )
    .from({ o: 'lighting_outages' })
    .joinRaw('CROSS JOIN LATERAL (SELECT g AS period, ?::timestamptz + make_interval(secs => g * ?) AS start, ?::timestamptz + make_interval(secs => (g + 1) * ?) AS stop FROM generate_series(0, ? - 1) AS g) AS p', [
      q.from,
      seconds,
      q.from,
      seconds,
      q.periods,
    ])
    .whereRaw('o.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .whereRaw('o.reported_at < p.stop AND coalesce(o.fixed_at, ?::timestamptz) > p.start', [q.to])
    .where('o.reported_at', '<', q.to)
    .groupByRaw('1, 2')) as { cell: string; period: number; value: number }[];
  return rows.map((r) => ({ cell: bigintToCell(r.cell), period: Number(r.period), value: Number(r.value) }));
}

export interface RiskFeatureCellCount {
  cell: string;
  factor: string;
  count: number;
}

/**
 * Features of imported factor layers present at `at` (opened before or then, not yet closed), per
 * cell and factor in the box; each counts at the parent of its stored representative cell, as the
 * outages and defects do.
 */
export async function riskFeatureCountsByCell(knex: Knex, q: { resolution: number; envelope: BBox; at: Date; factors: readonly string[] }): Promise<RiskFeatureCellCount[]> {
  if (q.factors.length === 0) return [];
  const rows = (await knex('risk_features')
    .select(knex.raw(`${cellColumn(q.resolution)} AS cell`), 'factor', knex.raw('count(*)::int AS count'))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .whereIn('factor', [...q.factors])
    .whereRaw(riskFeaturePresentCondition(knex, q.at))
    .groupByRaw('1, 2')) as { cell: string; factor: string; count: number }[];
  return rows.map((r) => ({ cell: bigintToCell(r.cell), factor: r.factor, count: r.count }));
}
