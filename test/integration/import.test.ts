/**
 * File imports through the real path (compiled CLI and importFile) and the import mutations,
 * checked against the database. Every layer and format, bad rows with their line numbers,
 * idempotent re-imports, 100,000 rows, a real police.uk month, Open311 and a failing batch.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseCsvText } from 'csv-parse/sync';
import { latLngToCell } from 'h3-js';
import type { Knex } from 'knex';
import { ALMATY_BOUNDS } from '../../src/config';
import type { BBox, Layer } from '../../src/domain';
import { cellCentre, cellToBigint } from '../../src/geo/h3';
import { mulberry32 } from '../../src/geo/stats/random';
import { parseOpen311Mapping } from '../../src/import/readers';
import { importFile, ImportOptions, ImportSummary } from '../../src/import/run';
import { startTestServer, TEST_ADMIN, TestServer, truncateLayers } from '../support/server';

const runFile = promisify(execFile);
const PROJECT_ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(PROJECT_ROOT, 'dist/src/cli/main.js');
const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/imports');
const POLICE_UK_DIR = path.resolve(__dirname, '../../../shared/data/police-uk-city-of-london');
const LONDON_BOUNDS = '-0.6,51.2,0.8,52.2';
const FINE_RESOLUTION = 11;

let testServer: TestServer;
let knex: Knex;
let workDir: string;

beforeAll(async () => {
  testServer = await startTestServer({}, { actAs: TEST_ADMIN });
  knex = testServer.server.db.knex;
  await truncateLayers(testServer.server);
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hotspots-import-test-'));
});

afterAll(async () => {
  await testServer?.stop();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// helpers

function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

function inWorkDir(name: string): string {
  return path.join(workDir, name);
}

interface SummaryCounts {
  layer: string;
  inserted: number;
  updated: number;
  rejected: number;
  unchanged: number;
  skipped: number;
  rowsRead: number;
}

const SUMMARY_LINE = /^(\w+): inserted (\d+), updated (\d+), rejected (\d+) \(unchanged (\d+)(?:, skipped (\d+) of other layers)?; (\d+) rows in [\d.]+ s, \d+\/s\)$/m;

function parseSummaryLine(stdout: string): SummaryCounts {
  const match = SUMMARY_LINE.exec(stdout);
  if (!match) throw new Error(`no summary line in the CLI output:\n${stdout}`);
  const [, layer, inserted, updated, rejected, unchanged, skipped, rowsRead] = match;
  return { layer, inserted: +inserted, updated: +updated, rejected: +rejected, unchanged: +unchanged, skipped: skipped ? +skipped : 0, rowsRead: +rowsRead };
}

/** `hotspots import <layer> <file> ...` as a user runs it; returns its stdout and parsed summary. */
async function cliImport(layer: Layer, file: string, extraArgs: string[] = []): Promise<{ stdout: string; summary: SummaryCounts }> {
  const { stdout } = await runFile(process.execPath, [CLI, 'import', layer, file, ...extraArgs], {
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
  });
  return { stdout, summary: parseSummaryLine(stdout) };
}

function importOptions(layer: Layer, file: string, overrides: Partial<ImportOptions> = {}): ImportOptions {
  return {
    layer,
    file,
    bounds: ALMATY_BOUNDS,
    timeZone: 'Asia/Almaty',
    batchSize: 5000,
    fineResolution: FINE_RESOLUTION,
    rejectsPath: inWorkDir(`${path.basename(file)}.rejects.csv`),
    ...overrides,
  };
}

function counts(summary: ImportSummary | SummaryCounts): { inserted: number; updated: number; unchanged: number; rejected: number } {
  return { inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, rejected: summary.rejected };
}

interface RejectRow {
  position: number;
  externalId: string;
  reasons: string;
}

async function readRejects(file: string, positionLabel: 'line' | 'item' = 'line'): Promise<RejectRow[]> {
  const rows = parseCsvText(await fs.readFile(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((row) => {
    expect(Object.keys(row)).toEqual([positionLabel, 'external_id', 'reasons']);
    return { position: Number(row[positionLabel]), externalId: row.external_id, reasons: row.reasons };
  });
}

/** Copy of a fixture with one text replaced exactly once: the "one row changed" re-import. */
async function copyWithOneChange(name: string, from: string, to: string): Promise<string> {
  const text = await fs.readFile(fixture(name), 'utf8');
  expect(text.split(from)).toHaveLength(2);
  const file = inWorkDir(`changed-${name}`);
  await fs.writeFile(file, text.replace(from, to));
  return file;
}

/** Imports the fixture again (nothing changes), then a copy with one row changed (one update). */
async function expectIdempotentThenOneUpdate(layer: Layer, name: string, rowCount: number, from: string, to: string): Promise<void> {
  const again = await importFile(knex, importOptions(layer, fixture(name)));
  expect(counts(again)).toEqual({ inserted: 0, updated: 0, unchanged: rowCount, rejected: 0 });
  const changedFile = await copyWithOneChange(name, from, to);
  const changed = await importFile(knex, importOptions(layer, changedFile));
  expect(counts(changed)).toEqual({ inserted: 0, updated: 1, unchanged: rowCount - 1, rejected: 0 });
}

async function queryRows<T>(sql: string, bindings: Knex.RawBinding[] = []): Promise<T[]> {
  const result = await knex.raw(sql, bindings);
  return result.rows as T[];
}

async function countRows(table: string, source: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(`SELECT count(*)::int AS count FROM ${table} WHERE source = ?`, [source]);
  return row.count;
}

/** The stored fine cell of a position as h3-js computes it (latitude first), as pg returns bigint. */
function expectedCell(lat: number, lng: number): string {
  return cellToBigint(latLngToCell(lat, lng, FINE_RESOLUTION)).toString();
}

interface GeometryRow {
  external_id: string;
  geometry: { type: string; coordinates: unknown };
  h3: string;
}

async function geometriesOf(table: string, source: string): Promise<Map<string, GeometryRow>> {
  const rows = await queryRows<GeometryRow>(`SELECT external_id, ST_AsGeoJSON(geom)::json AS geometry, h3 FROM ${table} WHERE source = ? ORDER BY external_id`, [source]);
  return new Map(rows.map((r) => [r.external_id, r]));
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

// ---------------------------------------------------------------------------------------------

describe('CSV import of every layer', () => {
  it('incidents: values, offsets and Almaty local times, H3 cell; re-import changes nothing; one change is one update', async () => {
    const { summary, stdout } = await cliImport('incidents', fixture('incidents.csv'), ['--rejects', inWorkDir('incidents.rejects.csv')]);
    expect(summary).toEqual({ layer: 'incidents', inserted: 5, updated: 0, rejected: 0, unchanged: 0, skipped: 0, rowsRead: 5 });
    expect(stdout).not.toContain('rejected rows with line and reason');

    interface IncidentRow {
      external_id: string;
      source: string;
      occurred_at: Date;
      category: string;
      outdoor: boolean | null;
      description: string | null;
      time_precision: string;
      lng: number;
      lat: number;
      h3: string;
    }
    const rows = await queryRows<IncidentRow>(
      `SELECT external_id, source, occurred_at, category, outdoor, description, time_precision, ST_X(geom) AS lng, ST_Y(geom) AS lat, h3
         FROM incidents WHERE external_id LIKE 'inc-%' ORDER BY external_id`,
    );
    expect(rows.map((r) => [r.external_id, r.source, iso(r.occurred_at), r.category, r.outdoor, r.description, r.time_precision])).toEqual([
      ['inc-001', 'call_112', '2025-03-14T16:30:00.000Z', 'theft', true, 'Phone taken at a bus stop, Abay Avenue', 'exact'],
      // local time without an offset: Almaty is UTC+5 since March 2024
      ['inc-002', 'call_112', '2025-03-14T18:15:00.000Z', 'hooliganism', true, 'Fight outside a bar', 'exact'],
      ['inc-003', 'patrol', '2025-03-15T02:05:00.000Z', 'drunkenness', null, null, 'exact'],
      // ... and was UTC+6 before: the offset of the date itself applies
      ['inc-004', 'website', '2023-06-01T16:00:00.000Z', 'vandalism', false, 'Bus shelter glass broken', 'day'],
      ['inc-005', 'social_media', '2025-04-01T02:00:00.000Z', 'road_collision', true, 'Two cars at the "Sairan" crossing', 'exact'],
    ]);
    const first = rows[0];
    expect(first.lng).toBeCloseTo(76.8897, 9);
    expect(first.lat).toBeCloseTo(43.2389, 9);
    for (const row of rows) expect(row.h3).toBe(expectedCell(row.lat, row.lng));
    expect(first.h3).toBe(expectedCell(43.2389, 76.8897));

    // the same rows through GraphQL: the cell as h3-js hex
    const response = await testServer.gql<{ incidents: { totalCount: number; nodes: { externalId: string; h3: string; category: string; occurredAt: string }[] } }>(
      `query { incidents(filter: { sources: ["call_112"] }) { totalCount nodes { externalId h3 category occurredAt } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.incidents.totalCount).toBe(2);
    const viaApi = response.data?.incidents.nodes.find((n) => n.externalId === 'inc-001');
    expect(viaApi).toEqual({ externalId: 'inc-001', h3: latLngToCell(43.2389, 76.8897, FINE_RESOLUTION), category: 'THEFT', occurredAt: '2025-03-14T16:30:00.000Z' });

    await expectIdempotentThenOneUpdate('incidents', 'incidents.csv', 5, '02:05:00Z,drunkenness', '02:05:00Z,hooliganism');
    const [changed] = await queryRows<{ category: string }>(`SELECT category FROM incidents WHERE external_id = 'inc-003'`);
    expect(changed.category).toBe('hooliganism');
  });

  it('lighting_outages: points and a LineString given as GeoJSON text, fixed_at; idempotent', async () => {
    const { summary } = await cliImport('lighting_outages', fixture('lighting_outages.csv'), ['--rejects', inWorkDir('lo.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await queryRows<{ external_id: string; reported_at: Date; fixed_at: Date | null; street: string | null }>(
      `SELECT external_id, reported_at, fixed_at, street FROM lighting_outages WHERE source = 'akimat_311' ORDER BY external_id`,
    );
    expect(rows.map((r) => [r.external_id, iso(r.reported_at), iso(r.fixed_at), r.street])).toEqual([
      ['lo-001', '2025-01-10T13:00:00.000Z', null, 'Abay Avenue'],
      ['lo-002', '2025-01-11T14:30:00.000Z', '2025-01-13T05:00:00.000Z', 'Tole Bi Street'],
      ['lo-003', '2025-01-12T12:45:00.000Z', null, 'Satpayev Street'],
    ]);
    const geometries = await geometriesOf('lighting_outages', 'akimat_311');
    expect(geometries.get('lo-001')?.geometry).toEqual({ type: 'Point', coordinates: [76.9102, 43.2401] });
    expect(geometries.get('lo-001')?.h3).toBe(expectedCell(43.2401, 76.9102));
    expect(geometries.get('lo-003')?.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [76.92, 43.235],
        [76.925, 43.2352],
        [76.93, 43.2355],
      ],
    });
    // a segment sits in the cell of its middle vertex
    expect(geometries.get('lo-003')?.h3).toBe(expectedCell(43.2352, 76.925));

    await expectIdempotentThenOneUpdate('lighting_outages', 'lighting_outages.csv', 3, '18:00:00+05:00,,Abay', '18:00:00+05:00,2025-01-12T09:00:00+05:00,Abay');
    const [fixed] = await queryRows<{ fixed_at: Date | null }>(`SELECT fixed_at FROM lighting_outages WHERE source = 'akimat_311' AND external_id = 'lo-001'`);
    expect(iso(fixed.fixed_at)).toBe('2025-01-12T04:00:00.000Z');
  });

  it('road_defects: kinds normalised, local times; idempotent', async () => {
    const { summary } = await cliImport('road_defects', fixture('road_defects.csv'), ['--rejects', inWorkDir('rd.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await queryRows<{ external_id: string; source: string; kind: string; reported_at: Date; fixed_at: Date | null; h3: string }>(
      `SELECT external_id, source, kind, reported_at, fixed_at, h3 FROM road_defects WHERE external_id LIKE 'rd-%' ORDER BY external_id`,
    );
    expect(rows.map((r) => [r.external_id, r.source, r.kind, iso(r.reported_at), iso(r.fixed_at)])).toEqual([
      ['rd-001', 'akimat_311', 'pothole', '2025-04-02T04:00:00.000Z', null],
      ['rd-002', 'akimat_311', 'missing_crosswalk', '2025-04-03T09:20:00.000Z', '2025-05-20T07:00:00.000Z'],
      ['rd-003', 'road_survey', 'broken_surface', '2025-04-05T11:00:00.000Z', null],
    ]);
    expect(rows[1].h3).toBe(expectedCell(43.2215, 76.865));

    await expectIdempotentThenOneUpdate('road_defects', 'road_defects.csv', 3, '11:00:00Z,,', '11:00:00Z,2025-04-09T11:00:00Z,');
  });

  it('youth_facilities: kinds, dates (a 2019 local date is UTC+6), points; idempotent', async () => {
    const { summary } = await cliImport('youth_facilities', fixture('youth_facilities.csv'), ['--rejects', inWorkDir('yf.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await queryRows<{ external_id: string; kind: string; name: string | null; opened_at: Date | null; h3: string }>(
      `SELECT external_id, kind, name, opened_at, h3 FROM youth_facilities WHERE source = 'city_register' ORDER BY external_id`,
    );
    expect(rows.map((r) => [r.external_id, r.kind, r.name, iso(r.opened_at)])).toEqual([
      ['yf-001', 'football_field', 'Central Stadium, training pitch', '2019-08-31T18:00:00.000Z'],
      ['yf-002', 'youth_club', 'Youth Centre Almaly', null],
      ['yf-003', 'gym', 'Aksai Gym', '2022-02-15T05:00:00.000Z'],
    ]);
    expect(rows[2].h3).toBe(expectedCell(43.23, 76.83));

    await expectIdempotentThenOneUpdate('youth_facilities', 'youth_facilities.csv', 3, 'Youth Centre Almaly', 'Almaly Youth Centre');
  });

  it('population: external_id defaults to the cell, cell stored as bigint with its resolution and centre; idempotent', async () => {
    const { summary } = await cliImport('population', fixture('population.csv'), ['--rejects', inWorkDir('pop.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await queryRows<{ external_id: string; h3: string; resolution: number; residents: number; young_residents: number; lng: number; lat: number }>(
      `SELECT external_id, h3, resolution, residents, young_residents, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM population WHERE source = 'census_2021' ORDER BY residents`,
    );
    expect(rows.map((r) => [r.external_id, r.h3, r.resolution, r.residents, r.young_residents])).toEqual([
      ['almaly-cell-3', cellToBigint('8920e60a6dbffff').toString(), 9, 975, 120],
      ['8920e60a09bffff', cellToBigint('8920e60a09bffff').toString(), 9, 1840, 260],
      ['8920e601243ffff', cellToBigint('8920e601243ffff').toString(), 9, 2510, 415],
    ]);
    const [centreLng, centreLat] = cellCentre('8920e60a09bffff');
    expect(rows[1].lng).toBeCloseTo(centreLng, 9);
    expect(rows[1].lat).toBeCloseTo(centreLat, 9);

    await expectIdempotentThenOneUpdate('population', 'population.csv', 3, ',1840,260', ',1850,260');
  });

  it('posts: kinds, default walking radius, opened_at; idempotent', async () => {
    const { summary } = await cliImport('posts', fixture('posts.csv'), ['--rejects', inWorkDir('posts.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await queryRows<{ external_id: string; kind: string; name: string | null; walking_radius_m: number; opened_at: Date | null; h3: string }>(
      `SELECT external_id, kind, name, walking_radius_m, opened_at, h3 FROM posts WHERE source = 'mvd_register' ORDER BY external_id`,
    );
    expect(rows.map((r) => [r.external_id, r.kind, r.name, r.walking_radius_m, iso(r.opened_at)])).toEqual([
      ['post-001', 'modular_post', 'Post No. 1 Abay-Dostyk', 400, '2023-04-30T18:00:00.000Z'],
      ['post-002', 'precinct_office', 'Precinct office 12', 500, null],
      ['post-003', 'police_station', 'Almaly district police', 800, '2010-01-01T03:00:00.000Z'],
    ]);
    expect(rows[0].h3).toBe(expectedCell(43.2405, 76.956));

    await expectIdempotentThenOneUpdate('posts', 'posts.csv', 3, ',400,', ',450,');
  });
});

describe('GeoJSON import', () => {
  it('areas: a precinct listed before its district still gets parent_id; stored as MultiPolygon; idempotent', async () => {
    const { summary } = await cliImport('areas', fixture('areas.geojson'), ['--rejects', inWorkDir('areas.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await queryRows<{ id: string; external_id: string; kind: string; name: string; name_ru: string | null; name_kk: string | null; parent_id: string | null; geometry_type: string; km2: number }>(
      `SELECT id, external_id, kind, name, name_ru, name_kk, parent_id, GeometryType(geom) AS geometry_type, ST_Area(geom::geography) / 1e6 AS km2
         FROM areas WHERE source = 'test_boundaries' ORDER BY kind`,
    );
    const [district, precinct] = rows;
    expect([district.external_id, district.kind, district.name, district.name_ru, district.name_kk, district.parent_id, district.geometry_type]).toEqual([
      'almaly',
      'district',
      'Almaly District',
      'Алмалинский район',
      'Алмалы ауданы',
      null,
      'MULTIPOLYGON',
    ]);
    expect([precinct.external_id, precinct.kind, precinct.name_ru, precinct.parent_id, precinct.geometry_type]).toEqual(['almaly-precinct-4', 'precinct', 'Участок 4', district.id, 'MULTIPOLYGON']);
    // 0.02 deg x 0.015 deg at 43.25 N: about 1.62 km x 1.67 km
    expect(precinct.km2).toBeGreaterThan(2.6);
    expect(precinct.km2).toBeLessThan(2.8);

    await expectIdempotentThenOneUpdate('areas', 'areas.geojson', 2, '"name": "Precinct 4"', '"name": "Precinct No. 4"');
    const [renamed] = await queryRows<{ name: string; parent_id: string | null }>(`SELECT name, parent_id FROM areas WHERE external_id = 'almaly-precinct-4'`);
    expect(renamed).toEqual({ name: 'Precinct No. 4', parent_id: district.id });
  });

  it('lighting_outages: LineString and MultiLineString segments with the cell of their middle vertex; a moved segment is one update', async () => {
    const { summary } = await cliImport('lighting_outages', fixture('lighting_outages.geojson'), ['--rejects', inWorkDir('segments.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const geometries = await geometriesOf('lighting_outages', 'lighting_survey');
    expect(geometries.get('seg-001')?.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [76.955, 43.23],
        [76.9555, 43.234],
        [76.956, 43.238],
      ],
    });
    expect(geometries.get('seg-001')?.h3).toBe(expectedCell(43.234, 76.9555));
    expect(geometries.get('seg-002')?.h3).toBe(expectedCell(43.2482, 76.94));
    expect(geometries.get('seg-003')?.geometry.type).toBe('MultiLineString');
    expect(geometries.get('seg-003')?.h3).toBe(expectedCell(43.2602, 76.92));
    const [seg2] = await queryRows<{ reported_at: Date; fixed_at: Date | null; length_m: number }>(
      `SELECT reported_at, fixed_at, ST_Length(geom::geography) AS length_m FROM lighting_outages WHERE source = 'lighting_survey' AND external_id = 'seg-002'`,
    );
    expect([iso(seg2.reported_at), iso(seg2.fixed_at)]).toEqual(['2025-02-02T14:00:00.000Z', '2025-02-05T07:00:00.000Z']);
    // 0.01 deg of longitude at 43.248 N is about 811 m
    expect(seg2.length_m).toBeGreaterThan(800);
    expect(seg2.length_m).toBeLessThan(820);

    await expectIdempotentThenOneUpdate('lighting_outages', 'lighting_outages.geojson', 3, '[76.9400, 43.2482]', '[76.9450, 43.2482]');
    expect((await geometriesOf('lighting_outages', 'lighting_survey')).get('seg-002')?.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [76.93, 43.248],
        [76.945, 43.2482],
      ],
    });
  });

  it('youth_facilities: polygons and a multipolygon with the cell of their outline average; idempotent', async () => {
    const { summary } = await cliImport('youth_facilities', fixture('youth_facilities.geojson'), ['--rejects', inWorkDir('fields.rejects.csv')]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 0 });
    const geometries = await geometriesOf('youth_facilities', 'osm_test');
    expect(geometries.get('field-001')?.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [76.9, 43.25],
          [76.901, 43.25],
          [76.901, 43.2506],
          [76.9, 43.2506],
          [76.9, 43.25],
        ],
      ],
    });
    expect(geometries.get('field-001')?.h3).toBe(expectedCell(43.2503, 76.9005));
    expect(geometries.get('ground-002')?.geometry.type).toBe('MultiPolygon');
    expect(geometries.get('ground-002')?.h3).toBe(expectedCell(43.2206, 76.941));
    expect(geometries.get('club-003')?.geometry).toEqual({ type: 'Point', coordinates: [76.935, 43.258] });
    const kinds = await queryRows<{ external_id: string; kind: string; opened_at: Date | null }>(`SELECT external_id, kind, opened_at FROM youth_facilities WHERE source = 'osm_test' ORDER BY external_id`);
    expect(kinds.map((r) => [r.external_id, r.kind, iso(r.opened_at)])).toEqual([
      ['club-003', 'youth_club', null],
      ['field-001', 'football_field', '2021-05-19T18:00:00.000Z'],
      ['ground-002', 'sports_ground', null],
    ]);

    await expectIdempotentThenOneUpdate('youth_facilities', 'youth_facilities.geojson', 3, '"name": "Park sports ground"', '"name": "Central park sports ground"');
  });
});

describe('bad rows', () => {
  it('CSV: each bad row is rejected with its line and a reason naming the field; the good rows land', async () => {
    const rejectsPath = inWorkDir('incidents-bad.rejects.csv');
    const { summary, stdout } = await cliImport('incidents', fixture('incidents-bad.csv'), ['--rejects', rejectsPath]);
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 7 });
    expect(stdout).toContain(`rejected rows with line and reason: ${rejectsPath}`);
    const rejects = await readRejects(rejectsPath);
    expect(rejects.map((r) => [r.position, r.externalId])).toEqual([
      [3, 'bad-002'],
      [4, 'bad-003'],
      [5, 'bad-004'],
      [6, 'bad-005'],
      [7, 'bad-006'],
      [8, 'bad-007'],
      [10, 'bad-001'],
    ]);
    const reasonOf = (line: number): string => rejects.find((r) => r.position === line)?.reasons ?? '';
    expect(reasonOf(3)).toBe('category: is required');
    expect(reasonOf(4)).toMatch(/^occurred_at: "14\/03\/2025 22:10" is not a date-time/);
    expect(reasonOf(5)).toMatch(/^lat: point \(51\.5072, -0\.1276\) is outside the city bounds/);
    expect(reasonOf(6)).toMatch(/^category: unknown value "arson"; expected one of /);
    expect(reasonOf(7)).toBe('(row): has 6 fields; the header has 8');
    expect(reasonOf(8)).toBe('(row): has 9 fields; the header has 8');
    expect(reasonOf(10)).toBe('external_id: duplicates the id of line 2 of this file');

    const stored = await queryRows<{ external_id: string; category: string }>(`SELECT external_id, category FROM incidents WHERE source = 'bad_rows' ORDER BY external_id`);
    // the first bad-001 (line 2) is kept, not the duplicate of line 10
    expect(stored).toEqual([
      { external_id: 'bad-001', category: 'theft' },
      { external_id: 'bad-008', category: 'robbery' },
      { external_id: 'bad-009', category: 'drugs' },
    ]);

    // re-importing the same file: same rejects, nothing written
    const again = await importFile(knex, importOptions('incidents', fixture('incidents-bad.csv'), { rejectsPath }));
    expect(counts(again)).toEqual({ inserted: 0, updated: 0, unchanged: 3, rejected: 7 });
    expect((await readRejects(rejectsPath)).map((r) => r.position)).toEqual([3, 4, 5, 6, 7, 8, 10]);
  });

  it('fixed_at before reported_at, missing coordinates, unknown kind, bad H3 cell and counts', async () => {
    const outages = await importFile(knex, importOptions('lighting_outages', fixture('lighting_outages-bad.csv')));
    expect(counts(outages)).toEqual({ inserted: 1, updated: 0, unchanged: 0, rejected: 2 });
    expect((await readRejects(outages.rejectsPath!)).map((r) => [r.position, r.externalId, r.reasons])).toEqual([
      [2, 'lob-001', 'fixed_at: is before reported_at'],
      [4, 'lob-003', 'lat: is required; lng: is required'],
    ]);
    expect(await queryRows<{ external_id: string }>(`SELECT external_id FROM lighting_outages WHERE external_id LIKE 'lob-%'`)).toEqual([{ external_id: 'lob-002' }]);

    const defects = await importFile(knex, importOptions('road_defects', fixture('road_defects-bad.csv')));
    expect(counts(defects)).toEqual({ inserted: 1, updated: 0, unchanged: 0, rejected: 2 });
    const defectRejects = await readRejects(defects.rejectsPath!);
    expect(defectRejects.map((r) => r.position)).toEqual([2, 4]);
    expect(defectRejects[0].reasons).toMatch(/^kind: unknown value "sinkhole"; expected one of pothole, /);
    expect(defectRejects[1].reasons).toBe('fixed_at: is before reported_at');

    const population = await importFile(knex, importOptions('population', fixture('population-bad.csv')));
    expect(counts(population)).toEqual({ inserted: 1, updated: 0, unchanged: 0, rejected: 3 });
    expect((await readRejects(population.rejectsPath!)).map((r) => [r.position, r.reasons])).toEqual([
      [3, 'h3: "not-a-cell" is not an H3 cell'],
      [4, 'young_residents: 150 is more than residents (100)'],
      [5, 'residents: must be from 0 to 10000000, got -5'],
    ]);
    expect(await countRows('population', 'census_bad')).toBe(1);
  });

  it('GeoJSON: self-intersecting polygon, unclosed ring, unknown kind and outline outside the city, by item number', async () => {
    const rejectsPath = inWorkDir('facilities-bad.rejects.csv');
    const { summary } = await cliImport('youth_facilities', fixture('youth_facilities-bad.geojson'), ['--rejects', rejectsPath]);
    expect(counts(summary)).toEqual({ inserted: 1, updated: 0, unchanged: 0, rejected: 4 });
    expect((await readRejects(rejectsPath, 'item')).map((r) => [r.position, r.externalId, r.reasons])).toEqual([
      [1, 'bowtie', 'geometry: polygon is self-intersecting'],
      [2, 'open-ring', 'geometry: a polygon ring must be closed (first position equals last)'],
      [4, 'skate-park', expect.stringMatching(/^kind: unknown value "skate_park"; expected one of football_field, /)],
      [5, 'far-away', expect.stringMatching(/^geometry: position \[77\.5, 43\.25\] is outside the city bounds/)],
    ]);
    expect(await queryRows<{ external_id: string }>(`SELECT external_id FROM youth_facilities WHERE source = 'osm_bad'`)).toEqual([{ external_id: 'good-pitch' }]);
  });
});

// ---------------------------------------------------------------------------------------------
// generated files

/** Deterministic pseudo-random numbers (mulberry32), so the generated files are the same each run. */
const seededRandom = mulberry32;

const GENERATED_CATEGORIES = ['theft', 'hooliganism', 'drunkenness', 'assault', 'road_collision', 'vandalism', 'domestic_conflict'];
const INCIDENT_HEADER = 'external_id,source,occurred_at,category,lat,lng,outdoor,description';

function generatedIncidentLine(source: string, index: number, random: () => number): string {
  const occurredAt = new Date(Date.UTC(2025, 0, 1) + Math.floor(random() * 300 * 86400) * 1000).toISOString();
  const category = GENERATED_CATEGORIES[Math.floor(random() * GENERATED_CATEGORIES.length)];
  const lat = (43.2 + random() * 0.15).toFixed(6);
  const lng = (76.8 + random() * 0.25).toFixed(6);
  return `gen-${String(index).padStart(6, '0')},${source},${occurredAt},${category},${lat},${lng},${random() < 0.7},generated ${index}`;
}

describe('acceptance: large and mixed files', () => {
  it('100,000 incidents imported twice: 100,000 rows, the second run inserts 0 and updates 0', async () => {
    const source = 'generated_100k';
    const rowCount = 100_000;
    const random = seededRandom(20260301);
    const lines = [INCIDENT_HEADER];
    for (let i = 1; i <= rowCount; i++) lines.push(generatedIncidentLine(source, i, random));
    const file = inWorkDir('incidents-100k.csv');
    await fs.writeFile(file, lines.join('\n') + '\n');
    const fileSize = (await fs.stat(file)).size;

    const progress: [number, number, number][] = [];
    const first = await importFile(knex, importOptions('incidents', file, { onProgress: (bytes, total, rows) => progress.push([bytes, total, rows]) }));
    expect(counts(first)).toEqual({ inserted: rowCount, updated: 0, unchanged: 0, rejected: 0 });
    expect(first.rowsRead).toBe(rowCount);
    expect(first.rejectsPath).toBeNull();
    // every 10,000 rows, then once at the end with the whole file read
    expect(progress.map(([, , rows]) => rows)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000, 100_000]);
    expect(progress[progress.length - 1]).toEqual([fileSize, fileSize, rowCount]);

    const second = await importFile(knex, importOptions('incidents', file));
    expect(counts(second)).toEqual({ inserted: 0, updated: 0, unchanged: rowCount, rejected: 0 });
    expect(await countRows('incidents', source)).toBe(rowCount);

    const runs = await queryRows<{ inserted: number; updated: number; unchanged: number; rejected: number; finished: boolean }>(
      `SELECT inserted, updated, unchanged, rejected, finished_at IS NOT NULL AS finished FROM import_runs WHERE file_name = 'incidents-100k.csv' ORDER BY id`,
    );
    expect(runs).toEqual([
      { inserted: rowCount, updated: 0, unchanged: 0, rejected: 0, finished: true },
      { inserted: 0, updated: 0, unchanged: rowCount, rejected: 0, finished: true },
    ]);
  }, 300_000); // a correctness test; on a busy machine the two imports take minutes

  it('exactly 10 bad rows among good ones: those 10 lines are reported and the rest load', async () => {
    const source = 'ten_bad_rows';
    const random = seededRandom(7);
    const lines = [INCIDENT_HEADER];
    const badLines = new Map<number, string>();
    const spoilers: ((line: string) => string)[] = [
      (l) => l.replace(/,(theft|hooliganism|drunkenness|assault|road_collision|vandalism|domestic_conflict),/, ',,'), // category missing
      (l) => l.replace(/,2025-\d\d-\d\dT[\d:.]+Z,/, ',yesterday evening,'), // unparsable date
      (l) => l.replace(/,43\.\d+,76\.\d+,/, ',43.100000,78.500000,'), // outside the city
      (l) => l.replace(/,(theft|hooliganism|drunkenness|assault|road_collision|vandalism|domestic_conflict),/, ',jaywalking,'), // unknown category
      (l) => l.split(',').slice(0, 6).join(','), // too few fields
      (l) => `${l},surplus`, // too many fields
      (l) => l.replace(/,43\.\d+,/, ',north,'), // lat not a number
      (l) => l.replace(/,(true|false),/, ',maybe,'), // outdoor not a boolean
      (l) => l.replace(/^gen-\d+,/, ','), // external_id missing
      (l) => l.replace(/,2025-\d\d-\d\dT[\d:.]+Z,/, ',2025-02-30 10:00,'), // no such day
    ];
    const badIndexes = [17, 58, 99, 140, 181, 222, 263, 304, 345, 386];
    for (let i = 1; i <= 400; i++) {
      let line = generatedIncidentLine(source, i, random);
      const spoiler = badIndexes.indexOf(i);
      if (spoiler >= 0) {
        line = spoilers[spoiler](line);
        badLines.set(i + 1, line);
      }
      lines.push(line);
    }
    const file = inWorkDir('incidents-ten-bad.csv');
    await fs.writeFile(file, lines.join('\n') + '\n');

    const summary = await importFile(knex, importOptions('incidents', file));
    expect(counts(summary)).toEqual({ inserted: 390, updated: 0, unchanged: 0, rejected: 10 });
    const rejects = await readRejects(summary.rejectsPath!);
    expect(new Set(rejects.map((r) => r.position))).toEqual(new Set(badLines.keys()));
    expect(rejects).toHaveLength(10);
    expect(rejects.map((r) => r.reasons.split(':')[0])).toEqual(['category', 'occurred_at', 'lat', 'category', '(row)', '(row)', 'lat', 'outdoor', 'external_id', 'occurred_at']);
    expect(await countRows('incidents', source)).toBe(390);
  });
});

// ---------------------------------------------------------------------------------------------

/** The category each published police.uk crime type is counted under, as docs/imports.md lists it. */
const POLICE_UK_EXPECTED_CATEGORY: Record<string, string> = {
  'Anti-social behaviour': 'anti_social_behaviour',
  'Bicycle theft': 'theft',
  Burglary: 'burglary',
  'Criminal damage and arson': 'vandalism',
  Drugs: 'drugs',
  'Other crime': 'other',
  'Other theft': 'theft',
  'Possession of weapons': 'weapons',
  'Public order': 'public_order',
  Robbery: 'robbery',
  Shoplifting: 'theft',
  'Theft from the person': 'theft',
  'Vehicle crime': 'vehicle_crime',
  'Violence and sexual offences': 'sexual_offence',
};

describe('police.uk street-level crime (real City of London files)', () => {
  it('sample file: detected by its header, --source applies, identical anti-social behaviour rows get distinct stable ids', async () => {
    const sample = fixture('police-uk-sample.csv');
    const rejectsPath = inWorkDir('police-uk-sample.rejects.csv');
    const { summary } = await cliImport('incidents', sample, [`--bounds=${LONDON_BOUNDS}`, '--source', 'city_of_london_police', '--rejects', rejectsPath]);
    expect(counts(summary)).toEqual({ inserted: 5, updated: 0, unchanged: 0, rejected: 2 });
    expect((await readRejects(rejectsPath)).map((r) => [r.position, r.reasons])).toEqual([
      [6, 'lat: is required; lng: is required'],
      [7, 'external_id: duplicates the id of line 2 of this file'],
    ]);
    const rows = await queryRows<{ external_id: string; category: string; description: string; occurred_at: Date; time_precision: string }>(
      `SELECT external_id, category, description, occurred_at, time_precision FROM incidents WHERE source = 'city_of_london_police' ORDER BY external_id`,
    );
    expect(rows.map((r) => [r.external_id.replace(/^asb-[0-9a-f]{24}-/, 'asb-…-'), r.category, r.description, iso(r.occurred_at), r.time_precision])).toEqual([
      ['a1f0c0de00000000000000000000000000000000000000000000000000000001', 'theft', 'Shoplifting: On or near Cheapside', '2018-12-01T00:00:00.000Z', 'month'],
      ['a1f0c0de00000000000000000000000000000000000000000000000000000002', 'sexual_offence', 'Violence and sexual offences: On or near Carthusian Street', '2018-12-01T00:00:00.000Z', 'month'],
      ['a1f0c0de00000000000000000000000000000000000000000000000000000004', 'vandalism', 'Criminal damage and arson: On or near London Wall', '2018-12-01T00:00:00.000Z', 'month'],
      ['asb-…-1', 'anti_social_behaviour', 'Anti-social behaviour: On or near Gresham Street', '2018-12-01T00:00:00.000Z', 'month'],
      ['asb-…-2', 'anti_social_behaviour', 'Anti-social behaviour: On or near Gresham Street', '2018-12-01T00:00:00.000Z', 'month'],
    ]);
    const again = await importFile(knex, importOptions('incidents', sample, { defaultSource: 'city_of_london_police', bounds: LONDON_BOUNDS.split(',').map(Number) as BBox }));
    expect(counts(again)).toEqual({ inserted: 0, updated: 0, unchanged: 5, rejected: 2 });
  });

  const monthFile = path.join(POLICE_UK_DIR, '2018-03-city-of-london-street.csv');

  it('one month: unlocated rows rejected, duplicate Crime IDs rejected, categories mapped, month precision, stable ids', async () => {
    try {
      await fs.access(monthFile);
    } catch {
      throw new Error(`police.uk test data is missing: expected ${monthFile} (the folder shared/data/police-uk-city-of-london beside the project, which CI provides)`);
    }
    // what the file holds, counted independently of the importer
    const text = await fs.readFile(monthFile, 'utf8');
    const records = parseCsvText(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    // no quoted line breaks in these files: record i sits on line i + 2
    expect(text.trimEnd().split('\n')).toHaveLength(records.length + 1);
    const acceptedCrimeIds = new Set<string>();
    const unlocatedLines: number[] = [];
    const duplicateLines: number[] = [];
    const acceptedByType = new Map<string, number>();
    let antiSocialAccepted = 0;
    records.forEach((record, index) => {
      const line = index + 2;
      if (record.Latitude === '' || record.Longitude === '') {
        unlocatedLines.push(line);
        return;
      }
      const crimeId = record['Crime ID'];
      if (crimeId !== '') {
        if (acceptedCrimeIds.has(crimeId)) {
          duplicateLines.push(line);
          return;
        }
        acceptedCrimeIds.add(crimeId);
      } else antiSocialAccepted++;
      acceptedByType.set(record['Crime type'], (acceptedByType.get(record['Crime type']) ?? 0) + 1);
    });
    const accepted = records.length - unlocatedLines.length - duplicateLines.length;
    // the published file as of this writing: 707 rows, 41 without a location, 4 repeated Crime IDs
    expect([records.length, unlocatedLines.length, duplicateLines.length, accepted]).toEqual([707, 41, 4, 662]);

    const rejectsPath = inWorkDir('police-uk.rejects.csv');
    const { summary } = await cliImport('incidents', monthFile, [`--bounds=${LONDON_BOUNDS}`, '--rejects', rejectsPath]);
    expect(summary).toEqual({ layer: 'incidents', inserted: accepted, updated: 0, rejected: unlocatedLines.length + duplicateLines.length, unchanged: 0, skipped: 0, rowsRead: records.length });

    const rejects = await readRejects(rejectsPath);
    expect(rejects.map((r) => r.position).sort((a, b) => a - b)).toEqual([...unlocatedLines, ...duplicateLines].sort((a, b) => a - b));
    for (const reject of rejects) {
      if (unlocatedLines.includes(reject.position)) expect(reject.reasons).toBe('lat: is required; lng: is required');
      else expect(reject.reasons).toMatch(/^external_id: duplicates the id of line \d+ of this file$/);
    }

    expect(await countRows('incidents', 'police_uk')).toBe(accepted);
    const [precision] = await queryRows<{ month_only: number; first_of_march: number; asb_ids: number }>(
      `SELECT count(*) FILTER (WHERE time_precision = 'month')::int AS month_only,
              count(*) FILTER (WHERE occurred_at = '2018-03-01T00:00:00Z')::int AS first_of_march,
              count(*) FILTER (WHERE external_id LIKE 'asb-%')::int AS asb_ids
         FROM incidents WHERE source = 'police_uk'`,
    );
    expect(precision).toEqual({ month_only: accepted, first_of_march: accepted, asb_ids: antiSocialAccepted });

    const byType = await queryRows<{ crime_type: string; category: string; count: number }>(
      `SELECT split_part(description, ': ', 1) AS crime_type, category, count(*)::int AS count
         FROM incidents WHERE source = 'police_uk' GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(byType).toEqual(
      [...acceptedByType.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([crimeType, count]) => ({ crime_type: crimeType, category: POLICE_UK_EXPECTED_CATEGORY[crimeType], count })),
    );
    const shoplifting = records.find((r) => r['Crime type'] === 'Shoplifting' && r.Latitude !== '' && r['Crime ID'] !== '');
    const [stored] = await queryRows<{ category: string; lng: number; lat: number }>(`SELECT category, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM incidents WHERE source = 'police_uk' AND external_id = ?`, [
      shoplifting!['Crime ID'],
    ]);
    expect(stored.category).toBe('theft');
    expect(stored.lng).toBeCloseTo(Number(shoplifting!.Longitude), 9);
    expect(stored.lat).toBeCloseTo(Number(shoplifting!.Latitude), 9);

    // importing the month again: anti-social behaviour rows get the same ids, nothing changes
    const idsBefore = await queryRows<{ external_id: string }>(`SELECT external_id FROM incidents WHERE source = 'police_uk' ORDER BY external_id`);
    const again = await importFile(knex, importOptions('incidents', monthFile, { bounds: LONDON_BOUNDS.split(',').map(Number) as BBox }));
    expect(again.format).toBe('police-uk');
    expect(counts(again)).toEqual({ inserted: 0, updated: 0, unchanged: accepted, rejected: unlocatedLines.length + duplicateLines.length });
    expect(await queryRows<{ external_id: string }>(`SELECT external_id FROM incidents WHERE source = 'police_uk' ORDER BY external_id`)).toEqual(idsBefore);

    // with the city's own bounds, London is outside: every located row is refused for its position,
    // and an import whose every record is rejected fails (the rejects file says why)
    const almatyRejects = inWorkDir('police-uk-almaty.rejects.csv');
    await expect(importFile(knex, importOptions('incidents', monthFile, { rejectsPath: almatyRejects }))).rejects.toThrow(
      new RegExp(`^incidents: all ${records.length} records were rejected, nothing was imported; every reason in .*; the first: line 2: lat: point \\(51\\.`),
    );
    expect(await readRejects(almatyRejects)).toHaveLength(records.length);
    expect(await queryRows<{ external_id: string }>(`SELECT external_id FROM incidents WHERE source = 'police_uk' ORDER BY external_id`)).toEqual(idsBefore);
  });
});

describe('Open311 GeoReport v2', () => {
  it('streetlight requests go to lighting_outages, potholes are skipped, an unknown code is rejected by item; closed requests are fixed', async () => {
    const requests = fixture('open311-requests.json');
    const rejectsPath = inWorkDir('open311.rejects.csv');
    const { summary } = await cliImport('lighting_outages', requests, ['--mapping', fixture('open311-mapping.json'), '--rejects', rejectsPath]);
    expect(summary).toEqual({ layer: 'lighting_outages', inserted: 3, updated: 0, rejected: 1, unchanged: 0, skipped: 2, rowsRead: 6 });
    expect(await readRejects(rejectsPath, 'item')).toEqual([{ position: 4, externalId: '', reasons: 'service_code: "GRFFT" is not in the service_code mapping' }]);

    const outages = await queryRows<{ external_id: string; reported_at: Date; fixed_at: Date | null; street: string | null; lng: number; lat: number; h3: string }>(
      `SELECT external_id, reported_at, fixed_at, street, ST_X(geom) AS lng, ST_Y(geom) AS lat, h3 FROM lighting_outages WHERE source = 'open311' ORDER BY external_id`,
    );
    expect(outages.map((r) => [r.external_id, iso(r.reported_at), iso(r.fixed_at), r.street])).toEqual([
      ['SR-2025-0001', '2025-02-01T14:10:00.000Z', '2025-02-03T06:00:00.000Z', 'Abay Avenue 52'],
      ['SR-2025-0003', '2025-02-02T15:40:00.000Z', null, 'Tole Bi Street 88'],
      ['SR-2025-0006', '2025-02-04T13:00:00.000Z', '2025-02-06T04:30:00.000Z', 'Satpayev Street 30'],
    ]);
    expect([outages[0].lng, outages[0].lat]).toEqual([76.915, 43.2402]);
    expect(outages[0].h3).toBe(expectedCell(43.2402, 76.915));

    const mapping = parseOpen311Mapping(await fs.readFile(fixture('open311-mapping.json'), 'utf8'));
    const again = await importFile(knex, importOptions('lighting_outages', requests, { open311Mapping: mapping, rejectsPath }));
    expect({ ...counts(again), skipped: again.skipped, format: again.format }).toEqual({ inserted: 0, updated: 0, unchanged: 3, rejected: 1, skipped: 2, format: 'open311' });

    // the same file into road_defects takes the potholes with the mapped kind
    const defects = await importFile(knex, importOptions('road_defects', requests, { open311Mapping: mapping, rejectsPath }));
    expect({ ...counts(defects), skipped: defects.skipped }).toEqual({ inserted: 2, updated: 0, unchanged: 0, rejected: 1, skipped: 3 });
    const potholes = await queryRows<{ external_id: string; kind: string; fixed_at: Date | null }>(`SELECT external_id, kind, fixed_at FROM road_defects WHERE source = 'open311' ORDER BY external_id`);
    expect(potholes.map((r) => [r.external_id, r.kind, iso(r.fixed_at)])).toEqual([
      ['SR-2025-0002', 'pothole', null],
      ['SR-2025-0005', 'pothole', '2025-02-10T11:30:00.000Z'],
    ]);
  });

  it('the documented example mapping file parses and the CLI refuses open311 without a mapping', async () => {
    const example = parseOpen311Mapping(await fs.readFile(path.join(PROJECT_ROOT, 'docs/open311-mapping.example.json'), 'utf8'));
    expect(example.STRLGHT).toEqual({ layer: 'lighting_outages', kind: undefined });
    expect(example.PTHL).toEqual({ layer: 'road_defects', kind: 'pothole' });
    await expect(cliImport('lighting_outages', fixture('open311-requests.json'), ['--rejects', inWorkDir('nomap.rejects.csv')])).rejects.toThrow(/needs a service_code mapping/);
  });
});

describe('a failing batch', () => {
  it('earlier batches stay, the failing batch leaves none of its rows, the import throws and its run stays unfinished', async () => {
    const source = 'crash_test';
    const random = seededRandom(99);
    const lines = [INCIDENT_HEADER];
    for (let i = 1; i <= 50; i++) lines.push(generatedIncidentLine(source, i, random));
    const file = inWorkDir('incidents-crash.csv');
    await fs.writeFile(file, lines.join('\n') + '\n');

    // the database refuses the 25th row: batch 3 of 10 rows (rows 21-30) fails inside PostgreSQL
    await knex.raw(`CREATE FUNCTION test_refuse_one_incident() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.source = 'crash_test' AND NEW.external_id = 'gen-000025' THEN RAISE EXCEPTION 'test refuses %', NEW.external_id; END IF;
        RETURN NEW;
      END $$`);
    await knex.raw('CREATE TRIGGER test_refuse_one_incident BEFORE INSERT ON incidents FOR EACH ROW EXECUTE FUNCTION test_refuse_one_incident()');
    try {
      await expect(importFile(knex, importOptions('incidents', file, { batchSize: 10 }))).rejects.toThrow(/test refuses gen-000025/);
    } finally {
      await knex.raw('DROP TRIGGER test_refuse_one_incident ON incidents');
      await knex.raw('DROP FUNCTION test_refuse_one_incident()');
    }
    const stored = await queryRows<{ external_id: string }>(`SELECT external_id FROM incidents WHERE source = ? ORDER BY external_id`, [source]);
    expect(stored.map((r) => r.external_id)).toEqual(Array.from({ length: 20 }, (_, i) => `gen-${String(i + 1).padStart(6, '0')}`));
    const [run] = await queryRows<{ finished: boolean }>(`SELECT finished_at IS NOT NULL AS finished FROM import_runs WHERE file_name = 'incidents-crash.csv'`);
    expect(run.finished).toBe(false);

    // running it again once the cause is gone completes it: the stored batches are unchanged
    const resumed = await importFile(knex, importOptions('incidents', file, { batchSize: 10 }));
    expect(counts(resumed)).toEqual({ inserted: 30, updated: 0, unchanged: 20, rejected: 0 });
    expect(await countRows('incidents', source)).toBe(50);
  });
});

describe('GraphQL importIncidents', () => {
  const IMPORT_INCIDENTS = `mutation ($records: [IncidentInput!]!, $atomic: Boolean) {
    importIncidents(records: $records, atomic: $atomic) {
      inserted updated unchanged rejected
      rejectedRecords { index externalId errors { field reason } }
    }
  }`;

  interface ImportIncidentsResult {
    importIncidents: {
      inserted: number;
      updated: number;
      unchanged: number;
      rejected: number;
      rejectedRecords: { index: number; externalId: string | null; errors: { field: string; reason: string }[] }[];
    };
  }

  const good = (externalId: string): Record<string, unknown> => ({
    externalId,
    source: 'graphql_test',
    occurredAt: '2025-03-14T21:30:00+05:00',
    category: 'THEFT',
    lat: 43.2389,
    lng: 76.8897,
    outdoor: true,
  });

  it('validates like the file import, writes nothing with atomic: true when a record is bad, and refuses duplicates', async () => {
    const london = { ...good('gq-london'), lat: 51.5072, lng: -0.1276 };

    const atomic = await testServer.gql<ImportIncidentsResult>(IMPORT_INCIDENTS, { records: [good('gq-001'), london, good('gq-002')], atomic: true });
    expect(atomic.errors).toBeUndefined();
    expect(atomic.data?.importIncidents).toMatchObject({ inserted: 0, updated: 0, unchanged: 0, rejected: 1 });
    expect(atomic.data?.importIncidents.rejectedRecords).toEqual([
      { index: 1, externalId: 'gq-london', errors: [{ field: 'lat', reason: expect.stringMatching(/^point \(51\.5072, -0\.1276\) is outside the city bounds/) }] },
    ]);
    expect(await countRows('incidents', 'graphql_test')).toBe(0);

    const partial = await testServer.gql<ImportIncidentsResult>(IMPORT_INCIDENTS, { records: [good('gq-001'), london, good('gq-002')] });
    expect(partial.data?.importIncidents).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
    expect(await countRows('incidents', 'graphql_test')).toBe(2);

    const duplicate = { ...good('gq-003'), category: 'ASSAULT' };
    const withDuplicate = await testServer.gql<ImportIncidentsResult>(IMPORT_INCIDENTS, { records: [good('gq-003'), duplicate, good('gq-001')] });
    expect(withDuplicate.data?.importIncidents).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 1,
      rejected: 1,
      rejectedRecords: [{ index: 1, externalId: 'gq-003', errors: [{ field: 'external_id', reason: 'duplicates the id of record 0 of this request' }] }],
    });
    const stored = await queryRows<{ external_id: string; category: string; occurred_at: Date; h3: string }>(
      `SELECT external_id, category, occurred_at, h3 FROM incidents WHERE source = 'graphql_test' ORDER BY external_id`,
    );
    expect(stored.map((r) => [r.external_id, r.category, iso(r.occurred_at), r.h3])).toEqual([
      ['gq-001', 'theft', '2025-03-14T16:30:00.000Z', expectedCell(43.2389, 76.8897)],
      ['gq-002', 'theft', '2025-03-14T16:30:00.000Z', expectedCell(43.2389, 76.8897)],
      ['gq-003', 'theft', '2025-03-14T16:30:00.000Z', expectedCell(43.2389, 76.8897)],
    ]);

    // atomic with only good records writes them all; sent again, nothing changes
    const allGood = await testServer.gql<ImportIncidentsResult>(IMPORT_INCIDENTS, { records: [good('gq-004'), good('gq-005')], atomic: true });
    expect(allGood.data?.importIncidents).toEqual({ inserted: 2, updated: 0, unchanged: 0, rejected: 0, rejectedRecords: [] });
    const repeated = await testServer.gql<ImportIncidentsResult>(IMPORT_INCIDENTS, { records: [good('gq-004'), good('gq-005')], atomic: true });
    expect(repeated.data?.importIncidents).toEqual({ inserted: 0, updated: 0, unchanged: 2, rejected: 0, rejectedRecords: [] });
  });

  it('an empty request is refused with BAD_USER_INPUT', async () => {
    const empty = await testServer.gql<ImportIncidentsResult>(IMPORT_INCIDENTS, { records: [] });
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(empty.errors?.[0]?.message).toBe('records: must hold at least one record');
  });
});
