/**
 * The small city of the suppression audit and the routes it reads: a seeded city of a few dozen
 * resolution-8 cells over the last three ended calendar months, with districts, a precinct and
 * closed cases; and, for each kind of allowed query, the request over HTTP as a given user and
 * the reading of every released number of its answer into a SuppressionAudit.
 */
import { cellToBoundary, cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { upsertBatch } from '../../../src/db/upsert';
import { INCIDENT_CATEGORIES } from '../../../src/domain';
import type { IncidentCategory, IncidentRecord, RequestUser } from '../../../src/domain';
import { testUserHeaders, TestServer, truncateLayers } from '../../support/server';
import { decode, featuresOf, tileOf } from '../../support/tiles';
import type { CellRelease, ReleasedTerm, SuppressionAudit, TimePart, TrueIncident } from './suppressionAudit';

export const PUBLIC: RequestUser = { id: 'audit-public', role: 'public', agency: null };
export const WORKING_GROUP: RequestUser = { id: 'audit-wg', role: 'working_group', agency: null };
export const LIGHTING: RequestUser = { id: 'audit-lighting', role: 'agency', agency: 'lighting' };
export const ANALYST: RequestUser = { id: 'audit-analyst', role: 'analyst', agency: null };

export const ALL_CATEGORIES: readonly string[] = INCIDENT_CATEGORIES;

export const CENTRE = latLngToCell(43.24, 76.92, 8);
/** The seeded cells: a disk of 37 resolution-8 cells (about 27 km²). */
export const CITY_CELLS = gridDisk(CENTRE, 3).sort();

export interface Month {
  from: Date;
  to: Date;
}

/** The last `n` calendar months (UTC) that have ended, oldest first. */
export function endedMonths(n: number, now = new Date()): Month[] {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return Array.from({ length: n }, (_, i) => ({ from: new Date(Date.UTC(y, m - n + i, 1)), to: new Date(Date.UTC(y, m - n + i + 1, 1)) }));
}

/** A small deterministic generator (mulberry32), so the city is the same on every run. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type AreaArg = { districtId: string } | { precinctId: string } | { city: true } | { bbox: number[] } | { polygon: unknown };

/** Outlines of cells shrunk a little towards their centres (a MultiPolygon whose parts do not touch): exactly these cells' centres lie in it. */
export function cellsPolygon(cells: readonly string[]): { type: 'MultiPolygon'; coordinates: number[][][][] } {
  return {
    type: 'MultiPolygon',
    coordinates: cells.map((c) => {
      const [lat, lng] = cellToLatLng(c);
      return [cellToBoundary(c, true).map(([x, y]) => [lng + (x - lng) * 0.9, lat + (y - lat) * 0.9])];
    }),
  };
}

function boundsOf(cells: readonly string[]): [number, number, number, number] {
  const points = cells.flatMap((c) => cellToBoundary(c, true));
  return [Math.min(...points.map((p) => p[0])), Math.min(...points.map((p) => p[1])), Math.max(...points.map((p) => p[0])), Math.max(...points.map((p) => p[1]))];
}

export const CITY_BOUNDS = boundsOf(CITY_CELLS);

function rectangle([minLng, minLat, maxLng, maxLat]: number[]) {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minLng, minLat],
        [maxLng, minLat],
        [maxLng, maxLat],
        [minLng, maxLat],
        [minLng, minLat],
      ],
    ],
  };
}

export interface Case {
  id: string;
  /** who may evaluate it below analyst */
  readers: ('working_group' | 'agency')[];
}

export interface City {
  months: Month[];
  districts: string[];
  precinct: string;
  cases: Case[];
  incidents: number;
  sensitiveIncidents: number;
  /** every incident as planted, its time of day as the product must classify it */
  truth: TrueIncident[];
}

const CATEGORIES: IncidentCategory[] = ['theft', 'theft', 'theft', 'robbery', 'assault', 'vandalism', 'burglary', 'drunkenness', 'other', 'fraud'];

/**
 * Seeds the city: per cell and month 0 incidents (35 %), 1-4 (30 %, suppressed) or 5-12; one in
 * eight a sensitive category; by day, at night or with an inexact time. Two districts split it
 * east and west, a precinct overlaps both. Closed cases: three by the working group (a point, a
 * youth-gap cell, a fix at the first instant of a month) and one by the lighting agency.
 */
export async function seedCity(t: TestServer, seed: number): Promise<City> {
  const knex = t.server.db.knex;
  await truncateLayers(t.server);
  await knex.raw('TRUNCATE recommendations RESTART IDENTITY CASCADE');
  const months = endedMonths(3);
  const random = generator(seed);
  const records: IncidentRecord[] = [];
  const truth: TrueIncident[] = [];
  let sensitiveIncidents = 0;
  const at = (cell: string, category: IncidentCategory, occurredAt: Date, time: TimePart) => {
    const [lat, lng] = cellToLatLng(cell);
    const n = records.length;
    const point: [number, number] = [lng + (n % 7) * 1e-5, lat + (n % 5) * 1e-5];
    truth.push({ cell: latLngToCell(point[1], point[0], 11), at: occurredAt, category, time });
    records.push({
      source: 'suppression_audit',
      externalId: `a${n}`,
      occurredAt,
      category,
      outdoor: true,
      geometry: { type: 'Point', coordinates: point },
      description: null,
      ...(time === 'unknown' ? { timePrecision: 'day' as const } : {}),
    });
  };
  // the stored incidents begin at the first instant of the first month, so evaluations have a month
  // before the fix (its time inexact, so whether it is day or night depends on no season)
  at(CITY_CELLS[0], 'theft', months[0].from, 'unknown');
  for (const cell of CITY_CELLS) {
    for (const month of months) {
      const r = random();
      const count = r < 0.35 ? 0 : r < 0.65 ? 1 + Math.floor(random() * 4) : 5 + Math.floor(random() * 8);
      for (let i = 0; i < count; i++) {
        const sensitive = random() < 0.125;
        const category: IncidentCategory = sensitive ? (random() < 0.5 ? 'domestic_conflict' : 'sexual_offence') : CATEGORIES[Math.floor(random() * CATEGORIES.length)];
        if (sensitive) sensitiveIncidents++;
        const day = 2 + Math.floor(random() * 25);
        const kind = random();
        // 07:00Z is about noon in Almaty (day), 20:00Z about 01:00 (night)
        const occurredAt = new Date(month.from.getTime() + (day - 1) * 86_400_000 + (kind < 0.45 ? 7 : 20) * 3_600_000);
        at(cell, category, occurredAt, kind >= 0.85 ? 'unknown' : kind < 0.45 ? 'day' : 'night');
      }
    }
  }
  await upsertBatch(knex, 'incidents', records, t.config.fineResolution);

  const [minLng, minLat, maxLng, maxLat] = CITY_BOUNDS;
  const [centreLat, centreLng] = cellToLatLng(CENTRE);
  const area = (externalId: string, kind: string, name: string, box: number[]) =>
    knex('areas')
      .insert({ source: 'suppression_audit', external_id: externalId, kind, name, geom: knex.raw('ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))', [JSON.stringify(rectangle(box))]) })
      .returning('id');
  const west = await area('west', 'district', 'West', [minLng, minLat, centreLng, maxLat]);
  const east = await area('east', 'district', 'East', [centreLng, minLat, maxLng, maxLat]);
  const w = (maxLng - minLng) / 4;
  const h = (maxLat - minLat) / 4;
  const precinct = await area('middle', 'precinct', 'Middle', [centreLng - w, centreLat - h, centreLng + w, centreLat + h]);
  const idOf = (rows: unknown[]) => String((rows[0] as { id: string | number }).id);

  const fix = new Date(months[1].from.getTime() + 14 * 86_400_000 + 12 * 3_600_000);
  const cases: Case[] = [];
  const closed = async (closer: RequestUser, input: Record<string, unknown>, fixedAt: Date, readers: Case['readers']) => {
    const created = await t.gqlAs<{ createRecommendation: { id: string } }>(WORKING_GROUP, 'mutation ($input: CreateRecommendationInput!) { createRecommendation(input: $input) { id } }', { input });
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    const id = created.data!.createRecommendation.id;
    await t.gqlAs(WORKING_GROUP, 'mutation ($id: ID!) { changeRecommendationStatus(id: $id, status: ACCEPTED) { id } }', { id });
    const done = await t.gqlAs(closer, 'mutation ($id: ID!, $fixedAt: DateTimeISO) { changeRecommendationStatus(id: $id, status: DONE, fixedAt: $fixedAt) { id } }', { id, fixedAt: fixedAt.toISOString() });
    if (done.errors) throw new Error(JSON.stringify(done.errors));
    cases.push({ id, readers });
  };
  const point = (cell: string) => {
    const [lat, lng] = cellToLatLng(cell);
    return { type: 'Point', coordinates: [lng, lat] };
  };
  await closed(WORKING_GROUP, { title: 'a point', agency: 'POLICE', geometry: point(CITY_CELLS[8]) }, fix, ['working_group']);
  await closed(WORKING_GROUP, { title: 'a youth gap', agency: 'SPORT_YOUTH', items: [{ youthGapCell: CITY_CELLS[20] }] }, fix, ['working_group']);
  await closed(WORKING_GROUP, { title: 'fixed as a month began', agency: 'POLICE', geometry: point(CITY_CELLS[30]) }, months[1].from, ['working_group']);
  await closed(LIGHTING, { title: 'a lamp', agency: 'LIGHTING', geometry: point(CITY_CELLS[14]) }, fix, ['working_group', 'agency']);
  return { months, districts: [idOf(west), idOf(east)], precinct: idOf(precinct), cases, incidents: records.length, sensitiveIncidents, truth };
}

// ---------------------------------------------------------------------------- queries

/** A month of the city (index), no window (the last ended month), or a window off the lattice (refused). */
export type WindowChoice = number | 'default' | { from: string; to: string };

export type AuditQuery =
  | { route: 'hexagons' | 'hotspots' | 'clusters'; area: AreaArg; window: WindowChoice; resolution: number; categories?: string[]; k?: number }
  | { route: 'tile'; area: AreaArg; window: WindowChoice; resolution: number; z: number }
  | { route: 'export'; query: 'hexagons' | 'hotspots'; format: 'geojson' | 'csv'; area: AreaArg; window: WindowChoice; resolution: number }
  | { route: 'evaluation'; caseIndex: number; resolution: number; days: number; timeOfDay: 'ALL' | 'DAY' | 'NIGHT' | null }
  | { route: 'pooled'; resolution: number; days: number; timeOfDay: 'ALL' | 'DAY' | 'NIGHT' | null };

export interface RunContext {
  t: TestServer;
  user: RequestUser;
  city: City;
  audit: SuppressionAudit;
  /** answered and refused queries, by route; refusals by the argument refused */
  answered: Map<string, number>;
  refused: Map<string, number>;
  reasons: Map<string, number>;
  /** evaluations' cell groups by case and arguments, for the pooled rows */
  groups: Map<string, EvaluationGroups>;
  /** the tables of evaluations' cells read so far (cells and month), read once */
  tables?: Set<string>;
}

interface EvaluationGroups {
  before: Month;
  after: Month;
  part: ReleasedTerm['part'];
  treated: string[];
  control: string[];
}

const HEXAGONS = `query ($area: AreaInput!, $resolution: Int, $window: TimeWindowInput, $categories: [IncidentCategory!]) {
  hexagons(area: $area, resolution: $resolution, window: $window, categories: $categories) {
    studyArea { resolution cellCount incidentCount mean from to categories }
    cells { h3 incidents suppressed dayIncidents nightIncidents unknownTimeIncidents incidentsByCategory { category count suppressed } }
  }
}`;
const STATISTIC = (field: 'hotspots' | 'clusters') => `query ($area: AreaInput!, $resolution: Int, $window: TimeWindowInput, $categories: [IncidentCategory!], $k: Int) {
  ${field}(area: $area, resolution: $resolution, window: $window, categories: $categories, k: $k, permutations: 0) {
    studyArea { resolution cellCount incidentCount mean from to categories }
    cells { h3 count suppressed }
  }
}`;
const EVALUATION = `query ($id: ID!, $resolution: Int, $days: Int, $timeOfDay: TimeOfDay) {
  recommendation(id: $id) { evaluation(resolution: $resolution, days: $days, timeOfDay: $timeOfDay) {
    resolution beforeFrom fixedAt afterTo incidents
    treated { cells before after } control { cells before after } ring { cells before after }
  } }
}`;
const POOLED = `query ($resolution: Int, $days: Int, $timeOfDay: TimeOfDay) {
  recommendationsEvaluation(resolution: $resolution, days: $days, timeOfDay: $timeOfDay) {
    cases { recommendationId fixedAt incidents treatedBefore treatedAfter controlBefore controlAfter }
  }
}`;

interface StudyAreaAnswer {
  resolution: number;
  cellCount: number;
  incidentCount: number;
  mean: number;
  from: string | null;
  to: string | null;
  categories: string[] | null;
}

function windowOf(choice: WindowChoice, city: City): { from: string; to: string } | null {
  if (choice === 'default') return null;
  if (typeof choice === 'number') return { from: city.months[choice].from.toISOString(), to: city.months[choice].to.toISOString() };
  return choice;
}

/** The window an answer that does not state its own covers: as asked, or the last ended month. */
function statedWindow(choice: WindowChoice, city: City): Month {
  const asked = windowOf(choice, city);
  return asked ? { from: new Date(asked.from), to: new Date(asked.to) } : city.months[city.months.length - 1];
}

const OPEN_FROM = new Date('2000-01-01T00:00:00Z');
const OPEN_TO = new Date('2100-01-01T00:00:00Z');

function answerWindow(studyArea: StudyAreaAnswer): Month {
  return { from: studyArea.from ? new Date(studyArea.from) : OPEN_FROM, to: studyArea.to ? new Date(studyArea.to) : OPEN_TO };
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function isRefusal(errors: { extensions?: Record<string, unknown> }[] | undefined): boolean {
  return errors !== undefined && errors.length > 0 && errors.every((e) => e.extensions?.code === 'BAD_USER_INPUT');
}

/** A query in one line, polygons as their number of parts. */
export function label(q: AuditQuery): string {
  return JSON.stringify(q, (key, value) => (key === 'polygon' ? `<${(value as { type: string }).type} of ${(value as { coordinates: unknown[] }).coordinates.length}>` : value));
}

/** The cells of an answer, their total and the mean, read into the audit. */
function readCells(ctx: RunContext, releases: CellRelease[], studyArea: { incidentCount: number; mean: number | null; cellCount: number } | null, window: Month, source: string): void {
  for (const release of releases) ctx.audit.cell(release, source);
  if (!studyArea) return;
  const terms: ReleasedTerm[] = releases.map((r) => ({ cell: r.cell, from: window.from, to: window.to, part: 'total' }));
  ctx.audit.releasedSum(terms, studyArea.incidentCount, 'study-area incidentCount', source);
  if (studyArea.mean !== null && releases.length === studyArea.cellCount) {
    ctx.audit.releasedSum(terms, studyArea.mean * studyArea.cellCount, 'study-area mean x cells (suppressed as threshold / 2)', source, ctx.audit.threshold / 2);
  }
}

async function graphql<T>(ctx: RunContext, q: AuditQuery, query: string, variables: Record<string, unknown>): Promise<T | null> {
  const res = await ctx.t.gqlAs<T>(ctx.user, query, variables);
  if (isRefusal(res.errors)) {
    count(ctx.reasons, String(res.errors![0].extensions?.argumentPath ?? res.errors![0].message.slice(0, 60)));
    return null;
  }
  if (res.errors) throw new Error(`${label(q)} as ${ctx.user.role}: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

function urlParams(area: AreaArg, window: { from: string; to: string } | null, resolution: number): URLSearchParams {
  const params = new URLSearchParams();
  if ('districtId' in area) params.set('districtId', area.districtId);
  if ('precinctId' in area) params.set('precinctId', area.precinctId);
  if ('bbox' in area) params.set('bbox', area.bbox.join(','));
  if ('polygon' in area) params.set('polygon', JSON.stringify(area.polygon));
  if ('city' in area) params.set('city', 'true');
  if (window) {
    params.set('from', window.from);
    params.set('to', window.to);
  }
  params.set('resolution', String(resolution));
  return params;
}

async function http(ctx: RunContext, q: AuditQuery, path: string): Promise<Response | null> {
  const res = await fetch(`http://localhost:${ctx.t.server.port}${path}`, { headers: testUserHeaders(ctx.user) });
  if (res.status === 400) {
    const body = (await res.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    const error = body.errors?.[0];
    count(ctx.reasons, String(error?.extensions?.argumentPath ?? error?.message.slice(0, 60) ?? 'HTTP 400'));
    return null;
  }
  // 204: an empty tile
  if (res.status !== 200 && res.status !== 204) throw new Error(`${label(q)} as ${ctx.user.role}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** Minimal RFC 4180 reading: quoted fields with commas and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

/** Runs one query as the context's user and reads every released number of its answer into the audit; false when refused. */
export async function runQuery(ctx: RunContext, q: AuditQuery): Promise<boolean> {
  const answered = await answer(ctx, q);
  count(answered ? ctx.answered : ctx.refused, q.route === 'export' ? `export ${q.query}.${q.format}` : q.route);
  return answered;
}

async function answer(ctx: RunContext, q: AuditQuery): Promise<boolean> {
  const source = `${ctx.user.role}: ${label(q)}`;
  const { city } = ctx;
  switch (q.route) {
    case 'hexagons': {
      type Cell = {
        h3: string;
        incidents: number | null;
        dayIncidents: number | null;
        nightIncidents: number | null;
        unknownTimeIncidents: number | null;
        incidentsByCategory: { category: string; count: number | null }[];
      };
      const data = await graphql<{ hexagons: { studyArea: StudyAreaAnswer; cells: Cell[] } }>(ctx, q, HEXAGONS, {
        area: q.area,
        resolution: q.resolution,
        window: windowOf(q.window, city),
        categories: q.categories ?? null,
      });
      if (!data) return false;
      const { studyArea, cells } = data.hexagons;
      const window = answerWindow(studyArea);
      const releases = cells.map<CellRelease>((c) => ({
        cell: c.h3,
        ...window,
        categories: studyArea.categories,
        total: c.incidents,
        time: [c.dayIncidents, c.nightIncidents, c.unknownTimeIncidents],
        byCategory: c.incidentsByCategory,
      }));
      readCells(ctx, releases, studyArea, window, source);
      return true;
    }
    case 'hotspots':
    case 'clusters': {
      const data = await graphql<Record<string, { studyArea: StudyAreaAnswer; cells: { h3: string; count: number | null }[] }>>(ctx, q, STATISTIC(q.route), {
        area: q.area,
        resolution: q.resolution,
        window: windowOf(q.window, city),
        categories: q.categories ?? null,
        k: q.k ?? 1,
      });
      if (!data) return false;
      const { studyArea, cells } = data[q.route];
      const window = answerWindow(studyArea);
      readCells(
        ctx,
        cells.map((c) => ({ cell: c.h3, ...window, categories: studyArea.categories, total: c.count })),
        studyArea,
        window,
        source,
      );
      return true;
    }
    case 'tile': {
      const [lat, lng] = cellToLatLng(CENTRE);
      const tile = tileOf(lng, lat, q.z);
      const res = await http(ctx, q, `/tiles/hexagons/${tile.z}/${tile.x}/${tile.y}.mvt?${urlParams(q.area, windowOf(q.window, city), q.resolution)}`);
      if (!res) return false;
      const window = statedWindow(q.window, city);
      for (const feature of featuresOf(decode(await res.arrayBuffer()), 'hexagons')) {
        const p = feature.properties as Record<string, number | string | boolean | undefined>;
        // a property left out of a feature is a null (suppressed) value
        ctx.audit.cell({ cell: String(p.h3), ...window, total: numberOrNull(p.incidents), time: [numberOrNull(p.dayIncidents), numberOrNull(p.nightIncidents), numberOrNull(p.unknownTimeIncidents)] }, source);
      }
      return true;
    }
    case 'export': {
      const res = await http(ctx, q, `/export/${q.query}.${q.format}?${urlParams(q.area, windowOf(q.window, city), q.resolution)}`);
      if (!res) return false;
      const countField = q.query === 'hexagons' ? 'incidents' : 'count';
      const release = (row: Record<string, unknown>, window: Month): CellRelease => ({
        cell: String(row.h3),
        ...window,
        total: numberOrNull(row[countField]),
        ...(q.query === 'hexagons' ? { time: [numberOrNull(row.dayIncidents), numberOrNull(row.nightIncidents), numberOrNull(row.unknownTimeIncidents)] } : {}),
      });
      if (q.format === 'geojson') {
        const body = (await res.json()) as { metadata: { studyArea: StudyAreaAnswer }; features: { properties: Record<string, unknown> }[] };
        const window = answerWindow(body.metadata.studyArea);
        readCells(
          ctx,
          body.features.map((f) => release(f.properties, window)),
          body.metadata.studyArea,
          window,
          source,
        );
      } else {
        const [header, ...rows] = parseCsv(await res.text()).filter((r) => r.length > 1);
        const window = statedWindow(q.window, city);
        readCells(
          ctx,
          rows.map((r) => release(Object.fromEntries(header.map((h, i) => [h, r[i]])), window)),
          null,
          window,
          source,
        );
      }
      return true;
    }
    case 'evaluation': {
      type Group = { cells: string[]; before: number; after: number };
      type Evaluation = { resolution: number; beforeFrom: string; fixedAt: string; afterTo: string; incidents: string; treated: Group; control: Group; ring: Group };
      const id = ctx.city.cases[q.caseIndex].id;
      const data = await graphql<{ recommendation: { evaluation: Evaluation } }>(ctx, q, EVALUATION, { id, resolution: q.resolution, days: q.days, timeOfDay: q.timeOfDay });
      if (!data) return false;
      const e = data.recommendation.evaluation;
      const groups = evaluationGroups(e);
      ctx.groups.set(`${id}|${q.resolution}|${q.days}|${q.timeOfDay}`, groups);
      for (const [name, group] of [
        ['treated', e.treated],
        ['control', e.control],
        ['ring', e.ring],
      ] as const) {
        for (const [when, value] of [
          ['before', group.before],
          ['after', group.after],
        ] as const) {
          ctx.audit.releasedSum(terms(group.cells, when === 'before' ? groups.before : groups.after, groups.part), value, `evaluation ${name}.${when}`, source);
        }
      }
      await readTable(ctx, [...e.treated.cells, ...e.control.cells, ...e.ring.cells], [groups.before, groups.after]);
      return true;
    }
    case 'pooled': {
      type Row = { recommendationId: string; treatedBefore: number; treatedAfter: number; controlBefore: number; controlAfter: number };
      const data = await graphql<{ recommendationsEvaluation: { cases: Row[] } }>(ctx, q, POOLED, { resolution: q.resolution, days: q.days, timeOfDay: q.timeOfDay });
      if (!data) return false;
      for (const row of data.recommendationsEvaluation.cases) {
        // the cells of each pooled fix: from its own evaluation with the same arguments, as an attacker would ask
        const key = `${row.recommendationId}|${q.resolution}|${q.days}|${q.timeOfDay}`;
        if (!ctx.groups.has(key)) {
          const caseIndex = ctx.city.cases.findIndex((c) => c.id === row.recommendationId);
          if (caseIndex < 0 || !(await runQuery(ctx, { route: 'evaluation', caseIndex, resolution: q.resolution, days: q.days, timeOfDay: q.timeOfDay }))) {
            throw new Error(`${source}: pooled case ${row.recommendationId} cannot be evaluated alone`);
          }
        }
        const g = ctx.groups.get(key)!;
        ctx.audit.releasedSum(terms(g.treated, g.before, g.part), row.treatedBefore, 'pooled treatedBefore', source);
        ctx.audit.releasedSum(terms(g.treated, g.after, g.part), row.treatedAfter, 'pooled treatedAfter', source);
        ctx.audit.releasedSum(terms(g.control, g.before, g.part), row.controlBefore, 'pooled controlBefore', source);
        ctx.audit.releasedSum(terms(g.control, g.after, g.part), row.controlAfter, 'pooled controlAfter', source);
      }
      return true;
    }
  }
}

/** The windows and counted part of an evaluation, as its answer states them (documented: whole months on either side of the fix's month). */
function evaluationGroups(e: { beforeFrom: string; fixedAt: string; afterTo: string; incidents: string; treated: { cells: string[] }; control: { cells: string[] } }): EvaluationGroups {
  const fixedAt = new Date(e.fixedAt);
  const fixMonth = new Date(Date.UTC(fixedAt.getUTCFullYear(), fixedAt.getUTCMonth(), 1));
  const afterFrom = fixedAt.getTime() === fixMonth.getTime() ? fixMonth : new Date(Date.UTC(fixedAt.getUTCFullYear(), fixedAt.getUTCMonth() + 1, 1));
  const part: ReleasedTerm['part'] = e.incidents.startsWith('night') ? 'night' : e.incidents.startsWith('daytime') ? 'day' : 'total';
  return { before: { from: new Date(e.beforeFrom), to: fixMonth }, after: { from: afterFrom, to: new Date(e.afterTo) }, part, treated: e.treated.cells, control: e.control.cells };
}

/** Months of a window. */
function monthsOf(window: Month): Month[] {
  const months: Month[] = [];
  for (let from = window.from; from < window.to;) {
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    months.push({ from, to: to < window.to ? to : window.to });
    from = to;
  }
  return months;
}

/** An evaluation's count as a sum of released cell-month values (documented below analyst). */
function terms(cells: readonly string[], window: Month, part: ReleasedTerm['part']): ReleasedTerm[] {
  return monthsOf(window).flatMap((m) => cells.map((cell) => ({ cell, from: m.from, to: m.to, part })));
}

/** What an attacker reads to put an evaluation beside the table: the released hexagons of its cells in its months. */
async function readTable(ctx: RunContext, cells: string[], windows: Month[]): Promise<void> {
  const unique = [...new Set(cells)].sort();
  ctx.tables ??= new Set();
  for (const month of windows.flatMap(monthsOf)) {
    const key = `${unique.join(',')}|${month.from.toISOString()}`;
    if (ctx.tables.has(key)) continue;
    ctx.tables.add(key);
    const done = await runQuery(ctx, { route: 'hexagons', area: { polygon: cellsPolygon(unique) }, window: { from: month.from.toISOString(), to: month.to.toISOString() }, resolution: 8 });
    if (!done) throw new Error(`the table of an evaluation's cells in ${month.from.toISOString()} was refused`);
  }
}

/**
 * The planted truth against the analyst's true counts, per cell and month: by category, and by day,
 * night and unknown time (the time of day of each planted incident is the one the product must
 * compute). Differences, as text; none expected.
 */
export async function truthDifferences(t: TestServer, city: City): Promise<string[]> {
  const differences: string[] = [];
  for (const month of city.months) {
    type Cell = { h3: string; dayIncidents: number; nightIncidents: number; unknownTimeIncidents: number; incidentsByCategory: { category: string; count: number }[] };
    const res = await t.gqlAs<{ hexagons: { cells: Cell[] } }>(ANALYST, HEXAGONS, { area: { polygon: cellsPolygon(CITY_CELLS) }, resolution: 8, window: { from: month.from.toISOString(), to: month.to.toISOString() } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    for (const c of res.data!.hexagons.cells) {
      const planted = city.truth.filter((x) => cellToParent(x.cell, 8) === c.h3 && x.at >= month.from && x.at < month.to);
      const byCategory = new Map(c.incidentsByCategory.map((x) => [x.category.toLowerCase(), x.count]));
      for (const category of ALL_CATEGORIES) {
        const expected = planted.filter((x) => x.category === category).length;
        if ((byCategory.get(category) ?? 0) !== expected) differences.push(`${c.h3} ${month.from.toISOString()} ${category}: ${byCategory.get(category) ?? 0}, planted ${expected}`);
      }
      const times = { day: c.dayIncidents, night: c.nightIncidents, unknown: c.unknownTimeIncidents };
      for (const time of ['day', 'night', 'unknown'] as const) {
        const expected = planted.filter((x) => x.time === time).length;
        if (times[time] !== expected) differences.push(`${c.h3} ${month.from.toISOString()} ${time}: ${times[time]}, planted ${expected}`);
      }
    }
  }
  return differences;
}
