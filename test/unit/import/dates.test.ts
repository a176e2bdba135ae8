import { parseDateTime, zoneOffsetMinutes } from '../../../src/import/dates';

describe('parseDateTime', () => {
  it('takes a zoned value as written', () => {
    expect(parseDateTime('2026-03-01T21:30:00+05:00', 'Asia/Almaty')?.toISOString()).toBe('2026-03-01T16:30:00.000Z');
    expect(parseDateTime('2026-03-01T21:30:00Z', 'Asia/Almaty')?.toISOString()).toBe('2026-03-01T21:30:00.000Z');
  });

  it("reads a local value in the city's time zone", () => {
    // Kazakhstan has been on UTC+5 all year since 2024-03-01
    expect(zoneOffsetMinutes('Asia/Almaty', new Date('2025-07-01T00:00:00Z'))).toBe(300);
    expect(parseDateTime('2025-07-01 22:15', 'Asia/Almaty')?.toISOString()).toBe('2025-07-01T17:15:00.000Z');
    expect(parseDateTime('2025-07-01', 'Asia/Almaty')?.toISOString()).toBe('2025-06-30T19:00:00.000Z');
  });

  it('handles daylight saving where a zone has it', () => {
    expect(parseDateTime('2025-07-01 12:00', 'Europe/London')?.toISOString()).toBe('2025-07-01T11:00:00.000Z');
    expect(parseDateTime('2025-01-15 12:00', 'Europe/London')?.toISOString()).toBe('2025-01-15T12:00:00.000Z');
  });

  it('refuses what is not a real date-time', () => {
    for (const bad of ['yesterday', '2025-02-30', '2025-13-01', '2025-01-01 25:00', '01/02/2025', '']) {
      expect(parseDateTime(bad, 'Asia/Almaty')).toBeNull();
    }
  });
});
