/**
 * Finding 2 of the privacy issue, tried again: per-category counts inferred from which categories
 * a cell lists, and sensitive categories shown present. Below analyst a cell lists only released
 * categories, zeros and hidden ones alike left out, and sensitive ones are folded into `other`.
 */
import { startTestServer, TestServer, truncateLayers } from '../support/server';
import { CELLS, errorOf, incidentAt, MARCH, MARCH_NIGHT, MARCH_NOON, plant, PUBLIC, repeat, WORKING_GROUP } from './support/releaseFixtures';
import type { RequestUser } from '../../src/domain';

const HEXAGONS = `query ($area: AreaInput!, $window: TimeWindowInput) {
  hexagons(area: $area, window: $window) {
    cells { h3 incidents suppressed dayIncidents nightIncidents unknownTimeIncidents incidentsByCategory { category count suppressed } }
  }
}`;
type Cell = {
  h3: string;
  incidents: number | null;
  dayIncidents: number | null;
  nightIncidents: number | null;
  unknownTimeIncidents: number | null;
  incidentsByCategory: { category: string; count: number | null; suppressed: boolean }[];
};

const [PINNED, SENSITIVE, MIXED] = [CELLS[2], CELLS[5], CELLS[9]];
let t: TestServer;

async function cells(user: RequestUser): Promise<Map<string, Cell>> {
  const res = await t.gqlAs<{ hexagons: { cells: Cell[] } }>(user, HEXAGONS, { area: { bbox: [76.85, 43.18, 77.0, 43.3] }, window: MARCH });
  expect(res.errors).toBeUndefined();
  return new Map(res.data!.hexagons.cells.map((c) => [c.h3, c]));
}

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  await plant(t, [
    // the attack's shape: 10 thefts + 1 robbery + 1 assault; total 12 minus the released 10 = 2 = two hidden parts, each pinned to 1
    ...repeat(10, () => incidentAt(PINNED, 'theft', MARCH_NOON)),
    incidentAt(PINNED, 'robbery', MARCH_NOON),
    incidentAt(PINNED, 'assault', MARCH_NOON),
    // six thefts and one sexual offence
    ...repeat(6, () => incidentAt(SENSITIVE, 'theft', MARCH_NOON)),
    incidentAt(SENSITIVE, 'sexual_offence', MARCH_NIGHT),
    // many of each: categories can be released
    ...repeat(8, () => incidentAt(MIXED, 'theft', MARCH_NOON)),
    ...repeat(6, () => incidentAt(MIXED, 'vandalism', MARCH_NIGHT)),
    ...repeat(5, () => incidentAt(MIXED, 'domestic_conflict', MARCH_NIGHT)),
  ]);
});

afterAll(async () => {
  await t?.stop();
});

describe('categories of a cell below the analyst role', () => {
  it('lists no hidden category, so the number of hidden parts pins none of them', async () => {
    for (const user of [PUBLIC, WORKING_GROUP]) {
      const cell = (await cells(user)).get(PINNED)!;
      expect(cell.incidents).toBe(12);
      // the 2 hidden incidents would have been pinned to 1 robbery and 1 assault: the 10 is hidden with them
      expect(cell.incidentsByCategory).toEqual([]);
      const remainder = cell.incidents! - cell.incidentsByCategory.reduce((s, c) => s + (c.count ?? 0), 0);
      expect(remainder === 0 || remainder >= 5).toBe(true);
      // no null-count entry ever names a category: presence is not shown
      expect(cell.incidentsByCategory.every((c) => c.count !== null && !c.suppressed)).toBe(true);
    }
  });

  it('never names a sensitive category, and gives the same answer whether the seventh incident is a sexual offence or not', async () => {
    const before = await cells(PUBLIC);
    const named = [...before.values()].flatMap((c) => c.incidentsByCategory.map((x) => x.category));
    expect(named).not.toContain('SEXUAL_OFFENCE');
    expect(named).not.toContain('DOMESTIC_CONFLICT');
    // five domestic conflicts are counted in `other`, released as other: 5
    expect(before.get(MIXED)!.incidentsByCategory).toEqual([
      { category: 'OTHER', count: 5, suppressed: false },
      { category: 'THEFT', count: 8, suppressed: false },
      { category: 'VANDALISM', count: 6, suppressed: false },
    ]);
    // the same cell with an `other` incident in place of the sexual offence answers identically
    await t.server.db.knex('incidents').where({ category: 'sexual_offence' }).update({ category: 'other' });
    expect(await cells(PUBLIC)).toEqual(before);
    expect(await cells(WORKING_GROUP)).toEqual(before);
  });

  it('hides a zero part of the day / night breakdown together with the hidden ones', async () => {
    const cell = (await cells(PUBLIC)).get(SENSITIVE)!;
    // 6 by day and 1 at night: with the zero released, the two hidden parts would be known to be at least 1 each
    expect(cell).toMatchObject({ incidents: 7, dayIncidents: null, nightIncidents: null, unknownTimeIncidents: null });
  });

  it('still refuses a category filter', async () => {
    const res = await t.gqlAs(PUBLIC, 'query { hexagons(area: { bbox: [76.85, 43.18, 77.0, 43.3] }, categories: [SEXUAL_OFFENCE]) { cells { h3 } } }');
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'categories' });
  });
});
