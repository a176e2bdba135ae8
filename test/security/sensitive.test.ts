/**
 * Finding 6 of the privacy issue, tried again: an analyst placing a sexual offence with
 * `hexagons(resolution: 11, categories: [SEXUAL_OFFENCE], window: one minute)`. Sensitive
 * categories are counted only in cells of resolution 9 or coarser over a day or longer, alone,
 * suppressed like counts below analyst, and audited; finer all-category counts leave them out.
 */
import { cellToChildren } from 'h3-js';
import { startTestServer, TestServer, truncateLayers } from '../support/server';
import { ADMIN, ANALYST, CELLS, errorOf, incidentAt, plant, repeat } from './support/releaseFixtures';

const CELL8 = CELLS[6];
const WHEN = '2026-03-10T20:00:30Z';
const MINUTE = { from: '2026-03-10T20:00:00Z', to: '2026-03-10T20:01:00Z' };
const DAY = { from: '2026-03-10T00:00:00Z', to: '2026-03-11T00:00:00Z' };
const MARCH = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
let t: TestServer;

const HEXAGONS = `query ($area: AreaInput!, $resolution: Int, $window: TimeWindowInput, $categories: [IncidentCategory!]) {
  hexagons(area: $area, resolution: $resolution, window: $window, categories: $categories) {
    studyArea { incidentCount categories }
    cells { h3 incidents suppressed incidentsByCategory { category count } }
    privacy { applied rules }
  }
}`;
type Answer = {
  hexagons: {
    studyArea: { incidentCount: number; categories: string[] | null };
    cells: { h3: string; incidents: number | null; suppressed: boolean; incidentsByCategory: { category: string; count: number | null }[] }[];
    privacy: { applied: boolean; rules: string };
  };
};
const area = { bbox: [76.85, 43.18, 77.0, 43.3] };

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  await plant(t, [incidentAt(CELL8, 'sexual_offence', WHEN), ...repeat(3, () => incidentAt(CELL8, 'theft', WHEN))]);
});

afterAll(async () => {
  await t?.stop();
});

describe('sensitive categories for analysts and admins', () => {
  it('refuses them finer than resolution 9, over less than a day, or mixed with other categories, naming the argument', async () => {
    for (const user of [ANALYST, ADMIN]) {
      const fine = await t.gqlAs(user, HEXAGONS, { area, resolution: 11, window: DAY, categories: ['SEXUAL_OFFENCE'] });
      expect(errorOf(fine)).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'resolution' });
      const short = await t.gqlAs(user, HEXAGONS, { area, resolution: 9, window: MINUTE, categories: ['SEXUAL_OFFENCE'] });
      expect(errorOf(short)).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'window' });
      const mixed = await t.gqlAs(user, HEXAGONS, { area, resolution: 8, window: MARCH, categories: ['SEXUAL_OFFENCE', 'THEFT'] });
      expect(errorOf(mixed)).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'categories' });
      for (const query of ['hotspots', 'clusters']) {
        const res = await t.gqlAs(user, `query { ${query}(area: { bbox: [76.85, 43.18, 77.0, 43.3] }, resolution: 10, categories: [DOMESTIC_CONFLICT]) { studyArea { incidentCount } } }`);
        expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'resolution' });
      }
    }
  });

  it('leaves them out of an all-categories count at resolution 11 or over a minute, and says so', async () => {
    const res = await t.gqlAs<Answer>(ANALYST, HEXAGONS, { area, resolution: 11, window: MINUTE });
    expect(res.errors).toBeUndefined();
    // three thefts, not four incidents: the sexual offence is not counted
    expect(res.data!.hexagons.studyArea.incidentCount).toBe(3);
    expect(res.data!.hexagons.studyArea.categories).not.toContain('SEXUAL_OFFENCE');
    expect(res.data!.hexagons.privacy.rules).toMatch(/sensitive categories are left out/);
    const child = cellToChildren(CELL8, 11);
    expect(res.data!.hexagons.cells.filter((c) => child.includes(c.h3)).every((c) => c.incidentsByCategory.every((x) => x.category === 'THEFT'))).toBe(true);
  });

  it('suppresses a sensitive count like counts below analyst, and audits the query', async () => {
    const res = await t.gqlAs<Answer>(ANALYST, HEXAGONS, { area, resolution: 9, window: DAY, categories: ['SEXUAL_OFFENCE'] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.hexagons.privacy.applied).toBe(true);
    const cells = res.data!.hexagons.cells.filter((c) => c.suppressed);
    expect(cells).toHaveLength(1);
    expect(cells[0]).toMatchObject({ incidents: null, incidentsByCategory: [] });
    expect(res.data!.hexagons.studyArea.incidentCount).toBe(0);
    const audit = await t.gqlAs<{ auditLog: { nodes: { userId: string; operation: string }[] } }>(ADMIN, '{ auditLog { nodes { userId operation } } }');
    expect(audit.data!.auditLog.nodes).toContainEqual({ userId: ANALYST.id, operation: 'hexagons (sensitive categories)' });
  });

  it('never gives a sensitive incident as a point, to anyone', async () => {
    for (const user of [ANALYST, ADMIN]) {
      const res = await t.gqlAs<{ incidents: { nodes: { category: string }[] } }>(user, '{ incidents(first: 100) { nodes { category } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data!.incidents.nodes.map((n) => n.category)).not.toContain('SEXUAL_OFFENCE');
    }
  });
});
