/**
 * The import mutations with a mapping profile, over real HTTP: rows as published (the source's
 * own columns) mapped by a stored profile by name or an inline one, as the CLI maps a file, and
 * refused with the CLI's messages, on the argument they are about.
 */
import proj4 from 'proj4';
import { saveImportProfile } from '../../src/db/importProfiles';
import { ImportRefusedError } from '../../src/import/errors';
import { parseProfile } from '../../src/import/profile';
import { startTestServer, TEST_ANALYST, TestServer, truncateLayers } from '../support/server';

let t: TestServer;

const IMPORT = `mutation ($rows: [JSONObject!], $profile: ImportProfileInput, $records: [IncidentInput!], $atomic: Boolean) {
  importIncidents(rows: $rows, profile: $profile, records: $records, atomic: $atomic) { inserted updated unchanged rejected rejectedRecords { index externalId errors { field reason } } }
}`;

interface Result {
  importIncidents: { inserted: number; updated: number; unchanged: number; rejected: number; rejectedRecords: { index: number; externalId: string | null; errors: { field: string; reason: string }[] }[] };
}

/** A crimes export of a data portal, columns and dates as published. */
const PORTAL_PROFILE = {
  layer: 'incidents',
  fields: {
    external_id: 'id',
    source: { value: 'city_portal' },
    occurred_at: { column: 'date', format: "yyyy-MM-dd'T'HH:mm:ss.SSS" },
    category: { column: 'primary_type', values: { BATTERY: 'assault', THEFT: 'theft', 'CRIMINAL DAMAGE': 'vandalism', '*': 'other' } },
    description: 'block',
  },
  timeZone: 'Asia/Almaty',
  coordinates: { lat: 'latitude', lng: 'longitude' },
};

const portalRow = (id: string, type: string, lat: number, lng: number) => ({
  id,
  case_number: `JH${id}`,
  date: '2026-07-18T22:10:00.000',
  block: '0001 ABAI AVE',
  iucr: '0820',
  primary_type: type,
  latitude: lat,
  longitude: lng,
  location: `(${lat}, ${lng})`,
});

async function stored(externalIds: string[]) {
  return (await t.server.db
    .knex('incidents')
    .whereIn('external_id', externalIds)
    .orderBy('external_id')
    .select('external_id', 'source', 'category', 'occurred_at', t.server.db.knex.raw('ST_X(geom) AS lng, ST_Y(geom) AS lat'))) as {
    external_id: string;
    source: string;
    category: string;
    occurred_at: Date;
    lng: number;
    lat: number;
  }[];
}

/** The message the CLI prints for the same profile. */
function cliMessage(profile: unknown): string {
  try {
    parseProfile(profile, 'incidents');
  } catch (error) {
    if (error instanceof ImportRefusedError) return error.message;
  }
  throw new Error('the profile was accepted');
}

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ANALYST });
  await truncateLayers(t.server);
});

afterAll(async () => {
  await t.stop();
});

describe('import mutations with a mapping profile', () => {
  it('a stored profile by name maps portal rows: columns, local dates, value maps', async () => {
    await saveImportProfile(t.server.db.knex, 'city-portal', 'incidents', PORTAL_PROFILE);
    const rows = [portalRow('9001', 'THEFT', 43.2389, 76.8897), portalRow('9002', 'BATTERY', 43.25, 76.92), portalRow('9003', 'GAMBLING', 43.26, 76.95), portalRow('9004', 'THEFT', 51.5, -0.1)];
    const res = await t.gql<Result>(IMPORT, { rows, profile: { name: 'city-portal' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importIncidents).toMatchObject({ inserted: 3, rejected: 1 });
    expect(res.data!.importIncidents.rejectedRecords[0]).toMatchObject({ index: 3, externalId: '9004' });
    const got = await stored(['9001', '9002', '9003']);
    expect(got.map((r) => [r.source, r.category])).toEqual([
      ['city_portal', 'theft'],
      ['city_portal', 'assault'],
      ['city_portal', 'other'],
    ]);
    // 22:10 in Almaty (UTC+5) is 17:10 UTC
    expect(got[0].occurred_at.toISOString()).toBe('2026-07-18T17:10:00.000Z');
    expect(got[0].lng).toBeCloseTo(76.8897, 7);
    // the same rows again change nothing
    const again = await t.gql<Result>(IMPORT, { rows: rows.slice(0, 3), profile: { name: 'city-portal' } });
    expect(again.data!.importIncidents).toMatchObject({ inserted: 0, unchanged: 3 });
  });

  it('an inline profile: Russian categories, dd.MM.yyyy dates, decimal commas, UTM 43N coordinates within a metre', async () => {
    const utm = proj4('+proj=longlat +datum=WGS84 +no_defs', '+proj=utm +zone=43 +datum=WGS84 +units=m +no_defs');
    const [x, y] = utm.forward([76.9286, 43.2567]);
    const profile = {
      decimalComma: true,
      fields: { external_id: 'Номер', source: { value: 'call_112' }, occurred_at: { column: 'Дата', format: 'dd.MM.yyyy HH:mm' }, category: 'Вид' },
      coordinates: { x: 'X', y: 'Y', crs: 'EPSG:32643' },
    };
    const rows = [{ Номер: 'R-1', Дата: '18.07.2026 22:10', Вид: 'Кража', X: x.toFixed(2).replace('.', ','), Y: y.toFixed(2).replace('.', ',') }];
    const res = await t.gql<Result>(IMPORT, { rows, profile: { inline: profile } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.importIncidents).toMatchObject({ inserted: 1, rejected: 0 });
    const [row] = await stored(['R-1']);
    expect(row.category).toBe('theft');
    const metres = Math.hypot((row.lng - 76.9286) * 111_320 * Math.cos((43.2567 * Math.PI) / 180), (row.lat - 43.2567) * 110_540);
    expect(metres).toBeLessThan(1);
  });

  it('refuses as the CLI does: the profile field, the missing columns with their lookalikes, nothing written', async () => {
    const before = Number(((await t.server.db.knex('incidents').count('* as n').first()) as { n: string }).n);
    const badProfile = { ...PORTAL_PROFILE, fields: { ...PORTAL_PROFILE.fields, category: { column: 'primary_type', values: { THEFT: 'teleportation' } } } };
    const bad = await t.gql<Result>(IMPORT, { rows: [portalRow('9100', 'THEFT', 43.24, 76.89)], profile: { inline: badProfile } });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'profile.inline', reason: cliMessage(badProfile) });
    expect(bad.errors![0].message).toMatch(/profile field fields\.category\.values/);

    // rows that lack a column the profile names: the header check, naming the lookalike columns
    const noLat = await t.gql<Result>(IMPORT, { rows: [{ ...portalRow('9101', 'THEFT', 43.24, 76.89), latitude: undefined, Latitude_WGS84: 43.24 }], profile: { name: 'city-portal' } });
    expect(noLat.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'rows' });
    expect(noLat.errors![0].message).toMatch(/latitude.*Latitude_WGS84/);

    const unknown = await t.gql<Result>(IMPORT, { rows: [portalRow('9102', 'THEFT', 43.24, 76.89)], profile: { name: 'no-such-profile' } });
    expect(unknown.errors![0].extensions).toMatchObject({ argumentPath: 'profile.name' });
    const both = await t.gql<Result>(IMPORT, { rows: [portalRow('9103', 'THEFT', 43.24, 76.89)], profile: { name: 'city-portal', inline: PORTAL_PROFILE } });
    expect(both.errors![0].extensions).toMatchObject({ argumentPath: 'profile' });
    const wrongLayer = await t.gql<Result>(IMPORT, { rows: [portalRow('9104', 'THEFT', 43.24, 76.89)], profile: { inline: { ...PORTAL_PROFILE, layer: 'posts' } } });
    expect(wrongLayer.errors![0].message).toMatch(/profile field layer/);
    const after = Number(((await t.server.db.knex('incidents').count('* as n').first()) as { n: string }).n);
    expect(after).toBe(before);
  });
});
