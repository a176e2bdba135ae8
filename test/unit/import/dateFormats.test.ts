import { assembleDateTime, compileDateFormat, parseSerialDay } from '../../../src/import/dateFormats';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('date formats of mapping profiles', () => {
  it('reads the layouts data portals and registers publish, in the given time zone', () => {
    expect(iso(compileDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS").parse('2026-07-18T00:00:00.000', 'America/Chicago'))).toBe('2026-07-18T05:00:00.000Z');
    expect(iso(compileDateFormat('d-MMM-yy').parse('1-Apr-12', 'America/Chicago'))).toBe('2012-04-01T05:00:00.000Z');
    expect(iso(compileDateFormat('d-MMM-yy').parse('15-dec-99', 'UTC'))).toBe('1999-12-15T00:00:00.000Z');
    expect(iso(compileDateFormat('dd.MM.yyyy HH:mm').parse('18.07.2026 22:10', 'Asia/Almaty'))).toBe('2026-07-18T17:10:00.000Z');
    // before 1 March 2024 Almaty was UTC+6
    expect(iso(compileDateFormat('dd.MM.yyyy HH:mm').parse('18.07.2023 22:10', 'Asia/Almaty'))).toBe('2023-07-18T16:10:00.000Z');
    expect(iso(compileDateFormat('MM/dd/yyyy hh:mm:ss a').parse('07/18/2026 10:05:00 PM', 'UTC'))).toBe('2026-07-18T22:05:00.000Z');
    expect(iso(compileDateFormat('MM/dd/yyyy hh:mm:ss a').parse('07/18/2026 12:05:00 AM', 'UTC'))).toBe('2026-07-18T00:05:00.000Z');
    expect(iso(compileDateFormat('d MMMM yyyy').parse('18 июля 2026', 'UTC'))).toBe('2026-07-18T00:00:00.000Z');
  });

  it('refuses what does not match, and days that do not exist', () => {
    const format = compileDateFormat('dd.MM.yyyy HH:mm');
    expect(format.parse('31.02.2026 03:00', 'UTC')).toBeNull();
    expect(format.parse('2026-07-18 22:10', 'UTC')).toBeNull();
    expect(format.parse('18.07.2026 24:10', 'UTC')).toBeNull();
    expect(compileDateFormat('d-MMM-yy').parse('1-Foo-12', 'UTC')).toBeNull();
  });

  it('names what is wrong with a pattern', () => {
    expect(() => compileDateFormat('dd.MM.yyyy QQ')).toThrow(/the letter "Q" at position 12/);
    expect(() => compileDateFormat('dd.MM')).toThrow(/no year/);
    expect(() => compileDateFormat("yyyy-MM-dd'T")).toThrow(/not closed/);
    expect(() => compileDateFormat('yyyy-MM-dd hh:mm')).toThrow(/hh and a/);
  });

  it('reads spreadsheet serial days and dates assembled from columns', () => {
    // 46221 = 2026-07-18 in the 1900 date system; .5 = noon
    expect(iso(parseSerialDay('46221.5', 'Asia/Almaty'))).toBe('2026-07-18T07:00:00.000Z');
    expect(iso(parseSerialDay('46221,5', 'UTC'))).toBe('2026-07-18T12:00:00.000Z');
    expect(parseSerialDay('abc', 'UTC')).toBeNull();
    expect(iso(assembleDateTime({ year: '2026', month: '7', day: '18', hour: '22', minute: '10' }, 'Asia/Almaty'))).toBe('2026-07-18T17:10:00.000Z');
    expect(iso(assembleDateTime({ year: 2026, month: 'Jul', day: 18 }, 'UTC'))).toBe('2026-07-18T00:00:00.000Z');
    expect(assembleDateTime({ year: '2026', month: '13', day: '1' }, 'UTC')).toBeNull();
  });
});
