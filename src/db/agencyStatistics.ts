/**
 * The working group's cases per agency: counts by state, the median days from creation to fix,
 * and overdue counts (the `agencyStatistics` query).
 */
import type { Knex } from 'knex';
import { OPEN_LIST, type CaseScope } from './recommendations';

export interface AgencyStatisticsRow {
  agency: string;
  total: number;
  open: number;
  done: number;
  rejected: number;
  cancelled: number;
  /** median of (fixed_at - created_at) in days over done cases recorded before their fix; null when none */
  medianDaysToFix: number | null;
  openWithDueDate: number;
  openOverdue: number;
  doneWithDueDate: number;
  doneLate: number;
  oldestOpenId: string | null;
}

/**
 * Per agency, over the recommendations created in [from, to): counts by state, the median
 * days from creation to fix, and overdue counts as of `asOf` (a date in the city's zone).
 */
export async function agencyStatistics(knex: Knex, q: { from: Date | null; to: Date | null; asOf: string; scope: CaseScope }): Promise<AgencyStatisticsRow[]> {
  const query = knex({ r: 'recommendations' })
    .select(
      'r.agency',
      knex.raw('count(*)::int AS total'),
      knex.raw(`count(*) FILTER (WHERE r.status IN (${OPEN_LIST}))::int AS open`),
      knex.raw(`count(*) FILTER (WHERE r.status = 'done')::int AS done`),
      knex.raw(`count(*) FILTER (WHERE r.status = 'rejected')::int AS rejected`),
      knex.raw(`count(*) FILTER (WHERE r.status = 'cancelled')::int AS cancelled`),
      knex.raw(`(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (r.fixed_at - r.created_at)) / 86400) FILTER (WHERE r.status = 'done' AND r.fixed_at >= r.created_at))::float8 AS median_days`),
      knex.raw(`count(*) FILTER (WHERE r.status IN (${OPEN_LIST}) AND r.due_date IS NOT NULL)::int AS open_with_due`),
      knex.raw(`count(*) FILTER (WHERE r.status IN (${OPEN_LIST}) AND r.due_date < ?::date)::int AS open_overdue`, [q.asOf]),
      knex.raw(`count(*) FILTER (WHERE r.status = 'done' AND r.due_date IS NOT NULL)::int AS done_with_due`),
      // late: fixed after the end of the due day (compared as dates in UTC, the zone the server stores)
      knex.raw(`count(*) FILTER (WHERE r.status = 'done' AND r.fixed_at::date > r.due_date)::int AS done_late`),
      knex.raw(`(array_agg(r.id ORDER BY r.created_at, r.id) FILTER (WHERE r.status IN (${OPEN_LIST})))[1] AS oldest_open_id`),
    )
    .groupBy('r.agency')
    .orderBy('r.agency');
  if (q.scope.agency !== null) query.where('r.agency', q.scope.agency);
  if (q.from) query.where('r.created_at', '>=', q.from);
  if (q.to) query.where('r.created_at', '<', q.to);
  const rows = (await query) as Record<string, unknown>[];
  return rows.map((r) => ({
    agency: r.agency as string,
    total: r.total as number,
    open: r.open as number,
    done: r.done as number,
    rejected: r.rejected as number,
    cancelled: r.cancelled as number,
    medianDaysToFix: r.median_days === null ? null : Number(r.median_days),
    openWithDueDate: r.open_with_due as number,
    openOverdue: r.open_overdue as number,
    doneWithDueDate: r.done_with_due as number,
    doneLate: r.done_late as number,
    oldestOpenId: r.oldest_open_id === null ? null : String(r.oldest_open_id),
  }));
}
