import { BUILT_IN_CRS, toWgs84 } from '../../../src/geo/crs';
import { buildRowMapper, gdalDateTime, HeaderError } from '../../../src/import/mapping';
import { parseProfile } from '../../../src/import/profile';

const options = { layer: 'incidents' as const, timeZone: 'Asia/Almaty', decimalComma: false };

function headerError(columns: string[], profile: unknown = null): string {
  try {
    buildRowMapper(profile === null ? null : parseProfile(profile, 'incidents'), columns, options);
  } catch (e) {
    expect(e).toBeInstanceOf(HeaderError);
    return (e as Error).message;
  }
  throw new Error('the header was accepted');
}

describe('the header check', () => {
  it('lists every missing field with the columns that look like it', () => {
    const message = headerError(['external_id', 'source', 'occurred_at', 'category', 'latitude', 'Latitude_WGS84', 'longitude']);
    expect(message).toContain('no column for lat; found latitude, Latitude_WGS84');
    expect(message).toContain('no column for lng; found longitude');
    expect(message).not.toContain('no column for category');
    expect(message).toContain("the file's columns: external_id, source, occurred_at, category, latitude, Latitude_WGS84, longitude");
  });

  it('names the profile columns the file lacks', () => {
    const message = headerError(['id', 'date', 'type', 'lat', 'lng'], { fields: { external_id: 'ID', source: { value: 's' }, occurred_at: 'Datum', category: 'type' } });
    expect(message).toContain('profile field fields.occurred_at.column: no column "Datum" in the file; found date');
  });

  it('passes rows through untouched when the columns are our fields, and renames loose spellings', () => {
    const identity = buildRowMapper(null, ['external_id', 'source', 'occurred_at', 'category', 'lat', 'lng'], options);
    expect(identity.identity).toBe(true);
    const renamed = buildRowMapper(null, ['externalId', 'Source', 'occurredAt', 'category', 'lat', 'lng'], options);
    expect(renamed.identity).toBe(false);
    expect(renamed.map({ externalId: 'a', Source: 's', occurredAt: '2026-07-18 10:00', category: 'theft', lat: '43.2', lng: '76.9' }).raw).toEqual({
      external_id: 'a',
      source: 's',
      occurred_at: '2026-07-18 10:00',
      category: 'theft',
      lat: '43.2',
      lng: '76.9',
    });
  });

  it('maps a row: constants, value maps with a default, formats, decimal commas and projected coordinates', () => {
    const profile = parseProfile(
      {
        decimalComma: true,
        fields: {
          external_id: 'No',
          source: { value: 'reg' },
          occurred_at: { column: 'When', format: 'dd.MM.yyyy HH:mm' },
          category: { column: 'What', values: { 'Бытовой конфликт': 'domestic_conflict', '*': 'other' } },
        },
        coordinates: { x: 'E', y: 'N', crs: 'EPSG:32643' },
      },
      'incidents',
    );
    const mapper = buildRowMapper(profile, ['No', 'When', 'What', 'E', 'N'], { ...options, toWgs84: toWgs84(BUILT_IN_CRS[32643]) });
    const row = mapper.map({ No: '1', When: '18.07.2026 22:10', What: ' бытовой  конфликт ', E: '655861,896', N: '4790367,176' });
    expect(row.errors).toEqual([]);
    expect(row.raw.source).toBe('reg');
    expect(row.raw.category).toBe('domestic_conflict');
    expect((row.raw.occurred_at as Date).toISOString()).toBe('2026-07-18T17:10:00.000Z');
    // cs2cs EPSG:32643 -> EPSG:4326 of (655861.896, 4790367.176) is (43.25, 76.92)
    expect(row.raw.lat as number).toBeCloseTo(43.25, 7);
    expect(row.raw.lng as number).toBeCloseTo(76.92, 7);
    expect(mapper.map({ No: '2', When: '18.07.2026 22:10', What: 'Самоуправство', E: '', N: '' }).raw.category).toBe('other');
    const bad = mapper.map({ No: '3', When: '2026-07-18', What: 'x', E: 'east', N: '4790367' });
    expect(bad.errors).toEqual([
      { field: 'occurred_at', reason: '"2026-07-18" does not match dd.MM.yyyy HH:mm' },
      { field: 'lng', reason: 'column E: "east" is not a number' },
    ]);
  });
});

describe('date-times as GDAL writes them', () => {
  it('become ISO 8601, offsets kept', () => {
    expect(gdalDateTime('2026/07/18 22:10:00')).toBe('2026-07-18T22:10:00');
    expect(gdalDateTime('2026/07/18 22:10:00+05')).toBe('2026-07-18T22:10:00+05:00');
    expect(gdalDateTime('2026/07/18')).toBe('2026-07-18');
    expect(gdalDateTime('18.07.2026')).toBe('18.07.2026');
    expect(gdalDateTime(46221)).toBe(46221);
  });
});
