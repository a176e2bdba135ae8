/**
 * The file import's COPY path: a CSV read in worker threads stores the same rows and writes the
 * same rejects as the main-thread reader; the districts and precincts found set-based for a
 * batch are `area_of_point`'s (covering area of lowest id, else the nearest within 50 m, else
 * none); a batch that fails leaves the earlier batches whole and a re-import completes the file.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { ALMATY_BOUNDS } from '../../src/config';
import { mulberry32 } from '../../src/geo/stats/random';
import { parseProfile } from '../../src/import/profile';
import { importFile, ImportOptions } from '../../src/import/run';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

let testServer: TestServer;
let knex: Knex;
let workDir: string;

const HEADER = 'external_id,source,occurred_at,category,lat,lng,outdoor,description,time_precision';
const INWORKERS: Partial<ImportOptions> = { workers: 2, parallelRows: 0, chunkChars: 4096, batchSize: 300 };
const MAIN_THREAD: Partial<ImportOptions> = { workers: 0, batchSize: 300 };

function options(file: string, overrides: Partial<ImportOptions>): ImportOptions {
  return { layer: 'incidents', file, bounds: ALMATY_BOUNDS, timeZone: 'Asia/Almaty', batchSize: 300, fineResolution: 11, rejectsPath: `${file}.rejects.csv`, ...overrides };
}

/** Districts sharing an edge (x = 76.95) and overlapping (id 3 over id 1); precincts with a 40 m gap. */
async function storeAreas(): Promise<void> {
  const box = (x0: number, y0: number, x1: number, y1: number) => `ST_Multi(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, 4326))`;
  const areas: [string, string, string][] = [
    ['d1', 'district', box(76.8, 43.2, 76.95, 43.35)],
    ['d2', 'district', box(76.95, 43.2, 77.05, 43.35)],
    ['d3', 'district', box(76.9, 43.3, 77.0, 43.4)],
    ['p1', 'precinct', box(76.8, 43.2, 76.85, 43.25)],
    ['p2', 'precinct', box(76.8505, 43.2, 76.9, 43.25)],
    ['p3', 'precinct', box(76.95, 43.25, 77.05, 43.35)],
  ];
  for (const [id, kind, geom] of areas) {
    await knex.raw(`INSERT INTO areas (source, external_id, kind, name, geom) VALUES ('test', ?, ?, ?, ${geom})`, [id, kind, id]);
  }
}

/** Random points, points on the shared edge, in the 40 m gap, just outside and far outside; bad rows, repeated ids, quoted text. */
function testFile(rows: number): string {
  const random = mulberry32(7);
  const lines = [HEADER];
  const point = (i: number): [number, number] => {
    switch (i % 10) {
      case 0:
        return [76.95, 43.2 + random() * 0.15];
      case 1:
        return [76.85025, 43.2 + random() * 0.05];
      case 2:
        return [77.05 + random() * 0.0008, 43.21 + random() * 0.1];
      case 3:
        // exactly on the lines between area squares (1/512 degree)
        return [Math.round((76.8 + random() * 0.35) * 512) / 512, Math.round((43.2 + random() * 0.22) * 512) / 512];
      default:
        return [76.8 + random() * 0.35, 43.2 + random() * 0.22];
    }
  };
  for (let i = 1; i <= rows; i++) {
    const [lng, lat] = point(i);
    const at = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 300 * 86400) * 1000).toISOString();
    let description = `row ${i}`;
    if (i % 97 === 0) description = `"a ""quoted"" text, with a comma,\na line break, a tab\tand a back\\slash"`;
    let id = `c-${i}`;
    if (i % 211 === 0) id = `c-${i - 5}`; // a repeated id: this later row is refused
    let category = 'theft';
    if (i % 173 === 0) category = 'no_such_category';
    const line = `${id},copy_test,${at},${category},${lat},${lng},${random() < 0.5},${description},exact`;
    lines.push(i % 389 === 0 ? `${line},extra` : line);
  }
  // CRLF line ends, as spreadsheets write them
  return lines.join('\r\n') + '\r\n';
}

async function stored(): Promise<unknown[]> {
  const { rows } = await knex.raw(`
    SELECT source, external_id, occurred_at, category, outdoor, description, time_precision, night, ST_AsText(geom) AS geom,
           h3, h3_r7, h3_r8, h3_r9, h3_r10, h3_r11, district_id, precinct_id
      FROM incidents WHERE source = 'copy_test' ORDER BY external_id`);
  return rows as unknown[];
}

beforeAll(async () => {
  testServer = await startTestServer({}, { actAs: TEST_ADMIN });
  knex = testServer.server.db.knex;
  await truncateLayers(testServer.server);
  await storeAreas();
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hotspots-import-copy-'));
});

afterAll(async () => {
  await testServer?.stop();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

describe('the COPY path of a file import', () => {
  it('worker threads store the same rows and reject the same lines, in order, as the main thread; a re-import changes nothing', async () => {
    const file = path.join(workDir, 'incidents.csv');
    await fs.writeFile(file, testFile(3000));

    const inWorkers = await importFile(knex, options(file, INWORKERS));
    const rowsInWorkers = await stored();
    const rejectsInWorkers = await fs.readFile(`${file}.rejects.csv`, 'utf8');
    expect(inWorkers.rejected).toBeGreaterThan(20);
    expect(inWorkers.inserted + inWorkers.rejected).toBe(3000);
    expect(rejectsInWorkers).toMatch(/duplicates the id of line \d+ of this file/);

    await knex.raw("DELETE FROM incidents WHERE source = 'copy_test'");
    const onMain = await importFile(knex, options(file, MAIN_THREAD));
    expect({ ...onMain, seconds: 0 }).toEqual({ ...inWorkers, seconds: 0 });
    expect(await stored()).toEqual(rowsInWorkers);
    expect(await fs.readFile(`${file}.rejects.csv`, 'utf8')).toBe(rejectsInWorkers);

    const again = await importFile(knex, options(file, INWORKERS));
    expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, inWorkers.inserted]);
  });

  it('a mapping profile with date formats and value maps reads the same in workers as on the main thread', async () => {
    const file = path.join(workDir, 'register.csv');
    const random = mulberry32(11);
    const lines = ['Номер;Дата;Статья;Широта;Долгота'];
    for (let i = 1; i <= 400; i++) {
      const day = 1 + Math.floor(random() * 28);
      lines.push(
        `r-${i};${String(day).padStart(2, '0')}.03.2025 ${String(Math.floor(random() * 24)).padStart(2, '0')}:15;${i % 2 ? 'Кража' : 'Грабёж'};${(43.21 + random() * 0.1).toFixed(5).replace('.', ',')};${(76.85 + random() * 0.15).toFixed(5).replace('.', ',')}`,
      );
    }
    await fs.writeFile(file, lines.join('\n') + '\n');
    const profile = parseProfile(
      {
        delimiter: ';',
        decimalComma: true,
        fields: {
          external_id: 'Номер',
          source: { value: 'register' },
          occurred_at: { column: 'Дата', format: 'dd.MM.yyyy HH:mm' },
          category: { column: 'Статья', values: { Кража: 'theft', Грабёж: 'robbery' } },
          lat: 'Широта',
          lng: 'Долгота',
        },
      },
      'incidents',
    );
    const register = async (): Promise<unknown[]> =>
      (await knex.raw("SELECT external_id, occurred_at, category, ST_AsText(geom) AS geom, h3_r9 FROM incidents WHERE source = 'register' ORDER BY external_id")).rows as unknown[];
    const inWorkers = await importFile(knex, options(file, { ...INWORKERS, profile }));
    expect([inWorkers.inserted, inWorkers.rejected]).toEqual([400, 0]);
    const rowsInWorkers = await register();
    await knex.raw("DELETE FROM incidents WHERE source = 'register'");
    const onMain = await importFile(knex, options(file, { ...MAIN_THREAD, profile }));
    expect(onMain.inserted).toBe(400);
    expect(await register()).toEqual(rowsInWorkers);
  });

  it("every incident's district and precinct follow the rule: lowest id on a shared edge, the nearest within 50 m, none farther", async () => {
    // the rule written out against the areas themselves (neither area_of_point nor its squares)
    const rule = (kind: string) => `coalesce(
        (SELECT min(a.id) FROM areas a WHERE a.kind = '${kind}' AND ST_Covers(a.geom, incidents.geom)),
        (SELECT a.id FROM areas a WHERE a.kind = '${kind}' AND ST_DWithin(a.geom::geography, incidents.geom::geography, 50)
          ORDER BY ST_Distance(a.geom::geography, incidents.geom::geography), a.id LIMIT 1))`;
    const { rows } = await knex.raw(`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE district_id IS DISTINCT FROM ${rule('district')} OR precinct_id IS DISTINCT FROM ${rule('precinct')})::int AS differ,
             count(*) FILTER (WHERE district_id IS DISTINCT FROM area_of_point('district', geom) OR precinct_id IS DISTINCT FROM area_of_point('precinct', geom))::int AS differ_function,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM area_squares q WHERE q.kind = 'district' AND q.square = area_square_key(ST_X(geom), ST_Y(geom))))::int AS in_square,
             count(*) FILTER (WHERE precinct_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.id = precinct_id AND ST_Covers(a.geom, incidents.geom)))::int AS nearest,
             count(*) FILTER (WHERE district_id IS NULL)::int AS none
        FROM incidents WHERE source = 'copy_test'`);
    const r = rows[0] as { n: number; differ: number; differ_function: number; in_square: number; nearest: number; none: number };
    expect(r.n).toBeGreaterThan(2900);
    expect(r.differ).toBe(0);
    expect(r.differ_function).toBe(0);
    // most points are decided by their square, the rest by the exact test
    expect(r.in_square).toBeGreaterThan(r.n / 3);
    expect(r.in_square).toBeLessThan(r.n);
    // the cases the rule distinguishes all occur
    expect(r.nearest).toBeGreaterThan(0);
    expect(r.none).toBeGreaterThan(0);
    const edge = await knex.raw("SELECT DISTINCT a.external_id FROM incidents i JOIN areas a ON a.id = i.district_id WHERE i.source = 'copy_test' AND ST_X(i.geom) = 76.95 AND ST_Y(i.geom) < 43.3");
    expect((edge.rows as { external_id: string }[]).map((x) => x.external_id)).toEqual(['d1']);
  });

  it('an area too large to cut into squares gets none, and its points still find it', async () => {
    const huge = 'ST_Multi(ST_MakeEnvelope(60, 40, 70, 50, 4326))';
    await knex
      .transaction(async (trx) => {
        const [{ id }] = (await trx.raw(`INSERT INTO areas (source, external_id, kind, name, geom) VALUES ('test', 'huge', 'district', 'huge', ${huge}) RETURNING id`)).rows as { id: string }[];
        const squares = Number((await trx.raw('SELECT count(*) AS n FROM area_squares WHERE area_id = ?', [id])).rows[0].n);
        const found = (await trx.raw("SELECT area_of_point('district', ST_SetSRID(ST_MakePoint(65, 45), 4326)) AS id")).rows[0].id as string;
        // the smaller areas keep theirs
        const others = Number((await trx.raw("SELECT count(*) AS n FROM area_squares WHERE kind = 'district'")).rows[0].n);
        expect({ squares, found: String(found), others: others > 0 }).toEqual({ squares: 0, found: String(id), others: true });
        throw new Error('rolled back');
      })
      .catch((error: Error) => {
        if (error.message !== 'rolled back') throw error;
      });
  });

  it('read in workers, a failing batch leaves the earlier batches whole and a re-import completes the file', async () => {
    await knex.raw("DELETE FROM incidents WHERE source = 'copy_test'");
    const file = path.join(workDir, 'incidents-crash.csv');
    const lines = [HEADER];
    for (let i = 1; i <= 50; i++) lines.push(`k-${String(i).padStart(3, '0')},copy_test,2025-03-0${1 + (i % 9)}T10:00:00Z,theft,43.25,76.9,true,row ${i},exact`);
    await fs.writeFile(file, lines.join('\n') + '\n');
    await knex.raw(`CREATE FUNCTION test_refuse_k025() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.external_id = 'k-025' THEN RAISE EXCEPTION 'test refuses %', NEW.external_id; END IF;
        RETURN NEW;
      END $$`);
    await knex.raw('CREATE TRIGGER test_refuse_k025 BEFORE INSERT ON incidents FOR EACH ROW EXECUTE FUNCTION test_refuse_k025()');
    try {
      await expect(importFile(knex, options(file, { ...INWORKERS, chunkChars: 256, batchSize: 10 }))).rejects.toThrow(/test refuses k-025/);
    } finally {
      await knex.raw('DROP TRIGGER test_refuse_k025 ON incidents');
      await knex.raw('DROP FUNCTION test_refuse_k025()');
    }
    const { rows } = await knex.raw("SELECT external_id FROM incidents WHERE source = 'copy_test' ORDER BY external_id");
    expect((rows as { external_id: string }[]).map((r) => r.external_id)).toEqual(Array.from({ length: 20 }, (_, i) => `k-${String(i + 1).padStart(3, '0')}`));
    const resumed = await importFile(knex, options(file, { ...INWORKERS, chunkChars: 256, batchSize: 10 }));
    expect([resumed.inserted, resumed.updated, resumed.unchanged]).toEqual([30, 0, 20]);
  });
});
