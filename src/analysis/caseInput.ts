/**
 * Checks of what a caller writes into a case: title, text, due date, geometry, the fix date, the
 * items (shape first, then existence in the database, inside the write's transaction), the place
 * derived from the items, and the allowed status transitions. Each refusal is BAD_USER_INPUT with
 * the argument path.
 */
import type { Knex } from 'knex';
import type { Config } from '../config';
import { type ItemReference, missingIds, type RecommendationItemRow, unionOfItems } from '../db/recommendations';
import type { Geometry, RecommendationStatus } from '../domain';
import { NEXT_RECOMMENDATION_STATUSES } from '../domain';
import { badInput } from '../errors';
import { cellPolygon, cellResolution, isCell, MAX_ANALYSIS_RESOLUTION, MIN_ANALYSIS_RESOLUTION } from '../geo/h3';
import { geometryProblem } from '../import/validate';
import type { RecommendationItemInput } from '../schema/recommendations';
import { toId } from './inputs';

const MAX_ITEMS = 200;
const MAX_TITLE = 300;
const MAX_TEXT = 10_000;
const WHERE_TYPES = ['Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];

export function checkTitle(value: string, path: string): string {
  const title = value.trim();
  if (title.length === 0 || title.length > MAX_TITLE) throw badInput(path, `must be 1 to ${MAX_TITLE} characters`);
  return title;
}

export function checkText(value: string | null | undefined, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > MAX_TEXT) throw badInput(path, `must be at most ${MAX_TEXT} characters`);
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}

export function checkDueDate(value: string | null | undefined, path: string): string | null {
  if (value === undefined || value === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== value) throw badInput(path, `must be a calendar date YYYY-MM-DD, got "${value.slice(0, 20)}"`);
  return value;
}

export function checkGeometry(value: Geometry | null | undefined, path: string, config: Config): Geometry | null {
  if (value === undefined || value === null) return null;
  const problem = geometryProblem(value, WHERE_TYPES, config.cityBounds);
  if (problem) throw badInput(path, problem);
  return value;
}

export function checkFixedAt(value: Date | null | undefined, path: string, now: Date): Date {
  if (!value) throw badInput(path, 'is required to close a recommendation (when the fix was made)');
  if (Number.isNaN(value.getTime())) throw badInput(path, 'is not a date-time');
  if (value.getTime() > now.getTime() + 60_000) throw badInput(path, 'lies in the future');
  return value;
}

/**
 * Items checked for shape, then for existence in the database (inside the write's transaction);
 * `analysed` holds the forecast and near-repeat items, computed before (caseAnalysisItems.ts).
 */
export async function checkItems(knex: Knex, items: RecommendationItemInput[] | null | undefined, path: string, analysed: ReadonlyMap<number, ItemReference> = new Map()): Promise<ItemReference[]> {
  if (!items) return [];
  if (items.length > MAX_ITEMS) throw badInput(path, `at most ${MAX_ITEMS} items`);
  const references: ItemReference[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const given = (['lightingOutageId', 'roadDefectId', 'youthGapCell', 'riskFeatureId', 'forecast', 'nearRepeat'] as const).filter((k) => item[k] !== undefined && item[k] !== null);
    if (given.length !== 1)
      throw badInput(`${path}[${i}]`, `give exactly one of lightingOutageId, roadDefectId, youthGapCell, riskFeatureId, forecast, nearRepeat (got ${given.length === 0 ? 'none' : given.join(', ')})`);
    let reference: ItemReference;
    if (item.forecast != null || item.nearRepeat != null) {
      const computed = analysed.get(i);
      if (!computed) throw badInput(`${path}[${i}]`, 'the forecast or near-repeat item was not analysed');
      reference = computed;
    } else if (item.lightingOutageId != null) reference = { kind: 'lighting_outage', lightingOutageId: toId(item.lightingOutageId, `${path}[${i}].lightingOutageId`) };
    else if (item.roadDefectId != null) reference = { kind: 'road_defect', roadDefectId: toId(item.roadDefectId, `${path}[${i}].roadDefectId`) };
    else if (item.riskFeatureId != null) reference = { kind: 'risk_feature', riskFeatureId: toId(item.riskFeatureId, `${path}[${i}].riskFeatureId`) };
    else {
      const cell = (item.youthGapCell as string).toLowerCase();
      if (!isCell(cell)) throw badInput(`${path}[${i}].youthGapCell`, 'is not an H3 cell');
      const resolution = cellResolution(cell);
      if (resolution < MIN_ANALYSIS_RESOLUTION || resolution > MAX_ANALYSIS_RESOLUTION) {
        throw badInput(`${path}[${i}].youthGapCell`, `must be a cell of resolution ${MIN_ANALYSIS_RESOLUTION} to ${MAX_ANALYSIS_RESOLUTION}, got ${resolution}`);
      }
      reference = { kind: 'youth_gap_cell', h3: cell };
    }
    const key = referenceKey(reference);
    if (seen.has(key)) throw badInput(`${path}[${i}]`, 'repeats an earlier item');
    seen.add(key);
    references.push(reference);
  });
  for (const [kind, table, field, label] of [
    ['lighting_outage', 'lighting_outages', 'lightingOutageId', 'lighting outage'],
    ['road_defect', 'road_defects', 'roadDefectId', 'road defect'],
    ['risk_feature', 'risk_features', 'riskFeatureId', 'imported factor feature'],
  ] as const) {
    const ids = references.filter((r) => r.kind === kind).map((r) => r[field] as string);
    const missing = new Set(await missingIds(knex, table, ids));
    const index = references.findIndex((r) => r.kind === kind && missing.has(r[field] as string));
    if (index >= 0) throw badInput(`${path}[${index}].${field}`, `no ${label} has id "${String(references[index][field]).slice(0, 40)}"`);
  }
  return references;
}

/**
 * The geometry given, or the union of the items; one of them must exist. Near-repeat areas never
 * shape a case's place (every role that sees the case sees its place; they are for analysts).
 */
export async function whereOf(knex: Knex, given: Geometry | null, items: ItemReference[], path: string): Promise<{ geometry: Geometry; derived: boolean }> {
  if (given) return { geometry: given, derived: false };
  const shaping = items.filter((i) => i.kind !== 'near_repeat_area');
  const outlines = shaping.flatMap((i) => (i.h3 ? [i.h3] : (i.analysis?.cells ?? []))).map((c) => cellPolygon(c));
  const derived = shaping.length > 0 ? await unionOfItems(knex, shaping, outlines) : null;
  if (!derived) throw badInput(path, items.length > 0 ? 'give a geometry: near-repeat areas do not make the place of a case' : 'give a geometry or at least one item to derive it from');
  return { geometry: derived, derived: true };
}

export function checkTransition(from: RecommendationStatus, to: RecommendationStatus): void {
  const allowed = NEXT_RECOMMENDATION_STATUSES[from];
  if (!allowed.includes(to)) {
    const next = allowed.length > 0 ? allowed.map((s) => s.toUpperCase()).join(', ') : 'none (the recommendation is closed)';
    throw badInput('status', `cannot move from ${from.toUpperCase()} to ${to.toUpperCase()}; allowed next statuses: ${next}`);
  }
}

/**
 * One item in words for history and duplicate checks: kind and the id or cell it names; a
 * forecast or near-repeat item by its method, window and number of cells (the history is read by
 * every role that sees the case, near-repeat cells are for analysts).
 */
export function referenceKey(item: ItemReference): string {
  const a = item.analysis;
  if (a) return `${item.kind}:${a.method}:${a.windowFrom.toISOString()}..${a.windowTo.toISOString()}:${a.cells.length} cells`;
  return `${item.kind}:${item.lightingOutageId ?? item.roadDefectId ?? item.riskFeatureId ?? item.h3}`;
}

export function itemKey(item: RecommendationItemRow): string {
  return referenceKey(toReference(item));
}

export function toReference(item: RecommendationItemRow): ItemReference {
  const analysis =
    item.cells && item.method && item.windowFrom && item.windowTo && item.detail
      ? { cells: item.cells, method: item.method, windowFrom: new Date(item.windowFrom), windowTo: new Date(item.windowTo), detail: item.detail }
      : undefined;
  return { kind: item.kind, lightingOutageId: item.lightingOutageId ?? undefined, roadDefectId: item.roadDefectId ?? undefined, riskFeatureId: item.riskFeatureId ?? undefined, h3: item.h3 ?? undefined, analysis };
}
