/**
 * Factor layers for the risk models (risk_features) through the real paths: the compiled CLI
 * and importFile for CSV and GeoJSON files, the importRiskFeatures mutation under its role
 * rule, and the riskFeatureLayers and riskFeatures queries, checked against the database.
 * The tests of this file build on each other's imports and run in order.
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
import type { RequestUser } from '../../src/domain';
import { cellToBigint } from '../../src/geo/h3';
import { importFile, ImportOptions, ImportSummary } from '../../src/import/run';
import { startTestServer, TEST_ADMIN, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

const runFile = promisify(execFile);
const PROJECT_ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(PROJECT_ROOT, 'dist/src/cli/main.js');
const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/imports');
const FINE_RESOLUTION = 11;
const WORKING_GROUP: RequestUser = { id: 'test-working-group', role: 'working_group', agency: null };
const PUBLIC: RequestUser = { id: 'anonymous', role: 'public', agency: null };

let testServer: TestServer;
let knex: Knex;
let workDir: string;

beforeAll(async () => {
  testServer = await startTestServer({}, { actAs: TEST_ADMIN });
  knex = testServer.server.db.knex;
  await truncateLayers(testServer.server);
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hotspots-risk-features-test-'));
});

afterAll(async () => {
  await testServer?.stop();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

function inWorkDir(name: string): string {
  return path.join(workDir, name);
}

function importOptions(file: string, overrides: Partial<ImportOptions> = {}): ImportOptions {
  return {
    layer: 'risk_features',
    file,
    bounds: ALMATY_BOUNDS,
    timeZone: 'Asia/Almaty',
    batchSize: 5000,
    fineResolution: FINE_RESOLUTION,
    rejectsPath: inWorkDir(`${path.basename(file)}.rejects.csv`),
    ...overrides,
  };
}

function counts(summary: ImportSummary): { inserted: number; updated: number; unchanged: number; rejected: number } {
  return { inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, rejected: summary.rejected };
}

const SUMMARY_LINE = /^risk_features: inserted (\d+), updated (\d+), rejected (\d+) \(unchanged (\d+); (\d+) rows in [\d.]+ s, \d+\/s\)$/m;

async function cliImport(file: string, extraArgs: string[]): Promise<{ inserted: number; updated: number; rejected: number; unchanged: number; rowsRead: number }> {
  const { stdout } = await runFile(process.execPath, [CLI, 'import', 'risk_features', file, ...extraArgs], { env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL } });
  const match = SUMMARY_LINE.exec(stdout);
  if (!match) throw new Error(`no summary line in the CLI output:\n${stdout}`);
  const [, inserted, updated, rejected, unchanged, rowsRead] = match.map(Number);
  return { inserted, updated, rejected, unchanged, rowsRead };
}

/** Runs the CLI expecting it to fail; returns its exit status and stderr. */
async function cliFailure(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await runFile(process.execPath, [CLI, 'import', ...args], { env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL } });
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`the CLI accepted: import ${args.join(' ')}`);
}

async function readRejects(file: string, positionLabel: 'line' | 'item'): Promise<[number, string, string][]> {
  const rows = parseCsvText(await fs.readFile(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((row) => {
    expect(Object.keys(row)).toEqual([positionLabel, 'external_id', 'reasons']);
    return [Number(row[positionLabel]), row.external_id, row.reasons];
  });
}

interface StoredFeature {
  external_id: string;
  factor: string;
  label: string | null;
  opened_at: Date | null;
  closed_at: Date | null;
  geometry: { type: string; coordinates: unknown };
  h3: string;
}

async function storedFeatures(source: string): Promise<StoredFeature[]> {
  const { rows } = await knex.raw('SELECT external_id, factor, label, opened_at, closed_at, ST_AsGeoJSON(geom)::json AS geometry, h3 FROM risk_features WHERE source = ? ORDER BY external_id', [source]);
  return rows as StoredFeature[];
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

/** The stored fine cell of a position as h3-js computes it, as pg returns bigint. */
function expectedCell(lat: number, lng: number): string {
  return cellToBigint(latLngToCell(lat, lng, FINE_RESOLUTION)).toString();
}

const OUTSIDE = 'is outside the city bounds 76.7,43,77.25,43.45 (lng/lat)';

describe('file import', () => {
  it('GeoJSON: points, a polygon and a line land; every bad feature is reported with its item and field', async () => {
    const rejectsPath = inWorkDir('risk_features.geojson.rejects.csv');
    const summary = await cliImport(fixture('risk_features.geojson'), ['--rejects', rejectsPath]);
    expect(summary).toEqual({ inserted: 5, updated: 0, rejected: 4, unchanged: 0, rowsRead: 9 });

    expect(await readRejects(rejectsPath, 'item')).toEqual([
      [6, 'bad-factor', 'factor: "Liquor Shop" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)'],
      [7, 'bad-dates', 'closed_at: is not after opened_at'],
      [8, 'far-away', `geometry: position [77.5, 43.25] ${OUTSIDE}`],
      [9, 'collection', 'geometry: type must be Point or LineString or MultiLineString or Polygon or MultiPolygon, got GeometryCollection'],
    ]);

    const rows = await storedFeatures('osm_test');
    expect(rows.map((r) => [r.external_id, r.factor, r.label, iso(r.opened_at), iso(r.closed_at), r.geometry.type])).toEqual([
      // local dates without an offset are Almaty midnight: UTC+6 before March 2024
      ['bar-001', 'liquor_shop', 'Liquor shops', '2019-12-31T18:00:00.000Z', null, 'Point'],
      ['bar-002', 'liquor_shop', 'Liquor shops', '2018-04-30T18:00:00.000Z', '2024-05-31T19:00:00.000Z', 'Point'],
      ['bar-003', 'liquor_shop', 'Liquor store', null, null, 'Point'],
      ['house-001', 'abandoned_building', 'Abandoned buildings', null, null, 'Polygon'],
      ['underpass-001', 'unlit_underpass', 'Unlit underpasses', '2016-09-30T18:00:00.000Z', null, 'LineString'],
    ]);
    const byId = new Map(rows.map((r) => [r.external_id, r]));
    expect(byId.get('bar-001')?.geometry.coordinates).toEqual([76.905, 43.252]);
    expect(byId.get('bar-001')?.h3).toBe(expectedCell(43.252, 76.905));
    // a polygon sits in the cell of its outline's average, a line in that of its middle vertex
    expect(byId.get('house-001')?.h3).toBe(expectedCell(43.2452, 76.9203));
    expect(byId.get('underpass-001')?.h3).toBe(expectedCell(43.2505, 76.931));
  });

  it('GeoJSON: importing the same file again changes nothing and rejects the same features', async () => {
    const rejectsPath = inWorkDir('again.rejects.csv');
    const again = await importFile(knex, importOptions(fixture('risk_features.geojson'), { rejectsPath }));
    expect(counts(again)).toEqual({ inserted: 0, updated: 0, unchanged: 5, rejected: 4 });
    expect((await readRejects(rejectsPath, 'item')).map(([item]) => item)).toEqual([6, 7, 8, 9]);
  });

  it('CSV: lat/lng points and a geometry column; bad rows with their line and field; idempotent; one change is one update', async () => {
    const rejectsPath = inWorkDir('risk_features.csv.rejects.csv');
    const summary = await importFile(knex, importOptions(fixture('risk_features.csv'), { rejectsPath }));
    expect(counts(summary)).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 3 });
    expect(summary.format).toBe('csv');
    expect(await readRejects(rejectsPath, 'line')).toEqual([
      [5, 'atm-003', 'factor: "ATM-kiosk" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)'],
      [6, 'atm-004', 'closed_at: is not after opened_at'],
      [7, 'atm-005', `lat: point (51.5072, -0.1276) ${OUTSIDE}`],
    ]);

    const rows = await storedFeatures('city_register');
    expect(rows.map((r) => [r.external_id, r.factor, r.label, iso(r.opened_at), iso(r.closed_at), r.geometry.type])).toEqual([
      ['atm-001', 'atm', 'ATMs', '2021-02-28T18:00:00.000Z', null, 'Point'],
      // Almaty has been UTC+5 since March 2024
      ['atm-002', 'atm', null, '2025-01-09T19:00:00.000Z', '2025-02-09T19:00:00.000Z', 'Point'],
      ['park-001', 'dark_park', 'Unlit parks', null, null, 'Polygon'],
    ]);
    expect(rows[0].h3).toBe(expectedCell(43.2501, 76.9102));

    const again = await importFile(knex, importOptions(fixture('risk_features.csv'), { rejectsPath }));
    expect(counts(again)).toEqual({ inserted: 0, updated: 0, unchanged: 3, rejected: 3 });

    const text = await fs.readFile(fixture('risk_features.csv'), 'utf8');
    const changed = inWorkDir('risk_features-changed.csv');
    await fs.writeFile(changed, text.replace('atm-001,city_register,atm,ATMs,2021-03-01,', 'atm-001,city_register,atm,ATMs,2021-03-01,2026-01-01'));
    const update = await importFile(knex, importOptions(changed, { rejectsPath }));
    expect(counts(update)).toEqual({ inserted: 0, updated: 1, unchanged: 2, rejected: 3 });
    // and back, so the queries below see the fixture as it is
    expect(counts(await importFile(knex, importOptions(fixture('risk_features.csv'), { rejectsPath })))).toEqual({ inserted: 0, updated: 1, unchanged: 2, rejected: 3 });
  });

  it('--factor and --label name the factor of a file whose rows have none; without --factor the header check refuses the file', async () => {
    const file = fixture('risk_features-bus_stops.csv');
    const rejectsPath = inWorkDir('bus_stops.rejects.csv');
    // no factor column and no --factor: refused before any row is read (src/import/mapping.ts)
    await expect(importFile(knex, importOptions(file, { rejectsPath }))).rejects.toThrow(/risk_features: the file cannot fill every required field, so nothing was imported:\n {2}no column for factor\n/);
    expect(await storedFeatures('akimat_transport')).toEqual([]);

    const summary = await cliImport(file, ['--factor', 'bus_stop', '--label', 'Bus stops', '--rejects', rejectsPath]);
    expect(summary).toEqual({ inserted: 3, updated: 0, rejected: 0, unchanged: 0, rowsRead: 3 });
    const rows = await storedFeatures('akimat_transport');
    expect(rows.map((r) => [r.external_id, r.factor, r.label, iso(r.opened_at), iso(r.closed_at)])).toEqual([
      ['stop-001', 'bus_stop', 'Bus stops', null, null],
      ['stop-002', 'bus_stop', 'Bus stops', '2019-08-31T18:00:00.000Z', null],
      ['stop-003', 'bus_stop', 'Bus stops', '2015-03-31T18:00:00.000Z', '2023-08-31T18:00:00.000Z'],
    ]);
    expect(await cliImport(file, ['--factor', 'bus_stop', '--label', 'Bus stops', '--rejects', rejectsPath])).toEqual({ inserted: 0, updated: 0, rejected: 0, unchanged: 3, rowsRead: 3 });
  });

  it('refuses a --factor that is no factor name, and --factor for another layer, as usage errors', async () => {
    const bad = await cliFailure(['risk_features', fixture('risk_features-bus_stops.csv'), '--factor', 'Bus Stop']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--factor "Bus Stop" is not a factor name');
    const otherLayer = await cliFailure(['posts', fixture('posts.csv'), '--factor', 'bus_stop']);
    expect(otherLayer.code).toBe(2);
    expect(otherLayer.stderr).toContain('--factor and --label apply to the risk_features layer only');
  });
});

interface ImportAnswer {
  importRiskFeatures: { inserted: number; updated: number; unchanged: number; rejected: number; rejectedRecords: { index: number; externalId: string | null; errors: { field: string; reason: string }[] }[] };
}

const IMPORT = `mutation ($records: [RiskFeatureInput!]!, $atomic: Boolean) {
  importRiskFeatures(records: $records, atomic: $atomic) {
    inserted updated unchanged rejected
    rejectedRecords { index externalId errors { field reason } }
  }
}`;

const GOOD_RECORDS = [
  { externalId: 'm-001', source: 'analyst_desk', factor: 'liquor_shop', label: 'Liquor shops', lat: 43.2533, lng: 76.9077, openedAt: '2022-02-01T00:00:00Z' },
  { externalId: 'm-002', source: 'analyst_desk', factor: 'bus_stop', geometry: { type: 'Point', coordinates: [76.908, 43.2472] }, closedAt: '2020-01-01T00:00:00Z' },
];

describe('importRiskFeatures', () => {
  it('atomic: one bad record and nothing is written', async () => {
    const records = [...GOOD_RECORDS, { externalId: 'm-003', source: 'analyst_desk', factor: 'bar', lat: 43.25, lng: 76.91, openedAt: '2024-02-01T00:00:00Z', closedAt: '2023-02-01T00:00:00Z' }];
    const res = await testServer.gqlAs<ImportAnswer>(TEST_ANALYST, IMPORT, { records, atomic: true });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importRiskFeatures).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 0,
      rejected: 1,
      rejectedRecords: [{ index: 2, externalId: 'm-003', errors: [{ field: 'closed_at', reason: 'is not after opened_at' }] }],
    });
    expect(await storedFeatures('analyst_desk')).toEqual([]);
  });

  it('not atomic, as an analyst: the good records land, the bad one is reported with its field; sending them again is unchanged', async () => {
    const records = [...GOOD_RECORDS, { externalId: 'm-004', source: 'analyst_desk', factor: 'Bar!', lat: 43.25, lng: 76.91 }];
    const res = await testServer.gqlAs<ImportAnswer>(TEST_ANALYST, IMPORT, { records, atomic: false });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importRiskFeatures).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
    expect(res.data!.importRiskFeatures.rejectedRecords).toEqual([
      { index: 2, externalId: 'm-004', errors: [{ field: 'factor', reason: '"Bar!" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)' }] },
    ]);
    const rows = await storedFeatures('analyst_desk');
    expect(rows.map((r) => [r.external_id, r.factor, r.label, iso(r.opened_at), iso(r.closed_at), r.geometry])).toEqual([
      ['m-001', 'liquor_shop', 'Liquor shops', '2022-02-01T00:00:00.000Z', null, { type: 'Point', coordinates: [76.9077, 43.2533] }],
      ['m-002', 'bus_stop', null, null, '2020-01-01T00:00:00.000Z', { type: 'Point', coordinates: [76.908, 43.2472] }],
    ]);

    const again = await testServer.gqlAs<ImportAnswer>(TEST_ANALYST, IMPORT, { records: GOOD_RECORDS });
    expect(again.data!.importRiskFeatures).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
  });

  it('is refused to the working group (FORBIDDEN) and the public (UNAUTHENTICATED), and writes nothing for them', async () => {
    const records = [{ externalId: 'wg-001', source: 'working_group', factor: 'bar', lat: 43.25, lng: 76.91 }];
    for (const [user, code] of [
      [WORKING_GROUP, 'FORBIDDEN'],
      [PUBLIC, 'UNAUTHENTICATED'],
    ] as const) {
      const res = await testServer.gqlAs<ImportAnswer>(user, IMPORT, { records });
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      expect(res.data?.importRiskFeatures ?? null).toBeNull();
    }
    expect(await storedFeatures('working_group')).toEqual([]);
  });

  it('an empty records list is bad input naming the argument', async () => {
    const res = await testServer.gqlAs<ImportAnswer>(TEST_ANALYST, IMPORT, { records: [] });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'records' });
  });
});

interface LayerAnswer {
  factor: string;
  label: string | null;
  featureCount: number;
  presentCount: number;
  firstOpenedAt: string | null;
  lastChangedAt: string;
  sources: string[];
}

const LAYERS_QUERY = `query ($area: AreaInput) { riskFeatureLayers(area: $area) { factor label featureCount presentCount firstOpenedAt lastChangedAt sources } }`;

describe('riskFeatureLayers', () => {
  it('one row per factor: the commonest label, features, those present now, first opening and sources', async () => {
    // every role may read it: infrastructure, not victims' data
    const res = await testServer.gqlAs<{ riskFeatureLayers: LayerAnswer[] }>(PUBLIC, LAYERS_QUERY);
    expect(res.errors).toBeUndefined();
    const layers = res.data!.riskFeatureLayers;
    expect(layers.map((l) => [l.factor, l.label, l.featureCount, l.presentCount, l.firstOpenedAt, l.sources])).toEqual([
      ['abandoned_building', 'Abandoned buildings', 1, 1, null, ['osm_test']],
      // atm-002 has no label and was closed in February 2025
      ['atm', 'ATMs', 2, 1, '2021-02-28T18:00:00.000Z', ['city_register']],
      // stop-003 and m-002 are closed; m-002 has no label
      ['bus_stop', 'Bus stops', 4, 2, '2015-03-31T18:00:00.000Z', ['akimat_transport', 'analyst_desk']],
      ['dark_park', 'Unlit parks', 1, 1, null, ['city_register']],
      // "Liquor shops" three times, "Liquor store" once; bar-002 is closed
      ['liquor_shop', 'Liquor shops', 4, 3, '2018-04-30T18:00:00.000Z', ['analyst_desk', 'osm_test']],
      ['unlit_underpass', 'Unlit underpasses', 1, 1, '2016-09-30T18:00:00.000Z', ['osm_test']],
    ]);
    const [{ last }] = (await knex.raw("SELECT max(updated_at) AS last FROM risk_features WHERE factor = 'bus_stop'")).rows as { last: Date }[];
    expect(layers.find((l) => l.factor === 'bus_stop')?.lastChangedAt).toBe(last.toISOString());
  });

  it('counts only the features in an area', async () => {
    const res = await testServer.gql<{ riskFeatureLayers: LayerAnswer[] }>(LAYERS_QUERY, { area: { bbox: [76.895, 43.245, 76.912, 43.2525] } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.riskFeatureLayers.map((l) => [l.factor, l.featureCount, l.presentCount])).toEqual([
      ['atm', 1, 1],
      ['bus_stop', 4, 2],
      ['liquor_shop', 1, 1],
    ]);
  });

  it('refuses a malformed area with the argument named', async () => {
    const res = await testServer.gql(LAYERS_QUERY, { area: { bbox: [76.95, 43.2, 76.9, 43.3] } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'area.bbox' });
  });
});

interface FeaturesAnswer {
  riskFeatures: {
    totalCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    nodes: { id: string; source: string; externalId: string; factor: string; label: string | null; openedAt: string | null; closedAt: string | null; geometry: { type: string; coordinates: unknown }; h3: string }[];
  };
}

const FEATURES_QUERY = `query ($filter: RiskFeatureFilter, $first: Int, $after: String) {
  riskFeatures(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id source externalId factor label openedAt closedAt geometry h3 }
  }
}`;

describe('riskFeatures', () => {
  it('lists features with their fields, the fine cell as hex, as a working group member', async () => {
    const res = await testServer.gqlAs<FeaturesAnswer>(WORKING_GROUP, FEATURES_QUERY, { filter: { factors: ['atm'] } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.riskFeatures.totalCount).toBe(2);
    const [first] = res.data!.riskFeatures.nodes;
    expect(first).toMatchObject({
      source: 'city_register',
      externalId: 'atm-001',
      factor: 'atm',
      label: 'ATMs',
      openedAt: '2021-02-28T18:00:00.000Z',
      closedAt: null,
      geometry: { type: 'Point', coordinates: [76.9102, 43.2501] },
      h3: latLngToCell(43.2501, 76.9102, FINE_RESOLUTION),
    });
  });

  it('filters by the instant features were present at', async () => {
    const at = async (presentAt: string) => {
      const res = await testServer.gql<FeaturesAnswer>(FEATURES_QUERY, { filter: { factors: ['bus_stop'], presentAt } });
      expect(res.errors).toBeUndefined();
      return res.data!.riskFeatures.nodes.map((n) => n.externalId);
    };
    // m-002 closed at the start of 2020; stop-003 stood from 2015 to September 2023
    expect(await at('2019-06-01T00:00:00Z')).toEqual(['stop-001', 'stop-003', 'm-002']);
    expect(await at('2022-01-01T00:00:00Z')).toEqual(['stop-001', 'stop-002', 'stop-003']);
    expect(await at('2024-01-01T00:00:00Z')).toEqual(['stop-001', 'stop-002']);
    // at its closed_at a feature is gone
    expect(await at('2020-01-01T00:00:00Z')).toEqual(['stop-001', 'stop-002', 'stop-003']);
  });

  it('filters by area and several factors, and pages with cursors', async () => {
    const filter = { factors: ['bus_stop', 'liquor_shop'], area: { bbox: [76.895, 43.245, 76.912, 43.2525] } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const res: { data?: FeaturesAnswer; errors?: unknown[] } = await testServer.gql<FeaturesAnswer>(FEATURES_QUERY, { filter, first: 2, after });
      expect(res.errors).toBeUndefined();
      expect(res.data!.riskFeatures.totalCount).toBe(5);
      seen.push(...res.data!.riskFeatures.nodes.map((n) => n.externalId));
      if (!res.data!.riskFeatures.pageInfo.hasNextPage) break;
      after = res.data!.riskFeatures.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual(['bar-001', 'm-002', 'stop-001', 'stop-002', 'stop-003']);
  });

  it('refuses factor names that cannot exist and an empty factor list, naming the argument', async () => {
    const bad = await testServer.gql(FEATURES_QUERY, { filter: { factors: ['bus_stop', 'Bus Stop'] } });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'filter.factors' });
    expect(bad.errors?.[0].message).toContain('"Bus Stop" is not a factor name');
    const empty = await testServer.gql(FEATURES_QUERY, { filter: { factors: [] } });
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'filter.factors' });
  });
});
