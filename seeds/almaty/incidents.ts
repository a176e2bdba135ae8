/**
 * Incidents of the demo city as an inhomogeneous Poisson process, drawn one at a time.
 *
 * Intensity of category c at point x (in H3 cell i) and time t:
 *
 *   lambda(x, t, c, outdoor) = rate_c * exposure_c(i) * noise_i * hot_c(i) * youthGap_c(i)
 *                              * dayWeight(t) * hourProfile_c(t)
 *                              * lighting(x, t, outdoor) * roadDefect(x, t, c) * growth(i, t)
 *
 * The static part picks (cell, category) from an alias table weighted by the static intensity
 * times an upper bound of the dynamic multipliers in that cell; a time and point are drawn and
 * the draw is kept with probability dynamic / bound (exact thinning). Cells with no outage
 * or defect nearby have bound 1 and never reject. Memory is a few typed arrays over
 * cells x categories, whatever the number of incidents.
 */
import type { IncidentCategory, IncidentRecord, Position } from '../../src/domain';
import { INCIDENT_CATEGORIES } from '../../src/domain';
import { CellTable } from './cells';
import { CATEGORY_RATES, HOUR_PROFILES, NEAR_POST_M, OUTDOOR_PROBABILITY, SEASONAL_AMPLITUDE, SOURCE_WEIGHTS, WEEKDAY_WEIGHTS } from './config';
import type { District } from './districts';
import { districtsFromGeometries } from './districts';
import { GridIndex, distanceM, pointLineDistanceM, positionsBBox } from './geometry';
import { AliasTable, Random } from './random';
import type { SunsetTable } from '../../src/geo/sun';
import { DAY_MS, UTC_OFFSET_MS, almatyNightTable, localDayIndex } from './sun';
import type { DemoCity } from './types';

/** Largest distance from a resolution-9 cell centre to its corners, metres (with margin). */
const CELL_RADIUS_M = 220;

interface TimedLines {
  fromMs: number;
  /** Infinity while open */
  toMs: number;
  lines: Position[][];
}

const C = INCIDENT_CATEGORIES.length;

export class IncidentModel {
  readonly seed: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly cells: CellTable;
  private readonly residents: Float64Array;
  private readonly young: Float64Array;
  private readonly gap: Uint8Array;
  private readonly growth: Uint8Array;
  private readonly nearPost: Uint8Array;
  private readonly cellOutages: (number[] | null)[];
  private readonly cellDefects: (number[] | null)[];
  private readonly outages: TimedLines[];
  private readonly defects: TimedLines[];
  private readonly cellTable: AliasTable;
  private readonly dayTable: AliasTable;
  private readonly firstDayStartMs: number;
  private readonly hourTables: AliasTable[];
  private readonly night: SunsetTable;
  private readonly lightingBound: number;
  private readonly defectBound: number;
  private readonly lightingRadiusM: number;
  private readonly defectRadiusM: number;
  private readonly lightingMult: number;
  private readonly defectMult: number;
  private readonly defectCategory: Uint8Array;
  private readonly outdoorP: (number | null)[];
  private readonly growthStart: number;

  constructor(city: DemoCity, districts: District[], cells: CellTable) {
    const { meta, planted } = city;
    const fx = planted.effects;
    this.seed = meta.seed;
    this.startMs = meta.start.getTime();
    this.endMs = meta.end.getTime();
    this.cells = cells;
    const n = cells.size;
    this.residents = new Float64Array(n);
    this.young = new Float64Array(n);
    for (const p of city.population) {
      const i = cells.indexOf(p.h3);
      if (i === undefined) continue;
      this.residents[i] = p.residents;
      this.young[i] = p.youngResidents;
    }
    let sumR = 0;
    let sumY = 0;
    for (let i = 0; i < n; i++) {
      sumR += this.residents[i];
      sumY += this.young[i];
    }
    const youthShare = sumR > 0 ? sumY / sumR : 0.145;

    // youth-facility gaps: centre farther than distanceM from every facility open at the start
    const facilities = new GridIndex<Position>(fx.youthGap.distanceM);
    for (const f of city.youthFacilities) {
      if (f.openedAt && f.openedAt.getTime() > this.startMs) continue;
      const p = representativePoint(f.geometry);
      facilities.insert(p, [p[0], p[1], p[0], p[1]]);
    }
    this.gap = new Uint8Array(n);
    this.growth = new Uint8Array(n);
    this.nearPost = new Uint8Array(n);
    const posts = city.posts.filter((p) => p.kind === 'modular_post').map((p) => p.geometry.coordinates);
    const hot = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = cells.centre(i);
      this.gap[i] = facilities.near(c, fx.youthGap.distanceM).some((q) => distanceM(c, q) <= fx.youthGap.distanceM) ? 0 : 1;
      this.growth[i] = distanceM(c, fx.growth.center) <= fx.growth.radiusM ? 1 : 0;
      this.nearPost[i] = posts.some((q) => distanceM(c, q) <= NEAR_POST_M) ? 1 : 0;
      let m = 1;
      for (const h of planted.hotAreas) if (distanceM(c, h.center) <= h.radiusM && h.multiplier > m) m = h.multiplier;
      hot[i] = m;
    }
    this.growthStart = fx.growth.startFactor;

    // outages and relevant defects near each cell
    this.outages = city.lightingOutages.map((o) => ({
      fromMs: o.reportedAt.getTime(),
      toMs: o.fixedAt ? o.fixedAt.getTime() : Infinity,
      lines: linesOf(o.geometry),
    }));
    this.defects = city.roadDefects.filter((d) => fx.roadDefect.kinds.includes(d.kind)).map((d) => ({ fromMs: d.reportedAt.getTime(), toMs: d.fixedAt ? d.fixedAt.getTime() : Infinity, lines: linesOf(d.geometry) }));
    this.lightingRadiusM = fx.lighting.radiusM;
    this.defectRadiusM = fx.roadDefect.radiusM;
    this.lightingMult = fx.lighting.multiplier;
    this.defectMult = fx.roadDefect.multiplier;
    this.cellOutages = nearLists(cells, this.outages, this.startMs, this.endMs, this.lightingRadiusM + CELL_RADIUS_M);
    this.cellDefects = nearLists(cells, this.defects, this.startMs, this.endMs, this.defectRadiusM + CELL_RADIUS_M);
    this.lightingBound = Math.max(1, this.lightingMult);
    this.defectBound = Math.max(1, this.defectMult);

    // static intensity x dynamic bound per (cell, category)
    this.outdoorP = INCIDENT_CATEGORIES.map((c) => OUTDOOR_PROBABILITY[c]);
    this.defectCategory = new Uint8Array(C);
    INCIDENT_CATEGORIES.forEach((c, k) => (this.defectCategory[k] = fx.roadDefect.categories.includes(c) ? 1 : 0));
    const youthCategory = INCIDENT_CATEGORIES.map((c) => fx.youthGap.categories.includes(c));
    const hotExcluded = INCIDENT_CATEGORIES.map((c) => fx.hotAreaExcluded.includes(c));
    const weights = new Float64Array(n * C);
    for (let i = 0; i < n; i++) {
      if (this.residents[i] <= 0) continue;
      const noise = new Random(this.seed, `cell:${cells.h3[i]}`).gamma(8) / 8;
      for (let k = 0; k < C; k++) {
        const cat = INCIDENT_CATEGORIES[k];
        let w = CATEGORY_RATES[cat] * noise;
        if (youthCategory[k]) {
          w *= 0.5 * this.residents[i] + (0.5 * this.young[i]) / youthShare;
          if (this.gap[i]) w *= fx.youthGap.multiplier;
        } else {
          w *= this.residents[i];
        }
        if (!hotExcluded[k]) w *= hot[i];
        w *= this.bound(i, k);
        weights[i * C + k] = w;
      }
    }
    this.cellTable = new AliasTable(weights);

    // calendar: day weights (weekday x season), hour profiles per category
    const firstDay = localDayIndex(this.startMs);
    const lastDay = localDayIndex(this.endMs - 1);
    this.firstDayStartMs = firstDay * DAY_MS - UTC_OFFSET_MS;
    const dayWeights: number[] = [];
    for (let d = firstDay; d <= lastDay; d++) {
      const date = new Date(d * DAY_MS);
      const doy = (d * DAY_MS - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
      dayWeights.push(WEEKDAY_WEIGHTS[date.getUTCDay()] * (1 + SEASONAL_AMPLITUDE * Math.cos((2 * Math.PI * (doy - 200)) / 365.25)));
    }
    this.dayTable = new AliasTable(dayWeights);
    this.hourTables = INCIDENT_CATEGORIES.map((c) => new AliasTable(HOUR_PROFILES[c]));
    this.night = almatyNightTable(this.startMs, this.endMs);
  }

  private bound(i: number, k: number): number {
    let b = 1;
    if (this.cellOutages[i] && this.outdoorP[k] !== 0 && this.outdoorP[k] !== null) b *= this.lightingBound;
    if (this.cellDefects[i] && this.defectCategory[k]) b *= this.defectBound;
    return b;
  }

  /** H3 cells with young residents and no youth facility within the gap distance. */
  gapCells(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.cells.size; i++) if (this.gap[i] && this.young[i] > 0) out.push(this.cells.h3[i]);
    return out;
  }

  /** The multiplier of the time-dependent effects at one point and time (1 = none). */
  dynamicMultiplier(i: number, k: number, p: Position, tMs: number, outdoor: boolean | null): number {
    let m = 1;
    const outs = this.cellOutages[i];
    if (outs && outdoor === true && this.night.isDark(tMs, p[0])) {
      for (const j of outs) {
        const o = this.outages[j];
        if (tMs >= o.fromMs && tMs < o.toMs && nearLines(p, o.lines, this.lightingRadiusM)) {
          m *= this.lightingMult;
          break;
        }
      }
    }
    const defs = this.cellDefects[i];
    if (defs && this.defectCategory[k]) {
      for (const j of defs) {
        const d = this.defects[j];
        if (tMs >= d.fromMs && tMs < d.toMs && nearLines(p, d.lines, this.defectRadiusM)) {
          m *= this.defectMult;
          break;
        }
      }
    }
    if (this.growth[i]) m *= this.growthStart + (1 - this.growthStart) * ((tMs - this.startMs) / (this.endMs - this.startMs));
    return m;
  }

  /**
   * The first `count` incidents of this city's stream, one at a time. The record's `source` is
   * the report channel (INCIDENT_SOURCES); the 'demo-inc-' externalId marks it as demo data.
   */
  *iterate(count: number, seed = this.seed): Generator<IncidentRecord, void, undefined> {
    const rng = new Random(seed, 'incidents');
    const sources = {
      default: sourceTable(SOURCE_WEIGHTS.default),
      nearPost: sourceTable(SOURCE_WEIGHTS.nearPost),
      fraud: sourceTable(SOURCE_WEIGHTS.fraud),
    };
    const fraud = INCIDENT_CATEGORIES.indexOf('fraud');
    let made = 0;
    while (made < count) {
      const cellCat = this.cellTable.sample(rng);
      const i = (cellCat / C) | 0;
      const k = cellCat - i * C;
      const day = this.dayTable.sample(rng);
      const hour = this.hourTables[k].sample(rng);
      const t = this.firstDayStartMs + day * DAY_MS + hour * 3_600_000 + rng.int(3600) * 1000;
      if (t < this.startMs || t >= this.endMs) continue;
      const op = this.outdoorP[k];
      const outdoor = op === null ? null : rng.next() < op;
      const p = this.cells.samplePoint(i, rng);
      const b = this.bound(i, k);
      if (b > 1 || this.growth[i]) {
        const m = this.dynamicMultiplier(i, k, p, t, outdoor);
        if (rng.next() * b >= m) continue;
      }
      const table = k === fraud ? sources.fraud : this.nearPost[i] ? sources.nearPost : sources.default;
      const source = pickSource(table, rng);
      made++;
      yield {
        source,
        externalId: `demo-inc-${String(made).padStart(6, '0')}`,
        occurredAt: new Date(t),
        category: INCIDENT_CATEGORIES[k] as IncidentCategory,
        outdoor,
        geometry: { type: 'Point', coordinates: p },
        description: null,
      };
    }
  }
}

function sourceTable(weights: Readonly<Record<string, number>>): { names: string[]; cumulative: number[] } {
  const names = Object.keys(weights);
  const cumulative: number[] = [];
  let s = 0;
  for (const k of names) cumulative.push((s += weights[k]));
  return { names, cumulative: cumulative.map((x) => x / s) };
}

function pickSource(table: { names: string[]; cumulative: number[] }, rng: Random): string {
  const u = rng.next();
  for (let j = 0; j < table.cumulative.length; j++) if (u < table.cumulative[j]) return table.names[j];
  return table.names[table.names.length - 1];
}

function linesOf(g: { type: string; coordinates: unknown }): Position[][] {
  if (g.type === 'Point') return [[g.coordinates as Position]];
  if (g.type === 'LineString') return [g.coordinates as Position[]];
  if (g.type === 'MultiLineString') return g.coordinates as Position[][];
  throw new Error(`unsupported geometry ${g.type}`);
}

function nearLines(p: Position, lines: Position[][], radiusM: number): boolean {
  for (const line of lines) if (pointLineDistanceM(p, line) <= radiusM) return true;
  return false;
}

/** For each cell, the items within reach of its centre that are active at some time in the window. */
function nearLists(cells: CellTable, items: TimedLines[], startMs: number, endMs: number, reachM: number): (number[] | null)[] {
  const index = new GridIndex<number>(500);
  items.forEach((it, j) => {
    if (it.toMs <= startMs || it.fromMs >= endMs) return;
    index.insert(j, positionsBBox(it.lines.flat()));
  });
  const out: (number[] | null)[] = new Array(cells.size).fill(null);
  for (let i = 0; i < cells.size; i++) {
    const c = cells.centre(i);
    const hits = index.near(c, reachM).filter((j) => nearLines(c, items[j].lines, reachM));
    if (hits.length) out[i] = hits.sort((a, b) => a - b);
  }
  return out;
}

function representativePoint(g: { type: string; coordinates: unknown }): Position {
  if (g.type === 'Point') return g.coordinates as Position;
  const rings = g.type === 'Polygon' ? [(g.coordinates as Position[][])[0]] : (g.coordinates as Position[][][]).map((p) => p[0]);
  let x = 0;
  let y = 0;
  let n = 0;
  for (const ring of rings)
    for (const q of ring) {
      x += q[0];
      y += q[1];
      n++;
    }
  return [x / n, y / n];
}

const models = new WeakMap<DemoCity, IncidentModel>();

/**
 * The incident model of a city. The generator passes its districts and cells; a city read
 * back from storage rebuilds them from its own records (district areas, population cells).
 */
export function buildIncidentModel(city: DemoCity, districts?: District[], cells?: CellTable): IncidentModel {
  const ds = districts ?? districtsFromGeometries(city.areas.filter((a) => a.kind === 'district'));
  let table = cells;
  if (!table) {
    const h3 = city.population.map((p) => p.h3);
    const probe = new CellTable(h3, new Int16Array(h3.length), ds);
    const districtOf = h3.map((_, i) => {
      const c = probe.centre(i);
      const d = ds.findIndex((x) => x.area.contains(c[0], c[1]));
      return d < 0 ? 0 : d;
    });
    table = new CellTable(h3, districtOf, ds);
  }
  const model = new IncidentModel(city, ds, table);
  models.set(city, model);
  return model;
}

function modelOf(city: DemoCity): IncidentModel {
  return models.get(city) ?? buildIncidentModel(city);
}

/**
 * Incidents of a generated city as a stream: memory stays flat however many are drawn, so a
 * benchmark can insert 1,000,000 in batches. The first n records equal city.incidents when
 * n = city.incidents.length (same seed).
 */
export function iterateIncidents(city: DemoCity, count: number, options: { seed?: number } = {}): Generator<IncidentRecord, void, undefined> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  return modelOf(city).iterate(count, options.seed ?? city.meta.seed);
}

export function collectIncidents(model: IncidentModel, count: number): IncidentRecord[] {
  const out: IncidentRecord[] = new Array(count);
  let n = 0;
  for (const r of model.iterate(count)) out[n++] = r;
  return out;
}
