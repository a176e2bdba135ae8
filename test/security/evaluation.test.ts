/**
 * Finding 1 of the privacy issue, tried again: case evaluations as a way to count incidents in a
 * chosen cell, window and category. A working-group user (and an agency on its own cases) makes
 * a case at a point, closes it with a chosen fixedAt and asks its evaluation at resolution 10,
 * 7 days, sexual offences; or puts a suppressed resolution-8 cell on a case as a youth gap.
 * Below analyst the evaluation is counted on the release lattice, so the answer is the same
 * whether the cell holds 2, 3 or 4 incidents, and a category filter is refused.
 */
import { testUserHeaders, startTestServer, TestServer, truncateLayers } from '../support/server';
import { cellCentre } from '../../src/geo/h3';
import type { RequestUser } from '../../src/domain';
import { ANALYST, CELLS, errorOf, incidentAt, LIGHTING_AGENCY, plant, repeat, WORKING_GROUP } from './support/releaseFixtures';

const TARGET = CELLS[4];
const FAR = CELLS[18];
const FIX = '2026-06-15T12:00:00Z';
let t: TestServer;
let pointCase: string;
let gapCase: string;
let agencyCase: string;

const EVALUATION = `query ($id: ID!, $resolution: Int, $days: Int, $categories: [IncidentCategory!]) {
  recommendation(id: $id) { evaluation(resolution: $resolution, days: $days, categories: $categories) {
    resolution beforeFrom afterTo incidents notes
    treated { cells before after } control { cells before after } ring { before after }
    effect { ratioOfRateRatios lower upper standardErrorLog p } displacement { ratioOfRateRatios standardErrorLog }
  } } }`;
const POOLED = `query { recommendationsEvaluation(resolution: 10, days: 30) {
  caseCount cases { recommendationId treatedBefore treatedAfter controlBefore controlAfter ratioOfRateRatios }
  effect { ratioOfRateRatios standardErrorLog treatedBefore treatedAfter controlBefore controlAfter } } }`;

async function closedCase(user: RequestUser, input: Record<string, unknown>): Promise<string> {
  const created = await t.gqlAs<{ createRecommendation: { id: string } }>(WORKING_GROUP, 'mutation ($input: CreateRecommendationInput!) { createRecommendation(input: $input) { id } }', { input });
  expect(created.errors).toBeUndefined();
  const id = created.data!.createRecommendation.id;
  await t.gqlAs(WORKING_GROUP, 'mutation ($id: ID!) { changeRecommendationStatus(id: $id, status: ACCEPTED) { id } }', { id });
  const done = await t.gqlAs(user, 'mutation ($id: ID!, $fixedAt: DateTimeISO) { changeRecommendationStatus(id: $id, status: DONE, fixedAt: $fixedAt) { id } }', { id, fixedAt: FIX });
  expect(done.errors).toBeUndefined();
  return id;
}

/** Everything an attacker below analyst can read about the three cases, by every route. */
async function everything(): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const [user, id] of [
    [WORKING_GROUP, pointCase],
    [WORKING_GROUP, gapCase],
    [LIGHTING_AGENCY, agencyCase],
  ] as const) {
    for (const args of [{ resolution: 10, days: 7 }, { resolution: 10, days: 30 }, { resolution: 8, days: 90 }, {}]) {
      const res = await t.gqlAs(user, EVALUATION, { id, ...args });
      expect(res.errors).toBeUndefined();
      answers.push(res.data);
    }
  }
  answers.push((await t.gqlAs(WORKING_GROUP, POOLED)).data, (await t.gqlAs(LIGHTING_AGENCY, POOLED)).data);
  const csv = await fetch(`http://localhost:${t.server.port}/export/recommendationsEvaluation.csv?resolution=10&days=30`, { headers: testUserHeaders(WORKING_GROUP) });
  expect(csv.status).toBe(200);
  answers.push(await csv.text());
  return answers;
}

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  await t.server.db.knex.raw('TRUNCATE recommendations RESTART IDENTITY CASCADE');
  // two thefts in the target cell in May, before the fix: suppressed in May's public view
  await plant(
    t,
    repeat(2, () => incidentAt(TARGET, 'theft', '2026-05-20T07:00:00Z')),
  );
  // the stored incidents run from January to November
  await plant(t, [incidentAt(FAR, 'theft', '2026-01-02T07:00:00Z'), incidentAt(FAR, 'theft', '2026-11-20T07:00:00Z')]);
  const [lng, lat] = cellCentre(TARGET);
  pointCase = await closedCase(WORKING_GROUP, { title: 'a point', agency: 'POLICE', geometry: { type: 'Point', coordinates: [lng, lat] } });
  gapCase = await closedCase(WORKING_GROUP, { title: 'a youth gap', agency: 'SPORT_YOUTH', items: [{ youthGapCell: TARGET }] });
  agencyCase = await closedCase(LIGHTING_AGENCY, { title: 'a lamp', agency: 'LIGHTING', geometry: { type: 'Point', coordinates: [lng, lat] } });
});

afterAll(async () => {
  await t?.stop();
});

describe('case evaluations below the analyst role', () => {
  it('refuses a category filter, sensitive or not, by its path', async () => {
    for (const [user, id] of [
      [WORKING_GROUP, pointCase],
      [LIGHTING_AGENCY, agencyCase],
    ] as const) {
      for (const categories of [['SEXUAL_OFFENCE'], ['THEFT']]) {
        const res = await t.gqlAs(user, EVALUATION, { id, resolution: 10, days: 7, categories });
        expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'categories' });
      }
    }
  });

  it('answers at resolution 8 over whole months, and counts the suppressed cell-month as 0', async () => {
    const res = await t.gqlAs<{ recommendation: { evaluation: { resolution: number; beforeFrom: string; afterTo: string; treated: { cells: string[]; before: number } } } }>(WORKING_GROUP, EVALUATION, {
      id: pointCase,
      resolution: 10,
      days: 7,
    });
    const e = res.data!.recommendation.evaluation;
    expect(e.resolution).toBe(8);
    // the month the fix falls in (June) is left out: May before, July after
    expect(e.beforeFrom).toBe('2026-05-01T00:00:00.000Z');
    expect(e.afterTo).toBe('2026-08-01T00:00:00.000Z');
    expect(e.treated.cells).toEqual([TARGET]);
    expect(e.treated.before).toBe(0);
    // the analyst's evaluation of the same case sees the two thefts
    const analyst = await t.gqlAs<{ recommendation: { evaluation: { treated: { before: number } } } }>(ANALYST, EVALUATION, { id: pointCase, resolution: 8, days: 30 });
    expect(analyst.data!.recommendation.evaluation.treated.before).toBe(2);
  });

  it('gives the same answers on every route whether the cell holds 2, 3 or 4 incidents, a sexual offence among them', async () => {
    const before = await everything();
    await plant(t, [incidentAt(TARGET, 'sexual_offence', '2026-05-21T20:00:00Z')]);
    expect(await everything()).toEqual(before);
    await plant(t, [incidentAt(TARGET, 'theft', '2026-05-22T07:00:00Z')]);
    expect(await everything()).toEqual(before);
    // the change is real: the analyst counts 4 now
    const analyst = await t.gqlAs<{ recommendation: { evaluation: { treated: { before: number } } } }>(ANALYST, EVALUATION, { id: pointCase, resolution: 8, days: 30 });
    expect(analyst.data!.recommendation.evaluation.treated.before).toBe(4);
  });
});
