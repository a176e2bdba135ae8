/**
 * Per agency: open, closed, rejected and cancelled cases, median days to fix, share overdue,
 * share closed late and the oldest open case, over the recommendations created in a window.
 * Counted in SQL (src/db/recommendations.ts, agencyStatistics); every agency the caller may see
 * is listed, with zeros where it has no case. See docs/cases.md.
 */
import type { RequestContext } from '../context';
import { agencyStatistics as agencyStatisticsRows, AgencyStatisticsRow } from '../db/agencyStatistics';
import { recommendationsByIds, todayIn } from '../db/recommendations';
import { AGENCIES } from '../domain';
import type { AgencyStatistics, AgencyStatisticsArgs, AgencyStatisticsReport } from '../schema/recommendations';
import { caseScope, toRecommendation } from './cases';
import { toTimeWindow } from './inputs';

const DAY_MS = 86_400_000;

export async function computeAgencyStatistics(ctx: RequestContext, args: AgencyStatisticsArgs): Promise<AgencyStatisticsReport> {
  const window = toTimeWindow(args.window, 'window');
  const scope = caseScope(ctx.user);
  const asOf = await todayIn(ctx.knex, ctx.config.timeZone);
  const found = new Map((await agencyStatisticsRows(ctx.knex, { from: window?.from ?? null, to: window?.to ?? null, asOf, scope })).map((r) => [r.agency, r]));
  // every agency the caller may see, with zeros where it has no case, so dashboards list them all
  const rows = AGENCIES.filter((agency) => scope.agency === null || scope.agency === agency).map((agency) => found.get(agency) ?? emptyStatistics(agency));
  const oldest = await recommendationsByIds(
    ctx.knex,
    rows.map((r) => r.oldestOpenId).filter((id): id is string => id !== null),
    ctx.config.timeZone,
    scope,
  );
  const now = Date.now();
  const agencies: AgencyStatistics[] = rows.map((r) => {
    const oldestRow = r.oldestOpenId ? (oldest.get(r.oldestOpenId) ?? null) : null;
    return {
      agency: r.agency,
      total: r.total,
      open: r.open,
      closed: r.done,
      rejected: r.rejected,
      cancelled: r.cancelled,
      medianDaysToFix: r.medianDaysToFix,
      overdue: r.openOverdue,
      shareOverdue: r.openWithDueDate > 0 ? r.openOverdue / r.openWithDueDate : null,
      shareClosedLate: r.doneWithDueDate > 0 ? r.doneLate / r.doneWithDueDate : null,
      oldestOpen: oldestRow ? toRecommendation(oldestRow) : null,
      oldestOpenDays: oldestRow ? (now - oldestRow.createdAt.getTime()) / DAY_MS : null,
    };
  });
  return {
    from: window?.from ?? null,
    to: window?.to ?? null,
    asOf,
    definitions:
      'Counted over recommendations created in the window. open = proposed, accepted or in progress; closed = done. ' +
      'Days to fix = fixedAt - createdAt, median over closed ones (cases recorded after their fix, to evaluate an earlier fix, are left out). ' +
      `Overdue = open with a due date before ${asOf} (today in ${ctx.config.timeZone}); share overdue = overdue / open with a due date. ` +
      'Closed late = fixed on a (UTC) date after the due date; share closed late = closed late / closed with a due date.',
    agencies,
  };
}

function emptyStatistics(agency: string): AgencyStatisticsRow {
  return { agency, total: 0, open: 0, done: 0, rejected: 0, cancelled: 0, medianDaysToFix: null, openWithDueDate: 0, openOverdue: 0, doneWithDueDate: 0, doneLate: 0, oldestOpenId: null };
}
