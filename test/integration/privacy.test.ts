/**
 * Suppression below the analyst role, and differencing attacks that try to recover a suppressed
 * count: overlapping areas, adjacent windows, category complements, breakdown remainders and
 * statistics (z, p) solved back to counts. The strongest check: a suppressed count changing
 * from 2 to 3 to 4 changes nothing at all in any public answer.
 */
import { cellToBoundary, cellToLatLng, getResolution, gridDisk, latLngToCell } from 'h3-js';
import { upsertBatch } from '../../src/db/upsert';
import type { IncidentCategory, IncidentRecord, RequestUser } from '../../src/domain';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

const PUBLIC: RequestUser = { id: 'anonymous', role: 'public', agency: null };
const WORKING_GROUP: RequestUser = { id: 'wg', role: 'working_group', agency: null };
const MARCH = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
const NOON = '2026-03-10T07:00:00Z'; // 12:00 in Almaty: day
const NIGHT = '2026-03-10T20:00:00Z'; // 01:00 in Almaty: night

const centre = latLngToCell(43.24, 76.92, 8);
const cells = gridDisk(centre, 2).sort();
const [A, B, C] = [cells[3], cells[7], cells[11]];

let t: TestServer;
let serial = 0;

function at(cell: string, category: IncidentCategory, when: string): IncidentRecord {
  const [lat, lng] = cellToLatLng(cell);
  serial++;
  return {
    source: 'privacy_test',
    externalId: `p${serial}`,
    occurredAt: new Date(when),
    category,
    outdoor: true,
    geometry: { type: 'Point', coordinates: [lng + (serial % 7) * 1e-5, lat + (serial % 5) * 1e-5] },
    description: null,
  };
}

function times<T>(n: number, make: () => T): T[] {
  return Array.from({ length: n }, make);
}

async function add(records: IncidentRecord[]): Promise<void> {
  await upsertBatch(t.server.db.knex, 'incidents', records, t.config.fineResolution);
}

/** The cells as a MultiPolygon of outlines shrunk a little towards their centres, so the parts do not touch. */
function cellsPolygon(list: string[]) {
  return {
    type: 'MultiPolygon',
    coordinates: list.map((c) => {
      const [lat, lng] = cellToLatLng(c);
      return [cellToBoundary(c, true).map(([x, y]) => [lng + (x - lng) * 0.9, lat + (y - lat) * 0.9])];
    }),
  };
}

const ALL = cellsPolygon(cells);
const WITHOUT_A = cellsPolygon(cells.filter((c) => c !== A));

const HEXAGONS = `query ($area: GeoJSON, $resolution: Int, $from: DateTimeISO, $to: DateTimeISO, $categories: [IncidentCategory!]) {
  hexagons(area: { polygon: $area }, resolution: $resolution, window: { from: $from, to: $to }, categories: $categories) {
    studyArea { resolution cellCount incidentCount mean standardDeviation from to }
    cells { h3 incidents suppressed dayIncidents nightIncidents unknownTimeIncidents incidentsByCategory { category count suppressed } }
    featureCollection
    privacy { applied threshold resolution suppressedCells }
  }
}`;
const HOTSPOTS = `query ($area: GeoJSON, $resolution: Int, $from: DateTimeISO, $to: DateTimeISO) {
  hotspots(area: { polygon: $area }, resolution: $resolution, window: { from: $from, to: $to }, permutations: 99) {
    studyArea { incidentCount mean standardDeviation }
    cells { h3 count suppressed z p pFdr pseudoP bin binFdr }
    hotCellCount coldCellCount featureCollection
    privacy { applied suppressedCells }
  }
}`;
const CLUSTERS = `query ($area: GeoJSON, $resolution: Int, $from: DateTimeISO, $to: DateTimeISO) {
  clusters(area: { polygon: $area }, resolution: $resolution, window: { from: $from, to: $to }, permutations: 99) {
    studyArea { incidentCount mean standardDeviation }
    cells { h3 count suppressed i z p pFdr pseudoP quadrant cluster clusterFdr }
    privacy { applied suppressedCells }
  }
}`;

interface HexCell {
  h3: string;
  incidents: number | null;
  suppressed: boolean;
  dayIncidents: number | null;
  nightIncidents: number | null;
  unknownTimeIncidents: number | null;
  incidentsByCategory: { category: string; count: number | null; suppressed: boolean }[];
}
interface Hexagons {
  hexagons: { studyArea: { resolution: number; incidentCount: number }; cells: HexCell[]; privacy: { applied: boolean; resolution: number; suppressedCells: number } };
}

const vars = (extra: Record<string, unknown> = {}) => ({ area: ALL, resolution: 8, ...MARCH, ...extra });

beforeAll(async () => {
  t = await startTestServer({}, { testUsers: true });
  await truncateLayers(t.server);
  await add([
    ...times(2, () => at(A, 'theft', NOON)),
    ...times(10, () => at(B, 'theft', NOON)),
    ...times(2, () => at(B, 'domestic_conflict', NOON)),
    ...times(5, () => at(C, 'robbery', NOON)),
    ...times(2, () => at(C, 'robbery', NIGHT)),
    // other months: not in March's answer
    ...times(3, () => at(A, 'theft', '2026-04-10T07:00:00Z')),
  ]);
});

afterAll(async () => {
  await t?.stop();
});

describe('suppression below analyst', () => {
  it('gives counts under 5 as null with a flag, and hides breakdown parts that could be subtracted out', async () => {
    const res = await t.gqlAs<Hexagons>(PUBLIC, HEXAGONS, vars());
    expect(res.errors).toBeUndefined();
    const byCell = new Map(res.data!.hexagons.cells.map((c) => [c.h3, c]));
    expect(byCell.get(A)).toMatchObject({ incidents: null, suppressed: true, dayIncidents: null, nightIncidents: null, unknownTimeIncidents: null, incidentsByCategory: [] });
    // 12 = 10 thefts + 2 domestic conflicts, folded into `other` (a sensitive category is never
    // named per cell): the 2 is hidden, so the 10 must be too, and a hidden category is not listed
    expect(byCell.get(B)).toMatchObject({ incidents: 12, suppressed: false, dayIncidents: 12, nightIncidents: 0, unknownTimeIncidents: 0 });
    expect(byCell.get(B)!.incidentsByCategory).toEqual([]);
    // 7 = 5 by day + 2 at night: both hidden, and the zero with them, so no hidden part is pinned
    expect(byCell.get(C)).toMatchObject({ incidents: 7, dayIncidents: null, nightIncidents: null, unknownTimeIncidents: null });
    expect(res.data!.hexagons.studyArea.incidentCount).toBe(19);
    expect(res.data!.hexagons.privacy).toMatchObject({ applied: true, resolution: 8, suppressedCells: 1 });
  });

  it('gives analysts the true counts', async () => {
    const res = await t.gqlAs<Hexagons>(TEST_ANALYST, HEXAGONS, vars());
    const byCell = new Map(res.data!.hexagons.cells.map((c) => [c.h3, c]));
    expect(byCell.get(A)).toMatchObject({ incidents: 2, suppressed: false });
    expect(byCell.get(B)!.incidentsByCategory.map((c) => c.count)).toEqual([2, 10]);
    expect(byCell.get(C)).toMatchObject({ dayIncidents: 5, nightIncidents: 2 });
    expect(res.data!.hexagons.studyArea.incidentCount).toBe(21);
    expect(res.data!.hexagons.privacy.applied).toBe(false);
  });

  it('answers below analyst at the release resolution whatever is asked', async () => {
    const res = await t.gqlAs<Hexagons>(WORKING_GROUP, HEXAGONS, vars({ resolution: 10 }));
    expect(res.errors).toBeUndefined();
    expect(res.data!.hexagons.studyArea.resolution).toBe(8);
    expect(res.data!.hexagons.cells.every((c) => getResolution(c.h3) === 8)).toBe(true);
  });

  it('leaves no released total minus released parts between 1 and 4 in any cell', async () => {
    const res = await t.gqlAs<Hexagons>(PUBLIC, HEXAGONS, vars());
    for (const c of res.data!.hexagons.cells) {
      if (c.incidents === null) continue;
      const parts = [c.incidentsByCategory.map((x) => x.count), [c.dayIncidents, c.nightIncidents, c.unknownTimeIncidents]];
      for (const breakdown of parts) {
        const remainder = c.incidents - breakdown.reduce<number>((s, p) => s + (p ?? 0), 0);
        expect(remainder === 0 || remainder >= 5).toBe(true);
      }
    }
  });
});

describe('differencing attacks', () => {
  it('overlapping areas: the area with a suppressed cell minus the area without it reveals nothing', async () => {
    const withA = await t.gqlAs<Hexagons>(PUBLIC, HEXAGONS, vars());
    const withoutA = await t.gqlAs<Hexagons>(PUBLIC, HEXAGONS, vars({ area: WITHOUT_A }));
    expect(withA.data!.hexagons.studyArea.incidentCount - withoutA.data!.hexagons.studyArea.incidentCount).toBe(0);
    for (const query of [HOTSPOTS, CLUSTERS]) {
      const a = await t.gqlAs<Record<string, { studyArea: { incidentCount: number } }>>(PUBLIC, query, vars());
      const b = await t.gqlAs<Record<string, { studyArea: { incidentCount: number } }>>(PUBLIC, query, vars({ area: WITHOUT_A }));
      const key = Object.keys(a.data!)[0];
      expect(a.data![key].studyArea.incidentCount - b.data![key].studyArea.incidentCount).toBe(0);
    }
  });

  it('adjacent or overlapping windows: only single whole finished months are answered', async () => {
    for (const window of [
      { from: '2026-03-01T00:00:00Z', to: '2026-05-01T00:00:00Z' },
      { from: '2026-03-01T00:00:00Z', to: '2026-03-16T00:00:00Z' },
      { from: '2026-02-15T00:00:00Z', to: '2026-03-15T00:00:00Z' },
      { from: '2026-03-01T00:00:00Z', to: null },
      { from: null, to: '2026-04-01T00:00:00Z' },
    ]) {
      for (const query of [HEXAGONS, HOTSPOTS, CLUSTERS]) {
        const res = await t.gqlAs(PUBLIC, query, vars(window));
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'window' });
      }
    }
  });

  it('category complements: no category filter below analyst', async () => {
    const res = await t.gqlAs(PUBLIC, HEXAGONS, vars({ categories: ['THEFT'] }));
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'categories' });
  });

  it('statistics and every other number: a suppressed count going from 2 to 3 to 4 changes no public answer', async () => {
    const snapshot = async (user: RequestUser) => Promise.all([HEXAGONS, HOTSPOTS, CLUSTERS].map((q) => t.gqlAs(user, q, vars())));
    const before = await snapshot(PUBLIC);
    const wgBefore = await snapshot(WORKING_GROUP);
    const analystBefore = await snapshot(TEST_ANALYST);
    for (const r of before) expect(r.errors).toBeUndefined();
    await add([at(A, 'theft', NOON)]);
    expect(await snapshot(PUBLIC)).toEqual(before);
    await add([at(A, 'domestic_conflict', NIGHT)]);
    expect(await snapshot(PUBLIC)).toEqual(before);
    expect(await snapshot(WORKING_GROUP)).toEqual(wgBefore);
    // the change is real: analysts see it in counts, z and p
    expect(await snapshot(TEST_ANALYST)).not.toEqual(analystBefore);
  });

  it('a fifth incident releases the cell', async () => {
    await add([at(A, 'theft', NOON)]);
    const res = await t.gqlAs<Hexagons>(PUBLIC, HEXAGONS, vars());
    expect(res.data!.hexagons.cells.find((c) => c.h3 === A)).toMatchObject({ incidents: 5, suppressed: false });
  });
});
