/**
 * An audit of suppression as statistical offices make it (the idea of tau-ARGUS's audit): every
 * number a role was given is written as a linear equation or inequality over the true counts,
 * and a linear-programming solver (HiGHS) computes the smallest and largest value each suppressed
 * count can take given everything released. Pure: it knows nothing of HTTP or of the product's
 * code, only the documented meaning of each released number (docs/security.md, "Privacy").
 *
 * Unknowns: x[cell, time atom, category, time of day] >= 0, the true number of incidents.
 * - cells: the finest resolution of any released cell; a coarser released cell is the sum of its
 *   children at that resolution;
 * - time atoms: the intervals between consecutive boundaries of every released window (whole
 *   calendar months when the product keeps to its lattice). Per-day unknowns would add nothing:
 *   every released number covers whole atoms, so the LP over days projects exactly onto the LP
 *   over atoms (any atom total can be spread over its days);
 * - every incident category, sensitive ones included; day, night and unknown time.
 *
 * Readings of released numbers:
 * - a released count: sum of its unknowns = count; a suppressed count: 1 <= sum <= threshold - 1;
 * - a breakdown (day / night / unknown time, or the categories a cell lists): each released part
 *   = its count; each hidden part >= 0 (>= 1 when a hidden part is named: a named category is
 *   present); the hidden parts together = total - released parts. `OTHER` is `other` with the
 *   sensitive categories folded in (unless a sensitive one is named on its own);
 * - a number documented as a sum of *released* values (area totals, the imputed mean, the counts
 *   of case evaluations): when it equals that sum of the released values the audit holds, it is
 *   implied by them and adds nothing; otherwise it is read as the true sum over its cells, the
 *   reading an attacker would take (total minus released cells = the suppressed ones).
 *
 * Findings: a suppressed count or hidden part whose LP range holds fewer than threshold - 1
 * integers (`pinned`); a cell (in one atom or over all) whose sensitive unknowns cannot all be 0
 * (`sensitive`); numbers that contradict one another under these readings (`inconsistent`), or
 * the true counts (`untrue`, when the truth is given); sums of released values whose terms the
 * audit was never given (`unresolved`, a gap of the harness, not of the product).
 */
import { cellToChildren, cellToParent, getResolution } from 'h3-js';
import type { Highs } from 'highs';

export type TimePart = 'day' | 'night' | 'unknown';
export const TIME_PARTS: readonly TimePart[] = ['day', 'night', 'unknown'];

/** A set of unknowns: these cells, the time in [from, to), these categories (all when null) and times of day (all when null). */
export interface Selector {
  cells: readonly string[];
  from: Date;
  to: Date;
  categories?: readonly string[] | null;
  times?: readonly TimePart[] | null;
}

export interface AuditOptions {
  threshold: number;
  /** every incident category (lower case) */
  categories: readonly string[];
  /** the sensitive ones, folded into `other` below analyst */
  sensitive: readonly string[];
}

/** One cell as a route released it. */
export interface CellRelease {
  cell: string;
  from: Date;
  to: Date;
  /** the categories the answer counted (null: all) */
  categories?: readonly string[] | null;
  /** null when suppressed */
  total: number | null;
  /** day, night and unknown-time incidents as released; undefined when the route does not give them */
  time?: readonly (number | null)[];
  /** the categories the cell lists; undefined when the route does not give them */
  byCategory?: readonly { category: string; count: number | null }[];
}

/** A term of a sum of released values: one cell's total, or its day or night part, over [from, to). */
export interface ReleasedTerm {
  cell: string;
  from: Date;
  to: Date;
  part: 'total' | 'day' | 'night' | 'unknown';
}

/** One true incident, for checking the audit's readings against the truth. */
export interface TrueIncident {
  /** its cell at the finest released resolution or finer */
  cell: string;
  at: Date;
  category: string;
  time: TimePart;
}

export interface Finding {
  kind: 'pinned' | 'sensitive' | 'inconsistent' | 'untrue' | 'unresolved';
  what: string;
  /** the released number (route and query) that gave it */
  source: string;
  /** LP range, when solved */
  min?: number;
  max?: number;
  /** integers in the range */
  values?: number;
}

export interface AuditReport {
  findings: Finding[];
  variables: number;
  constraints: number;
  targets: number;
  solves: number;
  /** every range computed: what, min, max (for reporting) */
  ranges: { what: string; source: string; min: number; max: number }[];
  /** numbers documented as sums of released values that were implied by them */
  impliedSums: number;
  /** such numbers that were not, and were read as true sums */
  trueReadings: number;
}

/** HiGHS as `await require('highs')()` gives it; the audit uses its persistent models. */
export type LpSolver = Highs;
type HighsModel = ReturnType<Highs['createModel']>;

interface Row {
  vars: number[];
  lo: number;
  hi: number;
  source: string;
}

interface Constraint {
  sels: readonly Selector[];
  lo: number;
  hi: number;
  source: string;
}

interface Target {
  sels: readonly Selector[];
  what: string;
  source: string;
}

interface SumReading {
  terms: readonly ReleasedTerm[];
  reported: number;
  /** what a suppressed term counts as in the documented sum (0 for totals, threshold / 2 for the imputed mean) */
  suppressedAs: number;
  what: string;
  source: string;
}

const EPS = 1e-6;
const iso = (d: Date) => d.toISOString().replace(':00.000Z', 'Z').replace('T00:00Z', '');

function windowKey(from: Date, to: Date): string {
  return `${from.getTime()}-${to.getTime()}`;
}

export class SuppressionAudit {
  private readonly constraints: Constraint[] = [];
  private readonly constraintKeys = new Set<string>();
  private readonly targets = new Map<string, Target>();
  private readonly sums: SumReading[] = [];
  /** released value of `cell|window|categories|part`: a number, or null when suppressed / hidden */
  private readonly released = new Map<string, { value: number | null; source: string }>();
  private readonly early: Finding[] = [];
  private readonly categories: readonly string[];
  private readonly sensitive: ReadonlySet<string>;

  constructor(private readonly options: AuditOptions) {
    this.categories = options.categories.map((c) => c.toLowerCase());
    this.sensitive = new Set(options.sensitive.map((c) => c.toLowerCase()));
  }

  get threshold(): number {
    return this.options.threshold;
  }

  // ------------------------------------------------------------------ primitives

  /** lo <= sum of the unknowns of `sels` (their union) <= hi. */
  between(sels: readonly Selector[], lo: number, hi: number, source: string): void {
    const key = `${sels.map(selectorKey).sort().join('&')}|${lo}|${hi}`;
    if (this.constraintKeys.has(key)) return;
    this.constraintKeys.add(key);
    this.constraints.push({ sels, lo, hi, source });
  }

  equal(sels: readonly Selector[], value: number, source: string): void {
    this.between(sels, value, value, source);
  }

  /** A count the audit must find not pinned: its range must hold at least threshold - 1 integers. */
  target(sels: readonly Selector[], what: string, source: string): void {
    const key = sels.map(selectorKey).sort().join('&');
    if (!this.targets.has(key)) this.targets.set(key, { sels, what, source });
  }

  // ------------------------------------------------------------------ readings of released numbers

  /** One released cell: its total, and the breakdowns the route gave. */
  cell(release: CellRelease, source: string): void {
    const t = this.options.threshold;
    const universe = release.categories ? release.categories.map((c) => c.toLowerCase()) : null;
    const base: Selector = { cells: [release.cell], from: release.from, to: release.to, categories: universe };
    const where = `${release.cell} [${iso(release.from)}, ${iso(release.to)})`;
    this.remember(release, 'total', release.total, source);
    if (release.total === null) {
      this.between([base], 1, t - 1, source);
      this.target([base], `suppressed count of ${where}`, source);
    } else {
      this.equal([base], release.total, source);
    }

    if (release.time) {
      const parts = TIME_PARTS.map((part, i) => ({ sel: { ...base, times: [part] } as Selector, value: release.time![i] ?? null, name: part }));
      parts.forEach((p) => this.remember(release, p.name, p.value, source));
      this.breakdown(
        base,
        release.total,
        parts.map((p) => ({ sels: [p.sel], value: p.value, named: false, name: p.name })),
        [],
        where,
        source,
      );
    }

    if (release.byCategory) {
      const all = universe ?? this.categories;
      const listed = release.byCategory.map((c) => ({ name: c.category.toLowerCase(), count: c.count }));
      const namedSensitive = new Set(listed.map((c) => c.name).filter((n) => this.sensitive.has(n)));
      // `other` holds the sensitive categories not named on their own
      const setOf = (name: string): string[] => (name === 'other' ? ['other', ...all.filter((c) => this.sensitive.has(c) && !namedSensitive.has(c))] : [name]).filter((c) => all.includes(c));
      const covered = new Set<string>();
      const shown = listed.map((c) => {
        const cats = setOf(c.name);
        cats.forEach((x) => covered.add(x));
        return { sels: [{ ...base, categories: cats }], value: c.count, named: true, name: c.name };
      });
      // the documented parts a cell does not list: 0, or hidden
      const unlisted: { sels: Selector[]; value: null; named: false; name: string }[] = [];
      for (const name of all.filter((c) => !this.sensitive.has(c) || !all.includes('other'))) {
        const cats = setOf(name).filter((c) => !covered.has(c));
        if (cats.length > 0) unlisted.push({ sels: [{ ...base, categories: cats }], value: null, named: false, name });
      }
      this.breakdown(base, release.total, shown, unlisted, where, source);
    }
  }

  /**
   * A breakdown of `base` (total `total`, null when suppressed): `shown` parts (value null =
   * hidden; `named` hidden parts are present, so >= 1) and `unlisted` parts, 0 or hidden.
   */
  private breakdown(
    base: Selector,
    total: number | null,
    shown: { sels: Selector[]; value: number | null; named: boolean; name: string }[],
    unlisted: { sels: Selector[]; value: null; named: false; name: string }[],
    where: string,
    source: string,
  ): void {
    let releasedSum = 0;
    const hidden: { sels: Selector[]; named: boolean; name: string }[] = [];
    for (const part of shown) {
      if (part.value === null) hidden.push(part);
      else {
        this.equal(part.sels, part.value, source);
        releasedSum += part.value;
      }
    }
    for (const part of hidden) if (part.named) this.between(part.sels, 1, Infinity, `${source} (names ${part.name}: present)`);
    if (total === null) {
      // a suppressed cell's parts, when any are shown as hidden: targets too
      for (const part of hidden) this.target(part.sels, `hidden ${part.name} of ${where}`, source);
      return;
    }
    const remainder = total - releasedSum;
    const rest = [...hidden, ...unlisted];
    if (rest.length === 0) {
      if (remainder !== 0) this.early.push({ kind: 'inconsistent', what: `parts of ${where} sum to ${releasedSum}, not its total ${total}`, source });
      return;
    }
    this.equal(
      rest.flatMap((p) => p.sels),
      remainder,
      `${source} (total - released parts)`,
    );
    if (remainder > 0) for (const part of rest) this.target(part.sels, `hidden ${part.name} of ${where}`, source);
  }

  private remember(release: CellRelease, part: string, value: number | null, source: string): void {
    const key = releasedKey(release.cell, release.from, release.to, release.categories ?? null, part);
    const known = this.released.get(key);
    if (known && known.value !== value) {
      this.early.push({ kind: 'inconsistent', what: `${part} of ${release.cell} [${iso(release.from)}, ${iso(release.to)}) released as ${known.value} and as ${value}`, source: `${known.source}; ${source}` });
    }
    if (!known) this.released.set(key, { value, source });
  }

  /**
   * A number documented as the sum of released values (suppressed ones counted as `suppressedAs`):
   * a study-area total (0), n x the imputed mean (threshold / 2), a count of a case evaluation (0).
   */
  releasedSum(terms: readonly ReleasedTerm[], reported: number, what: string, source: string, suppressedAs = 0): void {
    this.sums.push({ terms, reported, suppressedAs, what, source });
  }

  // ------------------------------------------------------------------ the audit

  /**
   * Solves the audit. `truth`, when given, are the true incidents (each with a cell at the
   * release resolution or finer): every constraint must hold at the true counts, which checks the
   * audit's reading of every number as well as the product.
   */
  async audit(solver: LpSolver, options: { truth?: readonly TrueIncident[] } = {}): Promise<AuditReport> {
    const findings: Finding[] = [...this.early];
    let impliedSums = 0;
    let trueReadings = 0;
    for (const sum of this.sums) {
      let value = 0;
      const missing: string[] = [];
      for (const term of sum.terms) {
        const known = this.released.get(releasedKey(term.cell, term.from, term.to, null, term.part));
        if (!known) missing.push(`${term.part} of ${term.cell} [${iso(term.from)}, ${iso(term.to)})`);
        else value += known.value ?? sum.suppressedAs;
      }
      if (missing.length > 0) {
        findings.push({ kind: 'unresolved', what: `${sum.what}: no released value of ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`, source: sum.source });
        continue;
      }
      if (Math.abs(value - sum.reported) <= EPS * Math.max(1, Math.abs(sum.reported))) {
        impliedSums++;
        continue;
      }
      // not the documented sum of released values: read as the true sum, as an attacker would
      trueReadings++;
      this.equal(
        sum.terms.map((term) => ({ cells: [term.cell], from: term.from, to: term.to, times: term.part === 'total' ? null : [term.part] })),
        sum.reported,
        `${sum.source} (${sum.what} = ${sum.reported}, not the ${value} the released values give: read as a true sum)`,
      );
    }

    const model = new LinearModel(this.categories, [...this.constraints.flatMap((c) => c.sels), ...[...this.targets.values()].flatMap((t) => t.sels)]);
    const rows: Row[] = this.constraints.map((c) => ({ vars: model.variables(c.sels), lo: c.lo, hi: c.hi, source: c.source }));
    for (const row of rows) {
      if (row.vars.length === 0 && (row.lo > EPS || row.hi < -EPS)) findings.push({ kind: 'inconsistent', what: `a sum over no unknowns must lie in [${row.lo}, ${row.hi}]`, source: row.source });
    }

    // the true counts must satisfy every constraint
    if (options.truth) {
      const x = model.truePoint(options.truth);
      for (const row of rows) {
        const value = row.vars.reduce((sum, v) => sum + (x.get(v) ?? 0), 0);
        if (value < row.lo - EPS || value > row.hi + EPS) {
          findings.push({ kind: 'untrue', what: `the true count is ${value}, the reading says ${row.lo === row.hi ? row.lo : `${row.lo} to ${row.hi}`}`, source: row.source });
        }
      }
    }

    const components = new Components(model.size);
    for (const row of rows) components.join(row.vars);
    const lp = new LpRunner(solver, rows, components);
    try {
      // consistency of the released numbers, component by component
      const infeasible = new Set<number>();
      for (const root of components.roots(rows)) {
        if (lp.feasible(root)) continue;
        infeasible.add(root);
        findings.push({ kind: 'inconsistent', what: `released numbers contradict one another: ${lp.sourcesOf([root]).slice(0, 6).join(' | ')}`, source: 'several' });
      }

      const ranges: AuditReport['ranges'] = [];
      const needed = this.options.threshold - 1;
      for (const target of this.targets.values()) {
        const vars = model.variables(target.sels);
        if (components.rootsOf(vars).some((r) => infeasible.has(r))) continue;
        const min = lp.optimum(vars, 'Minimize');
        const max = lp.optimum(vars, 'Maximize');
        ranges.push({ what: target.what, source: target.source, min, max });
        const values = Math.floor(max + EPS) - Math.ceil(min - EPS) + 1;
        if (values < needed)
          findings.push({ kind: 'pinned', what: `${target.what}: ${rangeText(min, max)} (${values} possible value${values === 1 ? '' : 's'}, fewer than ${needed})`, source: target.source, min, max, values });
      }

      // sensitive categories: never proven present in a cell, in one atom or over all of them
      const sensitive = this.categories.filter((c) => this.sensitive.has(c));
      if (sensitive.length > 0) {
        for (const { cell, atoms } of model.cellAtoms()) {
          const groups = [...atoms.map((a) => [a]), ...(atoms.length > 1 ? [atoms] : [])];
          for (const group of groups) {
            const vars = group.flatMap((a) => model.variablesOfCellAtom(cell, a, sensitive));
            const roots = components.rootsOf(vars);
            if (roots.some((r) => infeasible.has(r))) continue;
            const min = lp.optimum(vars, 'Minimize');
            if (min > EPS) {
              const span = group.length === 1 ? model.atomText(group[0]) : 'all windows';
              findings.push({ kind: 'sensitive', what: `${sensitive.join('/')} proven present in ${cell} (${span}): at least ${rangeText(min, min)}`, source: lp.sourcesOf(roots).slice(0, 4).join(' | '), min });
            }
          }
        }
      }
      return { findings, variables: model.size, constraints: rows.length, targets: this.targets.size, solves: lp.solves, ranges, impliedSums, trueReadings };
    } finally {
      lp.dispose();
    }
  }
}

function rangeText(min: number, max: number): string {
  const f = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : 'inf');
  return min === max ? `exactly ${f(min)}` : `${f(min)} to ${f(max)}`;
}

function selectorKey(sel: Selector): string {
  return `${[...sel.cells].sort().join(',')}|${windowKey(sel.from, sel.to)}|${sel.categories ? [...sel.categories].sort().join(',') : '*'}|${sel.times ? [...sel.times].sort().join(',') : '*'}`;
}

function releasedKey(cell: string, from: Date, to: Date, categories: readonly string[] | null, part: string): string {
  return `${cell}|${windowKey(from, to)}|${
    categories
      ? [...categories]
          .map((c) => c.toLowerCase())
          .sort()
          .join(',')
      : '*'
  }|${part}`;
}

/** The unknowns: finest cells x time atoms x categories x times of day, numbered as needed. */
class LinearModel {
  private readonly resolution: number;
  private readonly boundaries: number[];
  private readonly index = new Map<string, number>();
  private readonly children = new Map<string, string[]>();
  private readonly touched = new Map<string, Set<number>>();

  constructor(
    private readonly categories: readonly string[],
    selectors: readonly Selector[],
  ) {
    this.resolution = Math.max(0, ...selectors.flatMap((s) => s.cells.map((c) => getResolution(c))));
    this.boundaries = [...new Set(selectors.flatMap((s) => [s.from.getTime(), s.to.getTime()]))].sort((a, b) => a - b);
  }

  get size(): number {
    return this.index.size;
  }

  private finest(cell: string): string[] {
    let cells = this.children.get(cell);
    if (!cells) {
      cells = getResolution(cell) === this.resolution ? [cell] : cellToChildren(cell, this.resolution);
      this.children.set(cell, cells);
    }
    return cells;
  }

  private atoms(from: Date, to: Date): number[] {
    const atoms: number[] = [];
    for (let i = 0; i + 1 < this.boundaries.length; i++) if (this.boundaries[i] >= from.getTime() && this.boundaries[i + 1] <= to.getTime()) atoms.push(i);
    return atoms;
  }

  atomText(atom: number): string {
    return `[${iso(new Date(this.boundaries[atom]))}, ${iso(new Date(this.boundaries[atom + 1]))})`;
  }

  private variable(cell: string, atom: number, category: string, time: TimePart): number {
    const key = `${cell}|${atom}|${category}|${time}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(key, i);
      const atoms = this.touched.get(cell) ?? new Set<number>();
      atoms.add(atom);
      this.touched.set(cell, atoms);
    }
    return i;
  }

  /** The unknowns of a union of selectors, each once. */
  variables(sels: readonly Selector[]): number[] {
    const vars = new Set<number>();
    for (const sel of sels) {
      const atoms = this.atoms(sel.from, sel.to);
      const categories = sel.categories ?? this.categories;
      const times = sel.times ?? TIME_PARTS;
      for (const cell of sel.cells) for (const fine of this.finest(cell)) for (const atom of atoms) for (const c of categories) for (const t of times) vars.add(this.variable(fine, atom, c, t));
    }
    return [...vars];
  }

  variablesOfCellAtom(cell: string, atom: number, categories: readonly string[]): number[] {
    return categories.flatMap((c) => TIME_PARTS.map((t) => this.variable(cell, atom, c, t)));
  }

  /** The true counts of the unknowns that exist, from the true incidents. */
  truePoint(incidents: readonly TrueIncident[]): Map<number, number> {
    const x = new Map<number, number>();
    for (const incident of incidents) {
      const cell = getResolution(incident.cell) === this.resolution ? incident.cell : cellToParent(incident.cell, this.resolution);
      const t = incident.at.getTime();
      let atom = -1;
      for (let i = 0; i + 1 < this.boundaries.length; i++) if (this.boundaries[i] <= t && t < this.boundaries[i + 1]) atom = i;
      const v = atom < 0 ? undefined : this.index.get(`${cell}|${atom}|${incident.category.toLowerCase()}|${incident.time}`);
      if (v !== undefined) x.set(v, (x.get(v) ?? 0) + 1);
    }
    return x;
  }

  cellAtoms(): { cell: string; atoms: number[] }[] {
    return [...this.touched].map(([cell, atoms]) => ({ cell, atoms: [...atoms].sort((a, b) => a - b) }));
  }
}

/** Union-find over unknowns: the LP of a target needs only the constraints of its components. */
class Components {
  private readonly parent: number[];

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }

  grow(size: number): void {
    for (let i = this.parent.length; i < size; i++) this.parent.push(i);
  }

  find(i: number): number {
    this.grow(i + 1);
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }

  join(vars: readonly number[]): void {
    for (let k = 1; k < vars.length; k++) {
      const a = this.find(vars[0]);
      const b = this.find(vars[k]);
      if (a !== b) this.parent[b] = a;
    }
  }

  rootsOf(vars: readonly number[]): number[] {
    return [...new Set(vars.map((v) => this.find(v)))];
  }

  roots(rows: readonly { vars: number[] }[]): number[] {
    return [...new Set(rows.filter((r) => r.vars.length > 0).map((r) => this.find(r.vars[0])))];
  }
}

/**
 * LPs over the constraints of one component at a time, one persistent HiGHS model per component
 * (built once, re-solved with each objective). Components share no unknown, so the least or
 * greatest value of a sum over several components is the sum of their least or greatest values.
 * Unknowns in no constraint are free (>= 0): they add 0 to a minimum and make a maximum infinite.
 *
 * Unknowns whose columns are identical (in the same constraints) can be exchanged without changing
 * the feasible set: two objectives with the same numbers of unknowns of each column have the same
 * optimum, which is solved once.
 */
class LpRunner {
  solves = 0;
  private readonly rowsByRoot = new Map<number, Row[]>();
  private readonly columns = new Map<number, string>();
  private readonly models = new Map<number, { model: HighsModel; columnOf: Map<number, number>; size: number }>();
  private readonly optima = new Map<string, number>();
  private readonly feasibility = new Map<number, boolean>();

  constructor(
    private readonly highs: Highs,
    rows: readonly Row[],
    private readonly components: Components,
  ) {
    const columns = new Map<number, number[]>();
    rows.forEach((row, r) => {
      if (row.vars.length === 0) return;
      const root = components.find(row.vars[0]);
      const list = this.rowsByRoot.get(root) ?? [];
      list.push(row);
      this.rowsByRoot.set(root, list);
      for (const v of row.vars) {
        const rowsOf = columns.get(v) ?? [];
        rowsOf.push(r);
        columns.set(v, rowsOf);
      }
    });
    for (const [v, rowsOf] of columns) this.columns.set(v, rowsOf.join('.'));
  }

  sourcesOf(roots: readonly number[]): string[] {
    return [...new Set(roots.flatMap((r) => (this.rowsByRoot.get(r) ?? []).map((row) => row.source)))];
  }

  private modelOf(root: number) {
    let built = this.models.get(root);
    if (!built) {
      const rows = this.rowsByRoot.get(root) ?? [];
      const columnOf = new Map<number, number>();
      for (const row of rows) for (const v of row.vars) if (!columnOf.has(v)) columnOf.set(v, columnOf.size);
      const model = this.highs.createModel();
      // small LPs: the simplex method, without the solver choice's start-up
      model.options.set({ output_flag: false, solver: 'simplex' });
      model.addVars(new Float64Array(columnOf.size), new Float64Array(columnOf.size).fill(this.highs.infinity));
      for (const row of rows) {
        const lo = Number.isFinite(row.lo) ? row.lo : -this.highs.infinity;
        const hi = Number.isFinite(row.hi) ? row.hi : this.highs.infinity;
        const indices = row.vars.map((v) => columnOf.get(v)!).sort((a, b) => a - b);
        model.addRow(lo, hi, { indices, values: new Float64Array(indices.length).fill(1) });
      }
      built = { model, columnOf, size: columnOf.size };
      this.models.set(root, built);
    }
    return built;
  }

  private run(root: number, objective: readonly number[], sense: 'Minimize' | 'Maximize'): number {
    const { model, columnOf, size } = this.modelOf(root);
    const costs = new Float64Array(size);
    for (const v of objective) costs[columnOf.get(v)!] = 1;
    model.changeColsCost({ kind: 'range', from: 0, to: size - 1 }, costs);
    model.changeObjectiveSense(sense === 'Minimize' ? this.highs.constants.objectiveSense.minimize : this.highs.constants.objectiveSense.maximize);
    this.solves++;
    model.run();
    return model.getModelStatus();
  }

  feasible(root: number): boolean {
    let known = this.feasibility.get(root);
    if (known === undefined) {
      if (!this.rowsByRoot.has(root)) known = true;
      else {
        const status = this.run(root, [], 'Minimize');
        const codes = this.highs.constants.modelStatus;
        // nothing to minimise: "infeasible or unbounded" can only mean infeasible
        known = status !== codes.infeasible && status !== codes.unboundedOrInfeasible;
      }
      this.feasibility.set(root, known);
    }
    return known;
  }

  /** The least or greatest sum of `objective` (each unknown once); components must be feasible. */
  optimum(objective: readonly number[], sense: 'Minimize' | 'Maximize'): number {
    const byRoot = new Map<number, number[]>();
    for (const v of new Set(objective)) {
      const root = this.components.find(v);
      const list = byRoot.get(root) ?? [];
      list.push(v);
      byRoot.set(root, list);
    }
    let total = 0;
    for (const [root, vars] of byRoot) {
      if (!this.rowsByRoot.has(root)) {
        if (sense === 'Maximize') return Infinity;
        continue;
      }
      const key = `${sense}|${root}|${vars
        .map((v) => this.columns.get(v) ?? '')
        .sort()
        .join(';')}`;
      let value = this.optima.get(key);
      if (value === undefined) {
        const status = this.run(root, vars, sense);
        const codes = this.highs.constants.modelStatus;
        if (status === codes.optimal) value = this.modelOf(root).model.getObjectiveValue();
        else if (status === codes.unbounded || status === codes.unboundedOrInfeasible) value = sense === 'Maximize' ? Infinity : -Infinity;
        else throw new Error(`HiGHS: model status ${status} for a ${sense} of ${vars.length} unknowns`);
        this.optima.set(key, value);
      }
      total += value;
    }
    return total;
  }

  dispose(): void {
    for (const { model } of this.models.values()) model.dispose();
    this.models.clear();
  }
}
