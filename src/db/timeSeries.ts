/** Incident counts by H3 cell and calendar time step (week or month in the city's time zone). */
import type { Knex } from 'knex';
import type { BBox } from '../domain';
import { bigintToCell } from '../geo/h3';
import { cellColumn } from './cells';

export type TimeStepUnit = 'week' | 'month';

export interface TimeStepRange {
  start: Date;
  end: Date;
}

/**
 * The whole calendar weeks (ISO, from Monday) or months, in `timeZone`, that lie inside [from, to).
 * Partial steps at either edge are left out so that every step covers the same kind of period.
 */
export async function wholeTimeSteps(knex: Knex, q: { from: Date; to: Date; unit: TimeStepUnit; timeZone: string }): Promise<TimeStepRange[]> {
  const interval = q.unit === 'week' ? '1 week' : '1 month';
  const result = await knex.raw(
    `SELECT (s AT TIME ZONE :tz) AS start, ((s + CAST(:interval AS interval)) AT TIME ZONE :tz) AS "end"
       FROM generate_series(date_trunc(:unit, CAST(:from AS timestamptz) AT TIME ZONE :tz), CAST(:to AS timestamptz) AT TIME ZONE :tz, CAST(:interval AS interval)) AS s
      WHERE (s AT TIME ZONE :tz) >= CAST(:from AS timestamptz) AND ((s + CAST(:interval AS interval)) AT TIME ZONE :tz) <= CAST(:to AS timestamptz)
      ORDER BY s`,
    { tz: q.timeZone, interval, unit: q.unit, from: q.from, to: q.to },
  );
  return (result.rows as { start: Date; end: Date }[]).map((r) => ({ start: r.start, end: r.end }));
}

/** Earliest and latest occurred_at of all incidents, or null when there are none. */
export async function incidentTimeSpan(knex: Knex): Promise<{ first: Date; last: Date } | null> {
  const row = (await knex('incidents').first(knex.raw('min(occurred_at) AS first, max(occurred_at) AS last'))) as { first: Date | null; last: Date | null } | undefined;
  return row?.first && row.last ? { first: row.first, last: row.last } : null;
}

export interface StepCountQuery {
  resolution: number;
  envelope: BBox;
  from: Date;
  to: Date;
  unit: TimeStepUnit;
  timeZone: string;
  categories: string[] | null;
}

export interface CellStepCount {
  cell: string;
  /** start of the step the incidents fall in */
  stepStart: Date;
  count: number;
}

export interface StepCounts {
  rows: CellStepCount[];
  /** incidents in the window left out because their time is coarser than the step (month-only dates for weekly steps) */
  tooCoarse: number;
}

export async function incidentCountsByCellAndStep(knex: Knex, q: StepCountQuery): Promise<StepCounts> {
  // month-only dates (police.uk) are stored at the first of the month: they belong to a month, not to a week
  const coarse = q.unit === 'week' ? ['month'] : [];
  const base = knex('incidents').whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope).where('occurred_at', '>=', q.from).where('occurred_at', '<', q.to);
  if (q.categories) base.whereIn('category', q.categories);
  const [rows, skipped] = await Promise.all([
    base
      .clone()
      .whereNotIn('time_precision', coarse)
      .select(knex.raw(`${cellColumn(q.resolution)} AS cell`), knex.raw('(date_trunc(?, occurred_at AT TIME ZONE ?) AT TIME ZONE ?) AS step_start', [q.unit, q.timeZone, q.timeZone]), knex.raw('count(*)::int AS count'))
      .groupByRaw('1, 2'),
    coarse.length > 0 ? base.clone().whereIn('time_precision', coarse).first(knex.raw('count(*)::int AS count')) : Promise.resolve({ count: 0 }),
  ]);
  return {
    rows: (rows as { cell: string; step_start: Date; count: number }[]).map((r) => ({ cell: bigintToCell(r.cell), stepStart: r.step_start, count: r.count })),
    tooCoarse: (skipped as { count: number } | undefined)?.count ?? 0,
  };
}
