/**
 * Answers served from the in-memory incident columns and per-version caches stay exact: equal
 * to the SQL GROUP BY, and fresh after every kind of write (upsert, plain SQL, TRUNCATE). Also
 * the whole-city area and the columnar form of the answers.
 */
import { generateDemoCity } from '../../seeds/almaty';
import { seedDemoCity } from '../../src/cli/seed';
import { incidentCountsByCell, incidentCountsByCellSql } from '../../src/db/aggregates';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeIncidentsCsv } from '../../bench/city';
import { importFile } from '../../src/import/run';
import { storedCells } from '../support/cells';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

const INCIDENTS = 3000;
let t: TestServer;
const city = generateDemoCity({ incidentCount: INCIDENTS });

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: INCIDENTS });
});

afterAll(async () => {
  await t.stop();
});

const HOTSPOTS = `query ($area: AreaInput!, $resolution: Int!) {
  hotspots(area: $area, resolution: $resolution) {
    studyArea { description cellCount incidentCount }
    cells { h3 count z p pFdr bin binFdr }
    columns { h3 count z p pFdr bin binFdr }
  }
}`;

interface HotspotAnswer {
  hotspots: {
    studyArea: { description: string; cellCount: number; incidentCount: number };
    cells: { h3: string; count: number; z: number | null; p: number | null; pFdr: number | null; bin: number; binFdr: number }[];
    columns: { h3: string[]; count: number[]; z: (number | null)[]; p: (number | null)[]; pFdr: (number | null)[]; bin: number[]; binFdr: number[] };
  };
}

const sortKey = (r: { cell: string; category: string; night: boolean | null }) => `${r.cell}|${r.category}|${r.night}`;

it('grouped counts from memory equal the SQL GROUP BY, for windows, categories and resolutions', async () => {
  const knex = t.server.db.knex;
  const envelope: [number, number, number, number] = [76.85, 43.2, 77.0, 43.3];
  for (const q of [
    { resolution: 9, from: null, to: null, categories: null },
    { resolution: 8, from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-09-01T00:00:00Z'), categories: null },
    { resolution: 11, from: new Date('2025-06-01T00:00:00Z'), to: null, categories: ['theft', 'hooliganism'] },
  ]) {
    const fromMemory = (await incidentCountsByCell(knex, { ...q, envelope })).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    const fromSql = (await incidentCountsByCellSql(knex, { ...q, envelope })).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    expect(fromSql.length).toBeGreaterThan(10);
    expect(fromMemory).toEqual(fromSql);
  }
});

it('the whole city is the union of the districts, and columns equal cells', async () => {
  const answer = await t.gql<HotspotAnswer>(HOTSPOTS, { area: { city: true }, resolution: 8 });
  expect(answer.errors).toBeUndefined();
  const h = answer.data!.hotspots;
  expect(h.studyArea.description).toMatch(/union of its 8 districts/);
  const districts = (await t.server.db.knex('areas').where({ kind: 'district' }).select('id')) as { id: string }[];
  const perDistrict = new Set<string>();
  for (const d of districts) {
    const one = await t.gql<HotspotAnswer>(HOTSPOTS, { area: { districtId: String(d.id) }, resolution: 8 });
    for (const c of one.data!.hotspots.cells) perDistrict.add(c.h3);
  }
  expect(new Set(h.cells.map((c) => c.h3))).toEqual(perDistrict);
  expect(h.studyArea.incidentCount).toBeGreaterThan(INCIDENTS * 0.95);
  expect(h.columns.h3).toEqual(h.cells.map((c) => c.h3));
  for (const key of ['count', 'z', 'p', 'pFdr', 'bin', 'binFdr'] as const) expect(h.columns[key]).toEqual(h.cells.map((c) => c[key]));
});

it('refuses city: false and city together with another area', async () => {
  const no = await t.gql(HOTSPOTS, { area: { city: false }, resolution: 8 });
  expect(no.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'area.city' });
  const both = await t.gql(HOTSPOTS, { area: { city: true, bbox: [76.9, 43.2, 77.0, 43.3] }, resolution: 8 });
  expect(both.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'area' });
});

it('every write is seen by the next request: upsert, plain SQL update, delete and truncate', async () => {
  const knex = t.server.db.knex;
  const total = async () => (await t.gql<HotspotAnswer>(HOTSPOTS, { area: { city: true }, resolution: 8 })).data!.hotspots.studyArea.incidentCount;
  const before = await total();
  const stored = Number(((await knex('incidents').count('* as n')) as { n: string }[])[0].n);
  // one incident moved far outside the city leaves the city's count
  const [{ id }] = (await knex('incidents').orderBy('id').limit(1).select('id')) as { id: string }[];
  // a plain SQL move sets the point's cells with it (the import computes them with latLngToCell)
  await knex('incidents')
    .where({ id })
    .update({ geom: knex.raw('ST_SetSRID(ST_MakePoint(0, 0), 4326)'), ...storedCells([0, 0]) });
  expect(await total()).toBe(before - 1);
  await knex('incidents').where({ id }).delete();
  expect(await total()).toBe(before - 1);
  expect(Number(((await knex('incidents').count('* as n')) as { n: string }[])[0].n)).toBe(stored - 1);
  await knex.raw('TRUNCATE incidents');
  expect(await total()).toBe(0);
  await seedDemoCity(knex, t.config, { incidentCount: INCIDENTS });
  expect(await total()).toBe(before);
});

it('a bulk import goes without the GIST index and rebuilds it; the next request counts the new rows', async () => {
  const knex = t.server.db.knex;
  const gist = async () => ((await knex.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'incidents_geom_gist'")).rows as { indexdef: string }[]).map((r) => r.indexdef);
  const total = async () => (await t.gql<HotspotAnswer>(HOTSPOTS, { area: { city: true }, resolution: 8 })).data!.hotspots.studyArea.incidentCount;
  await knex.raw('TRUNCATE incidents');
  expect(await total()).toBe(0);
  const file = path.join(os.tmpdir(), `bulk-incidents-${process.pid}.csv`);
  await writeIncidentsCsv(city, 2000, file);
  const summary = await importFile(knex, {
    layer: 'incidents',
    file,
    bounds: t.config.cityBounds,
    timeZone: t.config.timeZone,
    batchSize: 500,
    fineResolution: t.config.fineResolution,
    rejectsPath: `${file}.rejects.csv`,
    bulkRows: 1,
  });
  expect(summary).toMatchObject({ rowsRead: 2000, inserted: 2000, rejected: 0 });
  expect(await gist()).toEqual([expect.stringMatching(/USING gist \(geom\)/)]);
  expect(await total()).toBeGreaterThan(1900);
  await fs.rm(file, { force: true });
});
