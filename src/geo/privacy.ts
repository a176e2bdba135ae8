/**
 * Disclosure control for incident counts released below the analyst role: pure rules, no I/O.
 * See docs/security.md for why these rules resist differencing.
 *
 * - A count from 1 to threshold-1 is suppressed (null). Zero is released: it describes no one.
 * - A breakdown (a cell's incidents by category, or by day / night / unknown time) is suppressed
 *   complementarily: whenever parts are suppressed, their sum (total minus the released parts)
 *   must itself be at least the threshold, else more parts are suppressed, smallest first; and
 *   zero parts are then hidden too, so a hidden part may be 0 and the number of hidden parts
 *   fixes nothing (with k hidden parts each known to be at least 1, a hidden sum of k would pin
 *   every one of them to 1).
 * - Windows are whole, finished calendar months (UTC) and nothing else, so no released window is
 *   the union or difference of other released windows.
 */

export interface SuppressedBreakdown {
  /** null when suppressed */
  total: number | null;
  parts: (number | null)[];
}

/** Whether a single count is released as it is. */
export function isReleasable(count: number, threshold: number): boolean {
  return count === 0 || count >= threshold;
}

/**
 * Primary and complementary suppression of one total and its parts (parts sum to the total).
 * Nothing derivable from the answer (total minus released parts) is a count from 1 to threshold-1.
 */
export function suppressBreakdown(total: number, parts: readonly number[], threshold: number): SuppressedBreakdown {
  if (!isReleasable(total, threshold)) return { total: null, parts: parts.map(() => null) };
  const released: (number | null)[] = parts.map((p) => (isReleasable(p, threshold) ? p : null));
  const hiddenSum = () => released.reduce<number>((sum, p, i) => (p === null ? sum + parts[i] : sum), 0);
  const anyHidden = () => released.some((p) => p === null);
  while (anyHidden() && hiddenSum() < threshold) {
    // hide the smallest released non-zero part too, so the hidden parts sum to the threshold or more
    let smallest = -1;
    released.forEach((p, i) => {
      if (p !== null && p > 0 && (smallest < 0 || p < parts[smallest])) smallest = i;
    });
    if (smallest < 0) break;
    released[smallest] = null;
  }
  if (anyHidden()) for (let i = 0; i < released.length; i++) if (released[i] === 0) released[i] = null;
  return { total, parts: released };
}

/**
 * The values statistics are computed from below analyst: released counts as they are, each
 * suppressed count replaced by the middle of 1..threshold-1. Every statistic is then a function
 * of released numbers only, so z and p cannot be solved back to a suppressed count.
 */
export function imputedForStatistics(released: readonly (number | null)[], threshold: number): Float64Array {
  const middle = threshold / 2;
  return Float64Array.from(released, (c) => (c === null ? middle : c));
}

export type ReleaseWindow = { ok: true; from: Date; to: Date } | { ok: false; reason: string };

function monthStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

function nextMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
}

/**
 * The window of a release: one whole calendar month (UTC) that has ended by `now`; the last such
 * month when none is asked for. Anything else is refused with the reason.
 */
export function releaseWindow(from: Date | null, to: Date | null, now: Date): ReleaseWindow {
  const currentMonth = monthStart(now);
  if (from === null && to === null) {
    const start = new Date(Date.UTC(currentMonth.getUTCFullYear(), currentMonth.getUTCMonth() - 1, 1));
    return { ok: true, from: start, to: currentMonth };
  }
  if (from === null || to === null) return { ok: false, reason: 'below the analyst role a window is one whole calendar month (UTC): give both from and to' };
  if (from.getTime() !== monthStart(from).getTime() || to.getTime() !== nextMonth(from).getTime()) {
    return { ok: false, reason: 'below the analyst role a window is exactly one whole calendar month (UTC), e.g. from 2026-03-01T00:00:00Z to 2026-04-01T00:00:00Z' };
  }
  if (to.getTime() > currentMonth.getTime()) return { ok: false, reason: 'below the analyst role only months that have ended are released' };
  return { ok: true, from, to };
}

/**
 * The window of a risk-model release below analyst: `months` whole calendar months (UTC) that
 * have ended by `now`; the last such months when none is asked for. A model needs a year of data,
 * where a hexagon release is one month; the models release no per-cell count, so the longer
 * window is not a union of released cell counts.
 */
export function releaseMonthsWindow(from: Date | null, to: Date | null, now: Date, months: number): ReleaseWindow {
  const currentMonth = monthStart(now);
  const monthsBefore = (date: Date, n: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - n, 1));
  if (from === null && to === null) return { ok: true, from: monthsBefore(currentMonth, months), to: currentMonth };
  const shape = `below the analyst role a risk model's window is ${months} whole calendar months (UTC) that have ended, e.g. from ${monthsBefore(currentMonth, months).toISOString()} to ${currentMonth.toISOString()}; the last ${months} when left out`;
  if (from === null || to === null) return { ok: false, reason: shape };
  if (from.getTime() !== monthStart(from).getTime() || to.getTime() !== monthsBefore(from, -months).getTime()) return { ok: false, reason: shape };
  if (to.getTime() > currentMonth.getTime()) return { ok: false, reason: 'below the analyst role only months that have ended are released' };
  return { ok: true, from, to };
}

/** A released count as a range [low, high]. */
export interface CountBand {
  low: number;
  high: number;
}

/** Band edges after the threshold: the 1-2-5 series, wide enough that overlapping bands pin no count. */
function bandEdges(threshold: number, count: number): number[] {
  const edges = [threshold];
  for (let decade = 1; edges[edges.length - 1] <= count; decade *= 10) {
    for (const step of [1, 2, 5]) if (step * decade > edges[edges.length - 1]) edges.push(step * decade);
  }
  return edges;
}

/**
 * The band a count is released in below analyst: 0 as it is (it describes no one), 1 to
 * threshold - 1 suppressed (null), then threshold-9, 10-19, 20-49, 50-99, 100-199, ... (1-2-5
 * series). Used where a count belongs to a freely placed area (the reach of a fix item), so that
 * nested or overlapping areas yield ranges, never a count.
 */
export function countBand(count: number, threshold: number): CountBand | null {
  if (count === 0) return { low: 0, high: 0 };
  if (count < threshold) return null;
  // the edges run past the count, so every count >= threshold has a band with an upper end
  const edges = bandEdges(threshold, count);
  let i = edges.length - 2;
  while (edges[i] > count) i--;
  return { low: edges[i], high: edges[i + 1] - 1 };
}

/** The windows of a case evaluation on the release lattice: whole calendar months (UTC). */
export interface ReleaseEvaluationMonths {
  /** starts of the before-window's months, oldest first; the last one ends where the fix's month begins */
  before: Date[];
  /** starts of the after-window's months, oldest first; the first one begins where the fix's month ends */
  after: Date[];
  /** months on each side */
  months: number;
  /** fewer months than asked, because the data or the ended months did not cover them */
  shortened: boolean;
}

/** Average length of a calendar month in days (365.25 / 12), to turn a window in days into months. */
const DAYS_PER_MONTH = 30.4375;

/**
 * Below analyst a case is evaluated on the release lattice: the month the fix falls inside is
 * left out (unless the fix is at its first instant), and the before- and after-windows are the same number of whole calendar months (UTC) on either
 * side of it, about `days` long (1 to 24 months), the after-months all ended by `now`, and both
 * shortened alike when the stored incidents (from `dataFrom`) or the ended months do not cover
 * them. Every count is then a sum of cell-month values of the released table. Null when not even
 * one whole month lies on each side.
 */
export function releaseEvaluationMonths(fixedAt: Date, days: number, dataFrom: Date | null, now: Date): ReleaseEvaluationMonths | null {
  if (dataFrom === null) return null;
  const asked = Math.min(24, Math.max(1, Math.round(days / DAYS_PER_MONTH)));
  const fixMonth = monthStart(fixedAt);
  // a fix at the first instant of a month straddles none: its month is the first after it
  const firstAfter = fixedAt.getTime() === fixMonth.getTime() ? 0 : 1;
  const monthIndex = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
  const endedAfter = monthIndex(monthStart(now)) - monthIndex(fixMonth) - firstAfter;
  const coveredBefore = monthIndex(fixMonth) - monthIndex(dataFrom) - (dataFrom.getTime() === monthStart(dataFrom).getTime() ? 0 : 1);
  const months = Math.min(asked, endedAfter, coveredBefore);
  if (months < 1) return null;
  const shift = (n: number) => new Date(Date.UTC(fixMonth.getUTCFullYear(), fixMonth.getUTCMonth() + n, 1));
  return {
    before: Array.from({ length: months }, (_, i) => shift(i - months)),
    after: Array.from({ length: months }, (_, i) => shift(i + firstAfter)),
    months,
    shortened: months < asked,
  };
}
