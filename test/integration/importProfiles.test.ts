/**
 * Real files as published, through the compiled CLI: mapping profiles (columns, constants, value
 * maps, date formats, time zones, date parts), encodings and delimiters, coordinate systems
 * (State Plane feet, UTM 43N) and GIS formats through GDAL (GeoJSON in EPSG:32643, a GeoPackage
 * and a zipped Shapefile made here with ogr2ogr). Reprojected points are compared with the
 * positions PROJ's cs2cs gives (test/fixtures/imports/profiles/expected-positions.json, made by
 * make-fixtures.py), not with the code under test. Every refusal: one message, a non-zero exit,
 * nothing stored changed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

const runFile = promisify(execFile);
const PROJECT_ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(PROJECT_ROOT, 'dist/src/cli/main.js');
const DIR = path.join(PROJECT_ROOT, 'test/fixtures/imports/profiles');
const CHICAGO_BOUNDS = '--bounds=-88.0,41.6,-87.5,42.1';
const EXPECTED = JSON.parse(readFileSync(path.join(DIR, 'expected-positions.json'), 'utf8')) as Record<string, [number, number]>;

function gdalInstalled(): boolean {
  try {
    execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
// GDAL comes from Debian's gdal-bin (scripts/prepare.sh installs it)
const withGdal = gdalInstalled() ? it : it.skip;

let testServer: TestServer;
let knex: Knex;
let workDir: string;

beforeAll(async () => {
  testServer = await startTestServer({}, { actAs: TEST_ADMIN });
  knex = testServer.server.db.knex;
  await truncateLayers(testServer.server);
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hotspots-profiles-test-'));
});

afterAll(async () => {
  await testServer?.stop();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await runFile(process.execPath, [CLI, ...args], { env: { ...process.env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function fixture(name: string): string {
  return path.join(DIR, name);
}

function rejectsIn(name: string): string[] {
  return ['--rejects', path.join(workDir, `${name}.rejects.csv`)];
}

const SUMMARY = /^(\w+): inserted (\d+), updated (\d+), rejected (\d+) \(unchanged (\d+)/m;

function summary(stdout: string): { inserted: number; updated: number; rejected: number; unchanged: number } {
  const m = SUMMARY.exec(stdout);
  if (!m) throw new Error(`no summary in:\n${stdout}`);
  return { inserted: +m[2], updated: +m[3], rejected: +m[4], unchanged: +m[5] };
}

async function ok(args: string[]): Promise<CliResult> {
  const result = await cli(args);
  if (result.code !== 0) throw new Error(`hotspots ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return result;
}

interface StoredPoint {
  external_id: string;
  lat: number;
  lng: number;
}

async function points(table: string, source: string): Promise<Map<string, StoredPoint>> {
  const { rows } = (await knex.raw(`SELECT external_id, ST_Y(geom) AS lat, ST_X(geom) AS lng FROM ${table} WHERE source = ? ORDER BY external_id`, [source])) as { rows: StoredPoint[] };
  return new Map(rows.map((r) => [r.external_id, r]));
}

/** Distance in metres between two WGS 84 positions (haversine; plenty at 1 m). */
function metres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

function expectNearExpected(stored: Map<string, StoredPoint>, ids: string[]): void {
  expect([...stored.keys()].sort()).toEqual([...ids].sort());
  for (const id of ids) {
    const [lat, lng] = EXPECTED[id];
    const p = stored.get(id)!;
    expect(metres(p.lat, p.lng, lat, lng)).toBeLessThan(1);
  }
}

/** Row counts and last change of every layer, and the runs recorded: what "nothing stored changed" compares. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = ['incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'posts', 'import_runs'];
  const state: Record<string, string> = {};
  for (const t of tables) {
    const last = t === 'import_runs' ? 'max(id)::text' : 'max(updated_at)::text';
    const { rows } = (await knex.raw(`SELECT count(*)::int AS n, ${last} AS last FROM ${t}`)) as { rows: { n: number; last: string | null }[] };
    state[t] = `${rows[0].n} ${rows[0].last ?? ''}`;
  }
  return state;
}

async function expectRefused(args: string[], code: number, message: RegExp): Promise<CliResult> {
  const before = await snapshot();
  const result = await cli(args);
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(message);
  // one message, no stack trace
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(await snapshot()).toEqual(before);
  return result;
}

describe('the header is checked before any row is read', () => {
  it('a portal CSV without a profile stops with what is missing and what looks like it', async () => {
    const result = await expectRefused(['import', 'incidents', fixture('chicago-crimes.csv'), CHICAGO_BOUNDS, ...rejectsIn('nop')], 2, /cannot fill every required field/);
    expect(result.stderr).toContain('no column for external_id; found id, case_number');
    expect(result.stderr).toContain('no column for occurred_at; found date, year, updated_on');
    expect(result.stderr).toContain('no column for category; found iucr, primary_type');
    expect(result.stderr).toContain('no column for source\n');
    expect(result.stderr).toContain('no column for lat; found y_coordinate, latitude');
    expect(result.stderr).toContain('no column for lng; found x_coordinate, longitude');
    expect(result.stderr).toContain('--profile');
  });

  it('an empty file, a header alone, and a file whose every row is rejected exit non-zero', async () => {
    const empty = path.join(workDir, 'empty.csv');
    await fs.writeFile(empty, '');
    await expectRefused(['import', 'incidents', empty, ...rejectsIn('empty')], 1, /empty.csv: the file is empty/);
    const headerOnly = path.join(workDir, 'header-only.csv');
    await fs.writeFile(headerOnly, 'external_id,source,occurred_at,category,lat,lng\n');
    await expectRefused(['import', 'incidents', headerOnly, ...rejectsIn('header')], 1, /holds no records \(a header only\)/);
    const allBad = path.join(workDir, 'all-bad.csv');
    await fs.writeFile(allBad, 'external_id,source,occurred_at,category,lat,lng\na,s,2026-07-18 10:00,arson,43.25,76.9\nb,s,yesterday,theft,43.25,76.9\n');
    const before = await snapshot();
    const result = await cli(['import', 'incidents', allBad, ...rejectsIn('allbad')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/incidents: all 2 records were rejected, nothing was imported; every reason in .*; the first: line 2: category: unknown value "arson"/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const after = await snapshot();
    // the run is recorded (import_runs), no layer changed
    expect({ ...after, import_runs: '' }).toEqual({ ...before, import_runs: '' });
  });

  it('--mapping on a CSV and a broken profile stop with one message naming the setting', async () => {
    await expectRefused(
      ['import', 'incidents', fixture('chicago-crimes.csv'), '--mapping', path.join(PROJECT_ROOT, 'docs/open311-mapping.example.json')],
      2,
      /--mapping is the service_code mapping of an Open311 requests.json.*--profile/,
    );
    const bad = path.join(workDir, 'bad.profile.json');
    await fs.writeFile(bad, JSON.stringify({ fields: { external_id: 'id', occurred_at: { column: 'date', format: 'dd.MM.yyyy QQ' } } }));
    await expectRefused(['import', 'incidents', fixture('chicago-crimes.csv'), '--profile', bad], 2, /profile field fields.occurred_at.format: "dd.MM.yyyy QQ" has the letter "Q"/);
    await fs.writeFile(bad, JSON.stringify({ fields: { category: { column: 'primary_type', values: { THEFT: 'thft' } } } }));
    await expectRefused(['import', 'incidents', fixture('chicago-crimes.csv'), '--profile', bad], 2, /profile field fields.category.values\["THEFT"\]: "thft" is not a category/);
    await fs.writeFile(bad, JSON.stringify({ fields: { external_id: 'ID Number' }, coordinates: { x: 'x_coordinate', y: 'y_coordinate', crs: 'EPSG:3435' } }));
    await expectRefused(['import', 'incidents', fixture('chicago-crimes.csv'), '--profile', bad], 2, /profile field fields.external_id.column: no column "ID Number" in the file/);
  });
});

describe('profiles', () => {
  it('the Chicago portal crimes CSV: State Plane feet reprojected, dates in Chicago time, types mapped', async () => {
    const args = ['import', 'incidents', fixture('chicago-crimes.csv'), '--profile', fixture('chicago-crimes.profile.json'), CHICAGO_BOUNDS, ...rejectsIn('chicago')];
    const first = await ok(args);
    expect(summary(first.stdout)).toEqual({ inserted: 8, updated: 0, rejected: 1, unchanged: 0 });
    expect(await fs.readFile(path.join(workDir, 'chicago.rejects.csv'), 'utf8')).toContain('10,13511009,lat: is required; lng: is required');
    const stored = await points('incidents', 'chicago_portal');
    expectNearExpected(stored, ['13511001', '13511002', '13511003', '13511004', '13511005', '13511006', '13511007', '13511008']);
    const { rows } = (await knex.raw(`SELECT external_id, category, occurred_at, description FROM incidents WHERE source = 'chicago_portal' ORDER BY external_id`)) as {
      rows: { external_id: string; category: string; occurred_at: Date; description: string }[];
    };
    expect(rows.map((r) => r.category)).toEqual(['theft', 'assault', 'vandalism', 'robbery', 'fraud', 'vehicle_crime', 'drugs', 'other']);
    // 2026-07-18T00:00:00.000 in Chicago (CDT, UTC-5)
    expect(rows[0].occurred_at.toISOString()).toBe('2026-07-18T05:00:00.000Z');
    expect(rows[1].description).toBe('DOMESTIC BATTERY SIMPLE');
    // the same file again changes nothing
    expect(summary((await ok(args)).stdout)).toEqual({ inserted: 0, updated: 0, rejected: 1, unchanged: 8 });
  });

  it('the street-light outage export: 1-Apr-12 dates and State Plane coordinates', async () => {
    const result = await ok(['import', 'lighting_outages', fixture('streetlights.csv'), '--profile', fixture('streetlights.profile.json'), CHICAGO_BOUNDS, ...rejectsIn('lights')]);
    expect(summary(result.stdout)).toEqual({ inserted: 5, updated: 0, rejected: 1, unchanged: 0 });
    expect(await fs.readFile(path.join(workDir, 'lights.rejects.csv'), 'utf8')).toContain('7,12-00512350,fixed_at: is before reported_at');
    expectNearExpected(await points('lighting_outages', 'chicago_311'), ['12-00512345', '12-00512346', '12-00512347', '12-00512348', '12-00512349']);
    const { rows } = (await knex.raw(`SELECT external_id, reported_at, fixed_at, street FROM lighting_outages WHERE source = 'chicago_311' ORDER BY external_id`)) as {
      rows: { reported_at: Date; fixed_at: Date | null; street: string }[];
    };
    expect(rows[0].reported_at.toISOString()).toBe('2012-04-01T05:00:00.000Z');
    expect(rows[0].fixed_at?.toISOString()).toBe('2012-04-04T05:00:00.000Z');
    expect(rows[1].fixed_at).toBeNull();
    expect(rows[4].fixed_at?.toISOString()).toBe('2012-05-02T05:00:00.000Z');
    expect(rows[0].street).toBe('1200 W ADAMS ST');
  });

  it('the Almaty 112 register: Windows-1251 detected, ";", decimal commas, Russian names; --dry-run writes nothing', async () => {
    const args = ['import', 'incidents', fixture('almaty-112-cp1251.csv'), '--profile', fixture('almaty-112.profile.json'), ...rejectsIn('almaty')];
    const before = await snapshot();
    const dry = await ok([...args, '--dry-run']);
    expect(dry.stdout).toMatch(/^incidents: dry run, nothing written: 8 valid, rejected 2 \(10 rows/m);
    expect(await snapshot()).toEqual(before);
    const result = await ok(args);
    expect(summary(result.stdout)).toEqual({ inserted: 8, updated: 0, rejected: 2, unchanged: 0 });
    const rejects = await fs.readFile(path.join(workDir, 'almaty.rejects.csv'), 'utf8');
    expect(rejects).toContain('10,112-2026-000109,"category: unknown value ""Самоуправство""');
    expect(rejects).toContain('11,112-2026-000110,"occurred_at: ""31.02.2026 03:00"" does not match dd.MM.yyyy HH:mm"');
    const { rows } = (await knex.raw(`SELECT external_id, category, occurred_at, description, ST_Y(geom) AS lat, ST_X(geom) AS lng FROM incidents WHERE source = 'call_112' ORDER BY external_id`)) as {
      rows: { category: string; occurred_at: Date; description: string; lat: number; lng: number }[];
    };
    expect(rows.map((r) => r.category)).toEqual(['theft', 'robbery', 'robbery', 'hooliganism', 'fraud', 'road_collision', 'theft', 'domestic_conflict']);
    // 18.07.2026 22:10 in Almaty (UTC+5)
    expect(rows[0].occurred_at.toISOString()).toBe('2026-07-18T17:10:00.000Z');
    expect(rows[0].description).toBe('пр. Абая, 52');
    expect(rows[0].lat).toBeCloseTo(43.238949, 9);
    expect(rows[0].lng).toBeCloseTo(76.889709, 9);
  });

  it('YEAR, MONTH, DAY, HOUR, MINUTE columns and UTM 43N coordinates, Kazakh names', async () => {
    const result = await ok(['import', 'incidents', fixture('incidents-ymdhm-utm43.csv'), '--profile', fixture('incidents-ymdhm-utm43.profile.json'), ...rejectsIn('ymd')]);
    expect(summary(result.stdout)).toEqual({ inserted: 6, updated: 0, rejected: 0, unchanged: 0 });
    expectNearExpected(await points('incidents', 'district_register'), ['KZ-1', 'KZ-2', 'KZ-3', 'KZ-4', 'KZ-5', 'KZ-6']);
    const { rows } = (await knex.raw(`SELECT category, occurred_at FROM incidents WHERE source = 'district_register' ORDER BY external_id`)) as { rows: { category: string; occurred_at: Date }[] };
    expect(rows.map((r) => r.category)).toEqual(['theft', 'hooliganism', 'robbery', 'road_collision', 'fraud', 'drunkenness']);
    expect(rows[0].occurred_at.toISOString()).toBe('2026-07-18T17:10:00.000Z');
  });

  it('a ";" CSV with our column names needs no profile', async () => {
    const file = path.join(workDir, 'semicolon.csv');
    await fs.writeFile(file, 'external_id;source;occurred_at;category;lat;lng\nsc-1;semicolon;2026-07-18 22:10;Кража;43,25;76,91\nsc-2;semicolon;2026-07-18 23:10;ДТП;43,26;76,92\n');
    expect(summary((await ok(['import', 'incidents', file, ...rejectsIn('semicolon')])).stdout)).toEqual({ inserted: 2, updated: 0, rejected: 0, unchanged: 0 });
  });

  it('the round trip: a GeoJSON with externalId (as /export/posts.geojson writes it) imports as external_id', async () => {
    const file = path.join(workDir, 'posts-export.geojson');
    const features = [1, 2].map((n) => ({
      type: 'Feature',
      properties: { externalId: `post-${n}`, source: 'roundtrip', kind: 'modular_post', name: `Post ${n}`, walkingRadiusM: 500 },
      geometry: { type: 'Point', coordinates: [76.9 + n / 100, 43.25] },
    }));
    await fs.writeFile(file, JSON.stringify({ type: 'FeatureCollection', features }));
    expect(summary((await ok(['import', 'posts', file, ...rejectsIn('roundtrip')])).stdout)).toEqual({ inserted: 2, updated: 0, rejected: 0, unchanged: 0 });
    expect(summary((await ok(['import', 'posts', file, ...rejectsIn('roundtrip')])).stdout)).toEqual({ inserted: 0, updated: 0, rejected: 0, unchanged: 2 });
  });
});

describe('GIS formats through GDAL', () => {
  const ids = ['G-1', 'G-2', 'G-3', 'G-4'];

  withGdal('a GeoJSON in EPSG:32643 is reprojected, not refused point by point', async () => {
    const result = await ok(['import', 'incidents', fixture('incidents-utm43.geojson'), '--profile', fixture('incidents-gis.profile.json'), ...rejectsIn('geo')]);
    expect(summary(result.stdout)).toEqual({ inserted: 4, updated: 0, rejected: 0, unchanged: 0 });
    expectNearExpected(await points('incidents', 'gis_register'), ids);
    const { rows } = (await knex.raw(`SELECT category FROM incidents WHERE source = 'gis_register' ORDER BY external_id`)) as { rows: { category: string }[] };
    expect(rows.map((r) => r.category)).toEqual(['theft', 'robbery', 'road_collision', 'hooliganism']);
  });

  withGdal('a GeoPackage and a zipped Shapefile made with ogr2ogr from it hold the same incidents', async () => {
    const gpkg = path.join(workDir, 'incidents.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, fixture('incidents-utm43.geojson')]);
    const shpDir = path.join(workDir, 'shp');
    await fs.mkdir(shpDir);
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', path.join(shpDir, 'incidents.shp'), fixture('incidents-utm43.geojson')]);
    const zip = path.join(workDir, 'incidents-shp.zip');
    execFileSync('zip', ['-j', '-q', zip, ...(await fs.readdir(shpDir)).map((f) => path.join(shpDir, f))]);
    for (const file of [gpkg, zip]) {
      await knex.raw(`DELETE FROM incidents WHERE source = 'gis_register'`);
      const result = await ok(['import', 'incidents', file, '--profile', fixture('incidents-gis.profile.json'), ...rejectsIn(path.basename(file))]);
      expect(summary(result.stdout)).toEqual({ inserted: 4, updated: 0, rejected: 0, unchanged: 0 });
      expectNearExpected(await points('incidents', 'gis_register'), ids);
    }
  });

  withGdal('a KML and an Excel workbook (made with ogr2ogr) read through GDAL', async () => {
    const kml = path.join(workDir, 'incidents.kml');
    execFileSync('ogr2ogr', ['-f', 'KML', kml, fixture('incidents-utm43.geojson')]);
    await knex.raw(`DELETE FROM incidents WHERE source = 'gis_register'`);
    // KML dates arrive as GDAL writes them (2026/07/18 22:10:00): read like ISO 8601, in the city's zone
    const result = await ok(['import', 'incidents', kml, '--profile', fixture('incidents-gis.profile.json'), ...rejectsIn('kml')]);
    expect(summary(result.stdout)).toEqual({ inserted: 4, updated: 0, rejected: 0, unchanged: 0 });
    expectNearExpected(await points('incidents', 'gis_register'), ids);
    const { rows } = (await knex.raw(`SELECT occurred_at FROM incidents WHERE source = 'gis_register' AND external_id = 'G-1'`)) as { rows: { occurred_at: Date }[] };
    expect(rows[0].occurred_at.toISOString()).toBe('2026-07-18T17:10:00.000Z');

    const xlsx = path.join(workDir, 'register.xlsx');
    execFileSync('ogr2ogr', ['-f', 'XLSX', xlsx, fixture('incidents-ymdhm-utm43.csv')]);
    await knex.raw(`DELETE FROM incidents WHERE source = 'district_register'`);
    const workbook = await ok(['import', 'incidents', xlsx, '--profile', fixture('incidents-ymdhm-utm43.profile.json'), ...rejectsIn('xlsx')]);
    expect(summary(workbook.stdout)).toEqual({ inserted: 6, updated: 0, rejected: 0, unchanged: 0 });
    expectNearExpected(await points('incidents', 'district_register'), ['KZ-1', 'KZ-2', 'KZ-3', 'KZ-4', 'KZ-5', 'KZ-6']);
  });

  withGdal('a file GDAL cannot read stops with GDAL message', async () => {
    const broken = path.join(workDir, 'broken.gpkg');
    await fs.writeFile(broken, 'SQLite format 3\u0000 but not really');
    await expectRefused(['import', 'incidents', broken, ...rejectsIn('broken')], 1, /GDAL could not read broken.gpkg/);
  });
});

describe('stored profiles', () => {
  it('hotspots profile save, list and show; --profile <name> uses a stored profile', async () => {
    const saved = await ok(['profile', 'save', 'almaty-112', fixture('almaty-112.profile.json')]);
    expect(saved.stdout).toMatch(/^saved profile almaty-112 \(incidents\)/);
    expect((await ok(['profile', 'save', 'almaty-112', fixture('almaty-112.profile.json')])).stdout).toMatch(/^replaced profile almaty-112/);
    expect((await ok(['profile', 'list'])).stdout).toMatch(/^almaty-112\tincidents\t\d{4}-/m);
    expect(JSON.parse((await ok(['profile', 'show', 'almaty-112'])).stdout).fields.external_id).toBe('Номер');
    const dry = await ok(['import', 'incidents', fixture('almaty-112-cp1251.csv'), '--profile', 'almaty-112', '--dry-run']);
    expect(dry.stdout).toMatch(/^incidents: dry run, nothing written: 8 valid, rejected 2/m);
    await expectRefused(['import', 'incidents', fixture('almaty-112-cp1251.csv'), '--profile', 'no-such-profile'], 2, /--profile no-such-profile: no such file, and no stored profile of that name/);
    // a profile with a mistake is not stored
    const bad = path.join(workDir, 'bad-save.profile.json');
    await fs.writeFile(bad, JSON.stringify({ layer: 'incidents', fields: { occurred_at: { column: 'Date', format: 'dd.MM.yyyy QQ' } } }));
    const refused = await cli(['profile', 'save', 'bad', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/profile field fields.occurred_at.format/);
    expect((await ok(['profile', 'list'])).stdout).not.toMatch(/^bad\t/m);
  });
});

describe('hotspots inspect', () => {
  it('shows columns with samples and types, proposes a profile and writes it', async () => {
    const profilePath = path.join(workDir, 'proposed.json');
    const result = await ok(['inspect', fixture('chicago-crimes.csv'), '--layer', 'incidents', '--write-profile', profilePath]);
    expect(result.stdout).toMatch(/chicago-crimes.csv: csv, encoding utf-8, delimiter ","; 9 rows sampled/);
    expect(result.stdout).toMatch(/date\s+date-time \(ISO 8601\)\s+"2026-07-18T00:00:00.000"/);
    expect(result.stdout).toMatch(/x_coordinate\s+integer/);
    const proposed = JSON.parse(await fs.readFile(profilePath, 'utf8'));
    expect(proposed.fields.external_id).toBe('id');
    expect(proposed.fields.occurred_at).toBe('date');
    expect(proposed.fields.category).toBe('primary_type');
    expect(proposed.fields.geometry).toBeUndefined();
    // every primary type of the sample is in the built-in vocabulary
    expect(proposed.description).not.toContain('fields.category.values');
    expect(proposed.coordinates).toEqual({ lat: 'latitude', lng: 'longitude' });
    // the first rows as the import reads them (outside Almaty's bounds: rejected, with the reason)
    expect(result.stdout).toMatch(/first rows as the import reads them \(proposed profile\):\n\s+2: rejected\s+.*lat: point \(41.8837/);
  });

  it('maps the first rows with a given profile', async () => {
    const result = await ok(['inspect', fixture('almaty-112-cp1251.csv'), '--profile', fixture('almaty-112.profile.json'), '--rows', '2']);
    expect(result.stdout).toMatch(/encoding windows-1251, delimiter ";", decimal comma/);
    expect(result.stdout).toMatch(/2: ok\s+source=call_112 externalId=112-2026-000101 occurredAt=2026-07-18T17:10:00.000Z category=theft/);
  });
});
