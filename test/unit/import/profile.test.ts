import { parseProfile, ProfileError } from '../../../src/import/profile';

const error = (profile: unknown, layer: 'incidents' | 'lighting_outages' = 'incidents') => {
  try {
    parseProfile(profile, layer);
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return (e as Error).message;
  }
  throw new Error('the profile was accepted');
};

describe('mapping profiles are checked before any row is read', () => {
  it('reads columns, constants, value maps, formats, parts and coordinates', () => {
    const profile = parseProfile(
      {
        layer: 'incidents',
        delimiter: ';',
        decimalComma: true,
        timeZone: 'Asia/Almaty',
        fields: {
          external_id: 'Номер',
          source: { value: 'call_112' },
          occurred_at: { column: 'Дата', format: ['dd.MM.yyyy HH:mm', 'dd.MM.yyyy'] },
          category: { column: 'Вид', values: { 'Бытовой конфликт': 'domestic_conflict', '*': 'other' } },
        },
        coordinates: { x: 'X', y: 'Y', crs: 'EPSG:32643' },
      },
      'incidents',
    );
    expect(profile.fields.get('external_id')).toEqual({ column: 'Номер' });
    expect(profile.fields.get('occurred_at')?.formats?.map((f) => f.pattern)).toEqual(['dd.MM.yyyy HH:mm', 'dd.MM.yyyy']);
    expect(profile.fields.get('category')?.values?.get('бытовой конфликт')).toBe('domestic_conflict');
    expect(profile.fields.get('category')?.valuesDefault).toBe('other');
    expect(profile.coordinates).toEqual({ x: 'X', y: 'Y', lat: undefined, lng: undefined, epsg: 32643 });
    expect(parseProfile({ coordinates: { x: 'E', y: 'N', crs: 'urn:ogc:def:crs:EPSG::3435' } }, 'incidents').coordinates?.epsg).toBe(3435);
  });

  it('names the profile field of every problem', () => {
    expect(error('{ not json')).toMatch(/^the profile is not JSON/);
    expect(error({ layer: 'posts' })).toBe('profile field layer: the profile is for posts, the import is into incidents');
    expect(error({ fields: { occured_at: 'Date' } })).toMatch(/^profile field fields.occured_at: incidents has no field occured_at \(fields: external_id, /);
    expect(error({ fields: { occurred_at: { column: 'Date', format: 'dd.MM.yyyy QQ' } } })).toMatch(/^profile field fields.occurred_at.format: "dd.MM.yyyy QQ" has the letter "Q"/);
    expect(error({ fields: { occurred_at: { column: 'Date', format: ['dd.MM.yyyy', 'MM/dd'] } } })).toMatch(/^profile field fields.occurred_at.format\[1\]: "MM\/dd" has no year/);
    expect(error({ fields: { category: { column: 'Type', values: { THEFT: 'thft' } } } })).toMatch(/^profile field fields.category.values\["THEFT"\]: "thft" is not a category/);
    expect(error({ fields: { category: { column: 'Type', value: 'theft' } } })).toBe('profile field fields.category: needs exactly one of column, value or parts');
    expect(error({ fields: { occurred_at: { parts: { year: 'Y', month: 'M' } } } })).toBe('profile field fields.occurred_at.parts: needs day');
    expect(error({ fields: { category: { parts: { year: 'Y', month: 'M', day: 'D' } } } })).toMatch(/^profile field fields.category.parts: only date-time fields/);
    expect(error({ timeZone: 'Asia/Alma-Ata-ish' })).toMatch(/^profile field timeZone: /);
    expect(error({ delimiter: ';;' })).toMatch(/^profile field delimiter: must be one character/);
    expect(error({ coordinates: { x: 'X' } })).toBe('profile field coordinates: needs both x and y');
    expect(error({ coordinates: { x: 'X', y: 'Y', crs: 'Pulkovo' } })).toMatch(/^profile field coordinates.crs: "Pulkovo" is not an EPSG code/);
    expect(error({ coordinates: { lat: 'A', lng: 'B', crs: 'EPSG:32643' } })).toMatch(/^profile field coordinates.crs: lat and lng are WGS 84/);
    expect(error({ fields: { category: 'Type' }, colums: {} })).toMatch(/^profile field colums: is not a profile setting/);
  });
});
