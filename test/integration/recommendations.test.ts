/**
 * The working group's cases through GraphQL over HTTP: roles, agency scoping, the status
 * workflow, history, all-or-nothing writes, statistics, and the evaluation of a fix on planted
 * incidents whose difference in differences is worked out by hand below.
 */
import { cellToParent, gridDisk, gridRingUnsafe, latLngToCell } from 'h3-js';
import type { RequestUser } from '../../src/domain';
import { ANONYMOUS_USER } from '../../src/domain';
import { cellCentre, cellPolygon } from '../../src/geo/h3';
import { storedCells } from '../support/cells';
import { startTestServer, TestServer, truncateLayers } from '../support/server';

let t: TestServer;
const wg: RequestUser = { id: 'wg-anna', role: 'working_group', agency: null };
const lighting: RequestUser = { id: 'lamp-boris', role: 'agency', agency: 'lighting' };
const roads: RequestUser = { id: 'road-cara', role: 'agency', agency: 'roads' };
const analyst: RequestUser = { id: 'an-dina', role: 'analyst', agency: null };
const admin: RequestUser = { id: 'root', role: 'admin', agency: null };

const DAY = 86_400_000;
const HOUR = 3_600_000;
const FIX = new Date('2026-06-01T00:00:00Z');
// the outage's cell at resolution 9, controls five rings away, one cell of the adjacent ring
const TREATED = latLngToCell(43.24, 76.95, 9);
const CONTROLS = [...gridRingUnsafe(TREATED, 5)].sort().slice(0, 4);
const RING_CELL = [...gridRingUnsafe(TREATED, 1)].sort()[0];

let outageId: string;
let defectId: string;
let incidentSerial = 0;

async function plant(cell: string, count: number, start: Date, stepMs: number, night: boolean, category = 'theft'): Promise<void> {
  const [lng, lat] = cellCentre(cell);
  const rows = Array.from({ length: count }, (_, i) => ({
    source: 'test',
    external_id: `i${incidentSerial++}`,
    occurred_at: new Date(start.getTime() + i * stepMs),
    category,
    night,
    time_precision: 'exact',
    geom: t.server.db.knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lng, lat]),
    ...storedCells([lng, lat]),
  }));
  await t.server.db.knex('incidents').insert(rows);
}

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  await t.server.db.knex.raw('TRUNCATE recommendations RESTART IDENTITY CASCADE');
  const knex = t.server.db.knex;
  const [lng, lat] = cellCentre(TREATED);
  const [outage] = await knex('lighting_outages')
    .insert({
      source: 'test',
      external_id: 'o1',
      reported_at: new Date('2026-02-01T00:00:00Z'),
      fixed_at: FIX,
      geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lng, lat]),
      ...storedCells([lng, lat]),
    })
    .returning('id');
  outageId = String(outage.id);
  const far: [number, number] = [77.1, 43.3];
  const [defect] = await knex('road_defects')
    .insert({
      source: 'test',
      external_id: 'd1',
      kind: 'pothole',
      reported_at: new Date('2026-03-01T00:00:00Z'),
      geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', far),
      ...storedCells(far),
    })
    .returning('id');
  defectId = String(defect.id);

  // a = 40 night incidents before the fix, b = 20 after; each control 40 and 40 (c = d = 160);
  // the ring 30 and 45; 25 daytime incidents after the fix that a lighting evaluation leaves out
  await plant(TREATED, 40, new Date(FIX.getTime() - 80 * DAY), 2 * DAY, true);
  await plant(TREATED, 20, new Date(FIX.getTime() + 2 * HOUR), 4 * DAY, true);
  await plant(TREATED, 25, new Date(FIX.getTime() + 10 * HOUR), 3 * DAY, false);
  for (const cell of CONTROLS) {
    await plant(cell, 40, new Date(FIX.getTime() - 85 * DAY), 2 * DAY, true);
    await plant(cell, 40, new Date(FIX.getTime() + 1 * HOUR), 2 * DAY, true);
  }
  await plant(RING_CELL, 30, new Date(FIX.getTime() - 60 * DAY), DAY, true);
  await plant(RING_CELL, 45, new Date(FIX.getTime() + 3 * HOUR), DAY, true);
  // the data run from 120 days before the fix to 120 days after, far from every cell above
  const farCell = latLngToCell(43.35, 77.1, 9);
  await plant(farCell, 1, new Date(FIX.getTime() - 120 * DAY), DAY, true);
  await plant(farCell, 1, new Date(FIX.getTime() + 120 * DAY), DAY, true);
});

afterAll(async () => {
  await t.stop();
});

const FIELDS =
  'id title agency status nextStatuses dueDate overdue geometry geometryDerived fixedAt outcomeNote createdBy items { kind lightingOutageId roadDefectId h3 } history { actorId actorRole action fromStatus toStatus comment at changes { field from to } }';
const CREATE = `mutation ($input: CreateRecommendationInput!) { createRecommendation(input: $input) { ${FIELDS} } }`;
const STATUS = `mutation ($id: ID!, $status: RecommendationStatus!, $comment: String, $fixedAt: DateTimeISO) { changeRecommendationStatus(id: $id, status: $status, comment: $comment, fixedAt: $fixedAt) { ${FIELDS} } }`;
const CLOSE = `mutation ($id: ID!, $fixedAt: DateTimeISO!, $note: String) { closeRecommendation(id: $id, fixedAt: $fixedAt, outcomeNote: $note) { ${FIELDS} } }`;
const ONE = `query ($id: ID!) { recommendation(id: $id) { ${FIELDS} } }`;

interface Rec {
  id: string;
  status: string;
  nextStatuses: string[];
  geometry: { type: string };
  geometryDerived: boolean;
  overdue: boolean;
  items: { kind: string; lightingOutageId: string | null }[];
  history: {
    actorId: string;
    actorRole: string;
    action: string;
    fromStatus: string | null;
    toStatus: string | null;
    comment: string | null;
    at: string;
    changes: { field: string; from: string | null; to: string | null }[];
  }[];
}

const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

async function counts(): Promise<number[]> {
  const knex = t.server.db.knex;
  const out: number[] = [];
  for (const table of ['recommendations', 'recommendation_items', 'recommendation_history']) {
    const [row] = await knex(table).count<{ count: string }[]>('* as count');
    out.push(Number(row.count));
  }
  return out;
}

let caseId: string;

describe('creating', () => {
  it('refuses analysts, agencies (FORBIDDEN) and the public (UNAUTHENTICATED)', async () => {
    const input = { title: 'Repair the lights', agency: 'LIGHTING', items: [{ lightingOutageId: outageId }] };
    expect(code(await t.gqlAs(analyst, CREATE, { input }))).toBe('FORBIDDEN');
    expect(code(await t.gqlAs(lighting, CREATE, { input }))).toBe('FORBIDDEN');
    expect(code(await t.gqlAs(ANONYMOUS_USER, CREATE, { input }))).toBe('UNAUTHENTICATED');
    expect(code(await t.gqlAs(ANONYMOUS_USER, '{ recommendations { totalCount } }'))).toBe('UNAUTHENTICATED');
    expect(await counts()).toEqual([0, 0, 0]);
  });

  it('refuses a missing item by its path and writes nothing', async () => {
    const res = await t.gqlAs(wg, CREATE, { input: { title: 'Lights', agency: 'LIGHTING', items: [{ lightingOutageId: outageId }, { roadDefectId: '999999' }] } });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.argumentPath).toBe('input.items[1].roadDefectId');
    const noPlace = await t.gqlAs(wg, CREATE, { input: { title: 'Lights', agency: 'LIGHTING' } });
    expect(noPlace.errors![0].extensions!.argumentPath).toBe('input.geometry');
    const badCell = await t.gqlAs(wg, CREATE, { input: { title: 'Club', agency: 'SPORT_YOUTH', items: [{ youthGapCell: 'not-a-cell' }] } });
    expect(badCell.errors![0].extensions!.argumentPath).toBe('input.items[0].youthGapCell');
    const badDate = await t.gqlAs(wg, CREATE, { input: { title: 'Lights', agency: 'LIGHTING', dueDate: '2026-02-30', items: [{ lightingOutageId: outageId }] } });
    expect(badDate.errors![0].extensions!.argumentPath).toBe('input.dueDate');
    expect(await counts()).toEqual([0, 0, 0]);
  });

  it('creates a PROPOSED case with its place derived from the items, and records who', async () => {
    const res = await t.gqlAs<{ createRecommendation: Rec }>(wg, CREATE, {
      input: { title: 'Repair the street lights on the square', agency: 'LIGHTING', dueDate: '2026-07-01', items: [{ lightingOutageId: outageId }], comment: 'dark since February' },
    });
    expect(res.errors).toBeUndefined();
    const rec = res.data!.createRecommendation;
    caseId = rec.id;
    expect(rec.status).toBe('PROPOSED');
    expect(rec.nextStatuses).toEqual(['ACCEPTED', 'REJECTED', 'CANCELLED']);
    expect(rec.geometryDerived).toBe(true);
    expect(rec.geometry.type).toBe('Point');
    expect(rec.items).toEqual([{ kind: 'LIGHTING_OUTAGE', lightingOutageId: outageId, roadDefectId: null, h3: null }]);
    expect(rec.history).toHaveLength(1);
    expect(rec.history[0]).toMatchObject({ actorId: 'wg-anna', actorRole: 'WORKING_GROUP', action: 'created', fromStatus: null, toStatus: 'PROPOSED', comment: 'dark since February' });
  });
});

describe('reading', () => {
  it('shows an agency its own cases only, and refuses another agency by id', async () => {
    const own = await t.gqlAs<{ recommendations: { totalCount: number } }>(lighting, '{ recommendations { totalCount } }');
    expect(own.data!.recommendations.totalCount).toBe(1);
    const other = await t.gqlAs<{ recommendations: { totalCount: number; nodes: unknown[] } }>(roads, '{ recommendations(filter: { agency: LIGHTING }) { totalCount nodes { id } } }');
    expect(other.data!.recommendations).toEqual({ totalCount: 0, nodes: [] });
    expect(code(await t.gqlAs(roads, ONE, { id: caseId }))).toBe('FORBIDDEN');
    expect((await t.gqlAs<{ recommendation: Rec }>(analyst, ONE, { id: caseId })).data!.recommendation.id).toBe(caseId);
    expect(code(await t.gqlAs(analyst, ONE, { id: '987654' }))).toBe('NOT_FOUND');
  });

  it('filters by status, overdue and area', async () => {
    const q = 'query ($f: RecommendationFilter) { recommendations(filter: $f) { totalCount } }';
    const total = async (f: Record<string, unknown>) => (await t.gqlAs<{ recommendations: { totalCount: number } }>(wg, q, { f })).data!.recommendations.totalCount;
    expect(await total({ statuses: ['PROPOSED'] })).toBe(1);
    expect(await total({ statuses: ['DONE'] })).toBe(0);
    // due 2026-07-01, today (2026-11) is later: overdue while open
    expect(await total({ overdue: true })).toBe(1);
    const [lng, lat] = cellCentre(TREATED);
    expect(await total({ area: { bbox: [lng - 0.01, lat - 0.01, lng + 0.01, lat + 0.01] } })).toBe(1);
    expect(await total({ area: { bbox: [77.0, 43.3, 77.2, 43.4] } })).toBe(0);
  });
});

describe('the status workflow', () => {
  it('refuses an invalid transition naming the allowed next statuses', async () => {
    const res = await t.gqlAs(wg, STATUS, { id: caseId, status: 'DONE', fixedAt: FIX.toISOString() });
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.argumentPath).toBe('status');
    expect(res.errors![0].message).toMatch(/ACCEPTED, REJECTED, CANCELLED/);
  });

  it('lets the working group accept, then only the right agency move and comment', async () => {
    expect((await t.gqlAs<{ changeRecommendationStatus: Rec }>(wg, STATUS, { id: caseId, status: 'ACCEPTED' })).data!.changeRecommendationStatus.status).toBe('ACCEPTED');
    expect(code(await t.gqlAs(roads, STATUS, { id: caseId, status: 'IN_PROGRESS' }))).toBe('FORBIDDEN');
    expect(code(await t.gqlAs(analyst, STATUS, { id: caseId, status: 'IN_PROGRESS' }))).toBe('FORBIDDEN');
    const moved = await t.gqlAs<{ changeRecommendationStatus: Rec }>(lighting, STATUS, { id: caseId, status: 'IN_PROGRESS', comment: 'crew booked' });
    expect(moved.data!.changeRecommendationStatus.status).toBe('IN_PROGRESS');
    const comment = await t.gqlAs(lighting, 'mutation ($id: ID!) { commentOnRecommendation(id: $id, comment: "two poles replaced") { id } }', { id: caseId });
    expect(comment.errors).toBeUndefined();
    expect(code(await t.gqlAs(roads, 'mutation ($id: ID!) { commentOnRecommendation(id: $id, comment: "x") { id } }', { id: caseId }))).toBe('FORBIDDEN');
    // agencies change status and comment, not the case itself
    expect(code(await t.gqlAs(lighting, 'mutation ($id: ID!) { updateRecommendation(id: $id, input: { title: "x" }) { id } }', { id: caseId }))).toBe('FORBIDDEN');
    const noDate = await t.gqlAs(lighting, STATUS, { id: caseId, status: 'DONE' });
    expect(noDate.errors![0].extensions!.argumentPath).toBe('fixedAt');
  });

  it('keeps the items when an update fails half way', async () => {
    // removing every item of a derived place leaves nothing to derive it from: the deletion must roll back
    const before = await counts();
    const res = await t.gqlAs(wg, 'mutation ($id: ID!) { updateRecommendation(id: $id, input: { items: [] }) { id } }', { id: caseId });
    expect(res.errors![0].extensions!.argumentPath).toBe('input.geometry');
    expect(await counts()).toEqual(before);
    const rec = (await t.gqlAs<{ recommendation: Rec }>(wg, ONE, { id: caseId })).data!.recommendation;
    expect(rec.items).toHaveLength(1);
  });

  it('records an update field by field', async () => {
    const res = await t.gqlAs<{ updateRecommendation: Rec }>(
      wg,
      'mutation ($id: ID!) { updateRecommendation(id: $id, input: { title: "Repair the lights on the square", dueDate: "2026-06-15" }, comment: "clearer") { history { action actorId comment changes { field from to } } } }',
      { id: caseId },
    );
    expect(res.errors).toBeUndefined();
    const last = res.data!.updateRecommendation.history.at(-1)!;
    expect(last.action).toBe('updated');
    expect(last.comment).toBe('clearer');
    expect(last.changes).toEqual([
      { field: 'title', from: '"Repair the street lights on the square"', to: '"Repair the lights on the square"' },
      { field: 'dueDate', from: '"2026-07-01"', to: '"2026-06-15"' },
    ]);
  });

  it('answers an update with the items and place as written, and a derived place follows its items', async () => {
    const UPDATE_ITEMS =
      'mutation ($id: ID!, $items: [RecommendationItemInput!]) { updateRecommendation(id: $id, input: { items: $items }) { geometry geometryDerived items { kind h3 } history { action changes { field } } } }';
    const gap = latLngToCell(43.3, 77.05, 9);
    const added = await t.gqlAs<{ updateRecommendation: Rec }>(wg, UPDATE_ITEMS, { id: caseId, items: [{ lightingOutageId: outageId }, { youthGapCell: gap }] });
    expect(added.errors).toBeUndefined();
    expect(added.data!.updateRecommendation.items.map((i) => i.kind)).toEqual(['LIGHTING_OUTAGE', 'YOUTH_GAP_CELL']);
    expect(added.data!.updateRecommendation.geometry.type).toBe('GeometryCollection');
    expect(
      added
        .data!.updateRecommendation.history.at(-1)!
        .changes.map((c) => c.field)
        .sort(),
    ).toEqual(['geometry', 'items']);
    const back = await t.gqlAs<{ updateRecommendation: Rec }>(wg, UPDATE_ITEMS, { id: caseId, items: [{ lightingOutageId: outageId }] });
    expect(back.data!.updateRecommendation.items).toHaveLength(1);
    expect(back.data!.updateRecommendation.geometry.type).toBe('Point');
  });

  it('lets the agency mark its case DONE with the fix date; then nothing moves', async () => {
    const started = Date.now();
    const done = await t.gqlAs<{ changeRecommendationStatus: Rec }>(lighting, STATUS, { id: caseId, status: 'DONE', fixedAt: FIX.toISOString(), comment: 'lights back on' });
    expect(done.errors).toBeUndefined();
    const rec = done.data!.changeRecommendationStatus;
    expect(rec.status).toBe('DONE');
    expect(rec.nextStatuses).toEqual([]);
    expect(rec.overdue).toBe(false);
    expect(rec.history.map((h) => [h.actorId, h.actorRole, h.action, h.fromStatus, h.toStatus])).toEqual([
      ['wg-anna', 'WORKING_GROUP', 'created', null, 'PROPOSED'],
      ['wg-anna', 'WORKING_GROUP', 'status_changed', 'PROPOSED', 'ACCEPTED'],
      ['lamp-boris', 'AGENCY', 'status_changed', 'ACCEPTED', 'IN_PROGRESS'],
      ['lamp-boris', 'AGENCY', 'commented', null, null],
      ['wg-anna', 'WORKING_GROUP', 'updated', null, null],
      ['wg-anna', 'WORKING_GROUP', 'updated', null, null],
      ['wg-anna', 'WORKING_GROUP', 'updated', null, null],
      ['lamp-boris', 'AGENCY', 'status_changed', 'IN_PROGRESS', 'DONE'],
    ]);
    const times = rec.history.map((h) => new Date(h.at).getTime());
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(times.at(-1)!).toBeGreaterThanOrEqual(started - 5_000);
    const again = await t.gqlAs(wg, STATUS, { id: caseId, status: 'CANCELLED' });
    expect(again.errors![0].message).toMatch(/none \(the recommendation is closed\)/);
    expect(code(await t.gqlAs(wg, 'mutation ($id: ID!) { updateRecommendation(id: $id, input: { title: "x" }) { id } }', { id: caseId }))).toBe('BAD_USER_INPUT');
  });

  it('closes a case through closeRecommendation (working group or admin), never with a future date', async () => {
    const created = await t.gqlAs<{ createRecommendation: Rec }>(admin, CREATE, { input: { title: 'Fill the pothole', agency: 'ROADS', items: [{ roadDefectId: defectId }] } });
    const id = created.data!.createRecommendation.id;
    await t.gqlAs(wg, STATUS, { id, status: 'ACCEPTED' });
    expect(code(await t.gqlAs(roads, CLOSE, { id, fixedAt: '2026-06-11T00:00:00Z' }))).toBe('FORBIDDEN');
    const future = await t.gqlAs(wg, CLOSE, { id, fixedAt: '2099-01-01T00:00:00Z' });
    expect(future.errors![0].extensions!.argumentPath).toBe('fixedAt');
    const closed = await t.gqlAs<{ closeRecommendation: Rec & { outcomeNote: string } }>(wg, CLOSE, { id, fixedAt: '2026-06-11T00:00:00Z', note: 'filled and sealed' });
    expect(closed.data!.closeRecommendation.status).toBe('DONE');
    expect(closed.data!.closeRecommendation.outcomeNote).toBe('filled and sealed');
    expect(closed.data!.closeRecommendation.history.at(-1)).toMatchObject({ actorId: 'wg-anna', action: 'closed', fromStatus: 'ACCEPTED', toStatus: 'DONE' });
  });
});

const EVALUATION = `query ($id: ID!, $timeOfDay: TimeOfDay, $categories: [IncidentCategory!]) {
  recommendation(id: $id) { evaluation(controlCells: 4, timeOfDay: $timeOfDay, categories: $categories) {
    method incidents days requestedDays afterWindowComplete beforeFrom fixedAt afterTo controlSelection conclusive notes
    treated { cellCount cells before after } control { cellCount cells before after } ring { cellCount before after }
    effect { ratioOfRateRatios percentChange lower upper standardErrorLog p expectedAfter conclusive notes }
    displacement { ratioOfRateRatios lower upper conclusive }
  } } }`;

describe('evaluation', () => {
  it('is null until the case is DONE', async () => {
    const created = await t.gqlAs<{ createRecommendation: Rec }>(wg, CREATE, { input: { title: 'Open case', agency: 'LIGHTING', items: [{ lightingOutageId: outageId }] } });
    const res = await t.gqlAs<{ recommendation: { evaluation: null } }>(wg, 'query ($id: ID!) { recommendation(id: $id) { evaluation { days } } }', { id: created.data!.createRecommendation.id });
    expect(res.data!.recommendation.evaluation).toBeNull();
  });

  it('finds the planted halving of night-time crime against matched controls, with a displacement check', async () => {
    const res = await t.gqlAs<{ recommendation: { evaluation: Record<string, any> } }>(analyst, EVALUATION, { id: caseId });
    expect(res.errors).toBeUndefined();
    const e = res.data!.recommendation.evaluation;
    expect(e.incidents).toMatch(/^night-time/);
    expect(e.days).toBe(90);
    expect(e.afterWindowComplete).toBe(true);
    expect(new Date(e.fixedAt).getTime()).toBe(FIX.getTime());
    expect(new Date(e.beforeFrom).getTime()).toBe(FIX.getTime() - 90 * DAY);
    expect(e.treated).toEqual({ cellCount: 1, cells: [TREATED], before: 40, after: 20 });
    expect([...e.control.cells].sort()).toEqual(CONTROLS);
    expect(e.control).toMatchObject({ cellCount: 4, before: 160, after: 160 });
    expect(e.ring).toEqual({ cellCount: 6, before: 30, after: 45 });
    // (20/40) / (160/160) = 0.5; SE = sqrt(1/40 + 1/20 + 1/160 + 1/160) = sqrt(0.0875)
    const se = Math.sqrt(0.0875);
    expect(e.effect.ratioOfRateRatios).toBeCloseTo(0.5, 10);
    expect(e.effect.percentChange).toBeCloseTo(-50, 8);
    expect(e.effect.standardErrorLog).toBeCloseTo(se, 10);
    expect(e.effect.lower).toBeCloseTo(0.5 * Math.exp(-1.959963985 * se), 6);
    expect(e.effect.upper).toBeCloseTo(0.5 * Math.exp(1.959963985 * se), 6);
    expect(e.effect.expectedAfter).toBeCloseTo(40, 10);
    expect(e.effect.conclusive).toBe(true);
    expect(e.conclusive).toBe(true);
    // (45/30) / (160/160) = 1.5: more crime next door, the pattern displacement would leave
    expect(e.displacement.ratioOfRateRatios).toBeCloseTo(1.5, 10);
    expect(e.notes.join(' ')).toMatch(/association, not a cause/);
    expect(e.method).toMatch(/resolution-9/);
    expect(gridDisk(TREATED, 1)).toContain(RING_CELL);
  });

  it('counts daytime incidents too when asked for all, and says when there is too little to conclude', async () => {
    const all = await t.gqlAs<{ recommendation: { evaluation: Record<string, any> } }>(analyst, EVALUATION, { id: caseId, timeOfDay: 'ALL' });
    expect(all.data!.recommendation.evaluation.treated).toMatchObject({ before: 40, after: 45 });
    expect(all.data!.recommendation.evaluation.effect.ratioOfRateRatios).toBeCloseTo(45 / 40, 10);
    const none = await t.gqlAs<{ recommendation: { evaluation: Record<string, any> } }>(analyst, EVALUATION, { id: caseId, categories: ['ROBBERY'] });
    const e = none.data!.recommendation.evaluation;
    expect(e.conclusive).toBe(false);
    expect(e.notes.join(' ')).toMatch(/too small to conclude/);
    expect(e.effect.notes.join(' ')).toMatch(/Haldane-Anscombe/);
  });

  it('shortens both windows when the data end early, and says the after-window is incomplete', async () => {
    const res = await t.gqlAs<{ recommendation: { evaluation: Record<string, any> } }>(analyst, 'query ($id: ID!) { recommendation(id: $id) { evaluation(days: 200) { days requestedDays afterWindowComplete notes } } }', {
      id: caseId,
    });
    const e = res.data!.recommendation.evaluation;
    expect(e.requestedDays).toBe(200);
    expect(e.days).toBe(120);
    expect(e.afterWindowComplete).toBe(false);
    expect(e.notes.join(' ')).toMatch(/after-window is incomplete/);
    const bad = await t.gqlAs(wg, 'query ($id: ID!) { recommendation(id: $id) { evaluation(resolution: 12) { days } } }', { id: caseId });
    expect(bad.errors![0].extensions!.argumentPath).toBe('resolution');
  });
});

describe('evaluation below the analyst role', () => {
  /** The released hexagon values of the given cells, summed over whole months, as the working group reads them. */
  async function releasedSum(cells: readonly string[], months: string[], field: 'incidents' | 'nightIncidents'): Promise<number> {
    const corners = cells.flatMap((c) => cellPolygon(c).coordinates[0]);
    const bbox = [Math.min(...corners.map((p) => p[0])), Math.min(...corners.map((p) => p[1])), Math.max(...corners.map((p) => p[0])), Math.max(...corners.map((p) => p[1]))];
    let sum = 0;
    for (const month of months) {
      const from = new Date(`${month}-01T00:00:00Z`);
      const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
      const res = await t.gqlAs<{ hexagons: { cells: { h3: string; incidents: number | null; nightIncidents: number | null }[] } }>(
        wg,
        'query ($bbox: [Float!], $window: TimeWindowInput) { hexagons(area: { bbox: $bbox }, window: $window) { cells { h3 incidents nightIncidents } } }',
        { bbox, window: { from: from.toISOString(), to: to.toISOString() } },
      );
      expect(res.errors).toBeUndefined();
      for (const cell of res.data!.hexagons.cells) if (cells.includes(cell.h3)) sum += cell[field] ?? 0;
    }
    return sum;
  }

  it('answers on the release lattice: resolution 8, whole months around the fix, counts summed from released cell-months', async () => {
    const res = await t.gqlAs<{ recommendation: { evaluation: Record<string, any> } }>(wg, EVALUATION, { id: caseId, timeOfDay: 'ALL' });
    expect(res.errors).toBeUndefined();
    const e = res.data!.recommendation.evaluation;
    // 90 days is about three months: March to May before the fix on 1 June, June to August after
    expect(e.beforeFrom).toBe('2026-03-01T00:00:00.000Z');
    expect(e.afterTo).toBe('2026-09-01T00:00:00.000Z');
    expect(e.method).toMatch(/resolution-8/);
    expect(e.notes.join(' ')).toMatch(/release lattice/);
    expect(e.treated.cells).toEqual([cellToParent(TREATED, 8)]);
    for (const group of [e.treated, e.control]) {
      expect(group.before).toBe(await releasedSum(group.cells, ['2026-03', '2026-04', '2026-05'], 'incidents'));
      expect(group.after).toBe(await releasedSum(group.cells, ['2026-06', '2026-07', '2026-08'], 'incidents'));
    }
    const night = await t.gqlAs<{ recommendation: { evaluation: Record<string, any> } }>(wg, EVALUATION, { id: caseId, timeOfDay: 'NIGHT' });
    const n = night.data!.recommendation.evaluation;
    expect(n.treated.before).toBe(await releasedSum(n.treated.cells, ['2026-03', '2026-04', '2026-05'], 'nightIncidents'));
    expect(n.treated.after).toBe(await releasedSum(n.treated.cells, ['2026-06', '2026-07', '2026-08'], 'nightIncidents'));
  });

  it('refuses a category filter and gives the same answer whatever resolution or day count within a month is asked', async () => {
    const refused = await t.gqlAs(wg, EVALUATION, { id: caseId, categories: ['SEXUAL_OFFENCE'] });
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions!.argumentPath).toBe('categories');
    const q = (args: string) => `query ($id: ID!) { recommendation(id: $id) { evaluation(${args}) { resolution beforeFrom afterTo treated { before after } control { before after } } } }`;
    const a = await t.gqlAs<{ recommendation: { evaluation: unknown } }>(wg, q('resolution: 10, days: 85'), { id: caseId });
    const b = await t.gqlAs<{ recommendation: { evaluation: unknown } }>(wg, q('resolution: 8, days: 95'), { id: caseId });
    expect(a.errors).toBeUndefined();
    expect(a.data!.recommendation.evaluation).toEqual(b.data!.recommendation.evaluation);
    expect((a.data!.recommendation.evaluation as { resolution: number }).resolution).toBe(8);
  });
});

describe('agency statistics', () => {
  it('gives open, closed, median days to fix, share overdue and the oldest open case per agency', async () => {
    const knex = t.server.db.knex;
    // the lighting case was recorded on 1 May and fixed on 1 June: 31 days; the roads case 21 days
    await knex('recommendations')
      .where({ id: caseId })
      .update({ created_at: new Date('2026-05-01T00:00:00Z') });
    await knex('recommendations')
      .where({ title: 'Fill the pothole' })
      .update({ created_at: new Date('2026-05-21T00:00:00Z') });
    const openRoads = await t.gqlAs<{ createRecommendation: Rec }>(wg, CREATE, { input: { title: 'Paint the crosswalk', agency: 'ROADS', dueDate: '2026-01-10', items: [{ roadDefectId: defectId }] } });
    await t.gqlAs<{ createRecommendation: Rec }>(wg, CREATE, { input: { title: 'Resurface', agency: 'ROADS', dueDate: '2099-01-10', geometry: { type: 'Point', coordinates: [77.0, 43.25] } } });
    const q = '{ agencyStatistics { asOf definitions agencies { agency total open closed medianDaysToFix overdue shareOverdue shareClosedLate oldestOpen { id } oldestOpenDays } } }';
    const res = await t.gqlAs<{ agencyStatistics: { definitions: string; agencies: Record<string, any>[] } }>(wg, q);
    expect(res.errors).toBeUndefined();
    const byAgency = new Map(res.data!.agencyStatistics.agencies.map((a) => [a.agency, a]));
    expect(byAgency.get('LIGHTING')).toMatchObject({ total: 2, open: 1, closed: 1, medianDaysToFix: 31, overdue: 0, shareOverdue: null, shareClosedLate: 0 });
    expect(byAgency.get('ROADS')).toMatchObject({ total: 3, open: 2, closed: 1, medianDaysToFix: 21, overdue: 1, shareOverdue: 0.5, shareClosedLate: null });
    expect(byAgency.get('ROADS')!.oldestOpen.id).toBe(openRoads.data!.createRecommendation.id);
    expect(byAgency.get('HEALTH')).toMatchObject({ total: 0, open: 0, closed: 0, medianDaysToFix: null, shareOverdue: null, oldestOpen: null });
    expect(res.data!.agencyStatistics.definitions).toMatch(/share overdue = overdue \/ open with a due date/);
    const own = await t.gqlAs<{ agencyStatistics: { agencies: { agency: string }[] } }>(roads, '{ agencyStatistics { agencies { agency } } }');
    expect(own.data!.agencyStatistics.agencies.map((a) => a.agency)).toEqual(['ROADS']);
  });
});

describe('youth-gap cells, districts and lists', () => {
  it('evaluates a youth-gap cell over all incidents, with controls from its district', async () => {
    const knex = t.server.db.knex;
    const square = [
      [
        [76.85, 43.15],
        [77.05, 43.15],
        [77.05, 43.33],
        [76.85, 43.33],
        [76.85, 43.15],
      ],
    ];
    await knex('areas').insert({
      source: 'test',
      external_id: 'district-1',
      kind: 'district',
      name: 'Testdistrict',
      geom: knex.raw('ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))', [JSON.stringify({ type: 'Polygon', coordinates: square })]),
    });
    const gap = latLngToCell(43.24, 76.95, 8);
    const created = await t.gqlAs<{ createRecommendation: Rec }>(wg, CREATE, { input: { title: 'Open a youth club', agency: 'SPORT_YOUTH', items: [{ youthGapCell: gap }] } });
    expect(created.errors).toBeUndefined();
    const rec = created.data!.createRecommendation;
    expect(rec.geometry.type).toBe('Polygon');
    expect(rec.items[0]).toMatchObject({ kind: 'YOUTH_GAP_CELL', h3: gap });
    await t.gqlAs(wg, STATUS, { id: rec.id, status: 'ACCEPTED' });
    await t.gqlAs(wg, CLOSE, { id: rec.id, fixedAt: FIX.toISOString() });
    const res = await t.gqlAs<{ recommendation: { evaluation: Record<string, any> } }>(analyst, 'query ($id: ID!) { recommendation(id: $id) { evaluation { incidents treated { cellCount before } controlSelection } } }', {
      id: rec.id,
    });
    expect(res.errors).toBeUndefined();
    const e = res.data!.recommendation.evaluation;
    expect(e.incidents).toMatch(/^all incidents/);
    expect(e.treated.cellCount).toBe(7);
    // the gap's seven children hold the treated cell (40 night before) and, at most, the ring cell (30)
    expect([40, 70]).toContain(e.treated.before);
    expect(e.controlSelection).toMatch(/within district Testdistrict/);
  });

  it('lists cases with items and history in a bounded number of SQL statements', async () => {
    let statements = 0;
    const count = () => statements++;
    t.server.db.knex.on('query', count);
    try {
      const res = await t.gqlAs<{ recommendations: { nodes: Rec[] } }>(wg, '{ recommendations(first: 50) { totalCount nodes { id items { kind } history { action } } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data!.recommendations.nodes.length).toBeGreaterThanOrEqual(6);
      // page, count, items, history: not one query per case
      expect(statements).toBeLessThanOrEqual(5);
    } finally {
      t.server.db.knex.removeListener('query', count);
    }
  });
});

describe('pooled evaluation', () => {
  const POOLED = `query ($filter: RecommendationFilter, $timeOfDay: TimeOfDay) { recommendationsEvaluation(filter: $filter, controlCells: 4, timeOfDay: $timeOfDay) {
    method caseCount conclusive notes cases { recommendationId treatedBefore treatedAfter ratioOfRateRatios } skipped { recommendationId reason }
    effect { ratioOfRateRatios lower upper standardErrorLog strata treatedBefore treatedAfter controlBefore controlAfter conclusive }
    displacement { ratioOfRateRatios } } }`;

  it("with one fix equals that fix's own estimate", async () => {
    const res = await t.gqlAs<{ recommendationsEvaluation: Record<string, any> }>(analyst, POOLED, { filter: { agency: 'LIGHTING' } });
    expect(res.errors).toBeUndefined();
    const e = res.data!.recommendationsEvaluation;
    expect(e.caseCount).toBe(1);
    expect(e.cases[0].recommendationId).toBe(caseId);
    expect(e.effect.ratioOfRateRatios).toBeCloseTo(0.5, 10);
    expect(e.effect.standardErrorLog).toBeCloseTo(Math.sqrt(0.0875), 10);
    expect(e.effect).toMatchObject({ strata: 1, treatedBefore: 40, treatedAfter: 20, controlBefore: 160, controlAfter: 160, conclusive: true });
    expect(e.displacement.ratioOfRateRatios).toBeCloseTo(1.5, 10);
    expect(e.method).toMatch(/Mantel-Haenszel/);
  });

  it('pools every DONE case the caller may see, and an agency only its own', async () => {
    const all = await t.gqlAs<{ recommendationsEvaluation: Record<string, any> }>(wg, POOLED, { timeOfDay: 'NIGHT' });
    expect(all.errors).toBeUndefined();
    // the lighting case, the pothole and the youth-gap case
    expect(all.data!.recommendationsEvaluation.caseCount + all.data!.recommendationsEvaluation.skipped.length).toBe(3);
    expect(all.data!.recommendationsEvaluation.notes.join(' ')).toMatch(/share treated cells/);
    const own = await t.gqlAs<{ recommendationsEvaluation: Record<string, any> }>(roads, POOLED);
    expect(own.data!.recommendationsEvaluation.cases.map((c: { recommendationId: string }) => c.recommendationId)).not.toContain(caseId);
    expect(code(await t.gqlAs(ANONYMOUS_USER, POOLED))).toBe('UNAUTHENTICATED');
  });
});

describe('a feature of an imported factor layer as an item', () => {
  it('is stored, read back with its geometry, derives the place, and a missing one is refused by its path', async () => {
    const knex = t.server.db.knex;
    const [lng, lat] = cellCentre(latLngToCell(43.26, 76.93, 9));
    const [bar] = await knex('risk_features')
      .insert({ source: 'test', external_id: 'bar-1', factor: 'bars', label: 'Bars', geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lng, lat]), ...storedCells([lng, lat]) })
      .returning('id');
    const barId = String(bar.id);
    const query = `mutation ($input: CreateRecommendationInput!) { createRecommendation(input: $input) { id geometry geometryDerived items { kind riskFeatureId geometry fixedAt } history { changes { field } } } }`;
    type Created = {
      createRecommendation: {
        id: string;
        geometry: { type: string; coordinates: number[] };
        geometryDerived: boolean;
        items: { kind: string; riskFeatureId: string | null; geometry: { type: string; coordinates: number[] }; fixedAt: string | null }[];
      };
    };
    const res = await t.gqlAs<Created>(wg, query, { input: { title: 'Patrol the bar at closing time', agency: 'POLICE', items: [{ riskFeatureId: barId }] } });
    expect(res.errors).toBeUndefined();
    const created = res.data!.createRecommendation;
    expect(created.items).toEqual([{ kind: 'RISK_FEATURE', riskFeatureId: barId, geometry: { type: 'Point', coordinates: [expect.closeTo(lng, 7), expect.closeTo(lat, 7)] }, fixedAt: null }]);
    expect(created.geometryDerived).toBe(true);
    expect(created.geometry.type).toBe('Point');

    const missing = await t.gqlAs(wg, query, { input: { title: 'Patrol', agency: 'POLICE', items: [{ riskFeatureId: '987654' }] } });
    expect(code(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors![0].extensions!.argumentPath).toBe('input.items[0].riskFeatureId');
    const two = await t.gqlAs(wg, query, { input: { title: 'Patrol', agency: 'POLICE', items: [{ riskFeatureId: barId, lightingOutageId: outageId }] } });
    expect(two.errors![0].extensions!.argumentPath).toBe('input.items[0]');

    // a referenced feature cannot be deleted from under its case
    await expect(knex('risk_features').where({ id: barId }).delete()).rejects.toThrow(/foreign key/);
    await knex('recommendations').where({ id: created.id }).delete();
  });
});
