/**
 * The bench's one-screen table: one row per figure with a target, whatever produced it. Rows come
 * from the results object generically: `import`, every entry of `loads`, `cases`, `contention`,
 * `exports`, and any other field (object or array of objects) that carries a `target` or a `met`.
 * A row's figure is read from the fields it has (`figure` if it says it itself, else p50/p99
 * latencies, rows/s, req/s), its target from its `target` object, and its ratio to its floor from
 * `ratioToFloor` (or another numeric field whose name starts with `ratio`). So a new case or
 * section appears here without editing this file.
 */

type Json = Record<string, unknown>;

export interface SummaryRow {
  name: string;
  figure: string;
  target: string;
  ratio: string;
  met: boolean | undefined;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const int = (v: number) => Math.round(v).toLocaleString('en');

function figureOf(r: Json): string {
  if (typeof r.figure === 'string') return r.figure;
  if (r.status === 'skipped') return `skipped${typeof r.note === 'string' ? `: ${r.note.slice(0, 40)}` : ''}`;
  const parts: string[] = [];
  const rps = num(r.requestsPerSecond);
  if (rps !== undefined) parts.push(`${int(rps)} req/s`);
  const rows = num(r.rowsPerSecond);
  if (rows !== undefined) parts.push(`${int(rows)} rows/s`);
  const latency = isObject(r.latencyMs) ? r.latencyMs : undefined;
  if (latency) {
    const p50 = num(latency.p50);
    const p99 = num(latency.p99);
    if (p50 !== undefined) parts.push(`p50 ${ms(p50)} ms`);
    if (p99 !== undefined) parts.push(`p99 ${ms(p99)}`);
  }
  for (const [label, key] of [
    ['hit', 'hitMs'],
    ['miss', 'missMs'],
  ] as const) {
    const l = isObject(r[key]) ? (r[key] as Json) : undefined;
    if (l && num(l.p50) !== undefined) parts.push(`${label} p50 ${ms(num(l.p50)!)}`);
  }
  if (parts.length === 0 && num(r.seconds) !== undefined) parts.push(`${r.seconds} s`);
  return parts.join(', ');
}

const TARGET_WORDS: Record<string, (v: number) => string> = {
  p50Ms: (v) => `p50 < ${v} ms`,
  p95Ms: (v) => `p95 < ${v} ms`,
  p99Ms: (v) => `p99 < ${v} ms`,
  floorRatio: (v) => `< ${v} x floor`,
  rowsPerSecond: (v) => `>= ${int(v)} rows/s`,
  requestsPerSecond: (v) => `>= ${int(v)} req/s`,
  seconds: (v) => `< ${v} s`,
};

function targetOf(r: Json): string {
  const target = r.target;
  if (typeof target === 'string') return target;
  if (!isObject(target)) return '';
  return Object.entries(target)
    .map(([k, v]) => (typeof v === 'number' && TARGET_WORDS[k] ? TARGET_WORDS[k](v) : `${k} ${typeof v === 'number' ? v : JSON.stringify(v)}`))
    .join(', ');
}

function ratioOf(r: Json): string {
  const named = num(r.ratioToFloor);
  const ratio = named ?? Object.entries(r).find(([k, v]) => /^ratio/i.test(k) && num(v) !== undefined)?.[1];
  return typeof ratio === 'number' ? `${ratio.toFixed(2)}x` : '';
}

function rowOf(fallbackName: string, r: Json): SummaryRow {
  const name = typeof r.name === 'string' ? r.name : fallbackName;
  return { name, figure: figureOf(r), target: targetOf(r), ratio: ratioOf(r), met: typeof r.met === 'boolean' ? r.met : undefined };
}

const hasVerdict = (v: unknown): v is Json => isObject(v) && ('target' in v || 'met' in v);
const ORDER = ['import', 'loads', 'cases', 'contention', 'exports'];
/** single legacy figures repeated in a list above */
const SKIPPED = new Set(['load']);

/** The rows of the table, in the order of the issue: import, load, cases, then anything else. */
export function summaryRows(results: object): SummaryRow[] {
  const r = results as Json;
  const keys = [...ORDER.filter((k) => k in r), ...Object.keys(r).filter((k) => !ORDER.includes(k) && !SKIPPED.has(k))];
  const rows: SummaryRow[] = [];
  for (const key of keys) {
    const value = r[key];
    if (Array.isArray(value)) {
      for (const item of value) if (hasVerdict(item)) rows.push(rowOf(key, item));
    } else if (hasVerdict(value)) {
      rows.push(rowOf(key === 'import' ? 'import, CSV end to end' : key, value));
    }
  }
  if (rows.length === 0 && isObject(r.load)) rows.push(rowOf('mixed dashboard load', r.load));
  return rows;
}

const fit = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '~' : s.padEnd(n));

/** The table as text, about 120 columns wide. */
export function formatSummary(results: object, heading: string): string {
  const rows = summaryRows(results);
  const lines = [heading, `${fit('figure', 40)}${fit('measured', 38)}${fit('target', 28)}${fit('vs floor', 9)}verdict`, '-'.repeat(122)];
  for (const row of rows) {
    const verdict = row.met === undefined ? '' : row.met ? 'met' : 'NOT met';
    lines.push(`${fit(row.name, 40)}${fit(row.figure, 38)}${fit(row.target, 28)}${fit(row.ratio, 9)}${verdict}`);
  }
  const judged = rows.filter((row) => row.met !== undefined);
  lines.push('-'.repeat(122), `${judged.filter((row) => row.met).length} of ${judged.length} targets met; vs floor: the figure over its floor measured in the same run (bare SQL, bare COPY)`);
  return lines.join('\n');
}
