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

/** The offset exactly as Intl reports it, computed the way dates.ts did before it cached offsets. */
function referenceOffset(timeZone: string, at: Date): number {
  const formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const parts = Object.fromEntries(formatter.formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** A local date-time read the way dates.ts did before it cached offsets (two Intl passes). */
function referenceLocal(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): string {
  const naiveUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const firstGuess = naiveUtc - referenceOffset(timeZone, new Date(naiveUtc)) * 60000;
  return new Date(naiveUtc - referenceOffset(timeZone, new Date(firstGuess)) * 60000).toISOString();
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

describe('zoneOffsetMinutes cache', () => {
  // zones with daylight saving on the hour (London, New York), at half past (Lord Howe, whose
  // switch is 30 minutes), a quarter-hour offset (Kathmandu), southern summer (Sydney), none (Almaty)
  const ZONES = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Australia/Sydney', 'Asia/Almaty', 'America/St_Johns'];

  it('gives the offset Intl gives, minute by minute around both London changes of 2025', () => {
    // 2025-03-30 01:00 UTC and 2025-10-26 01:00 UTC
    for (const change of [Date.UTC(2025, 2, 30, 1), Date.UTC(2025, 9, 26, 1)]) {
      for (let ms = change - 3 * 3600000; ms <= change + 3 * 3600000; ms += 60000) {
        for (const at of [new Date(ms), new Date(ms - 1), new Date(ms + 999)]) {
          expect(zoneOffsetMinutes('Europe/London', at)).toBe(referenceOffset('Europe/London', at));
        }
      }
    }
  });

  it('reads local times around the London changes as before: the gap and the repeated hour', () => {
    for (const [y, mo, d] of [
      [2025, 3, 30],
      [2025, 10, 26],
    ]) {
      for (let minutes = 0; minutes < 4 * 60; minutes += 5) {
        const h = Math.floor(minutes / 60);
        const mi = minutes % 60;
        const text = `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:00`;
        expect(parseDateTime(text, 'Europe/London')?.toISOString()).toBe(referenceLocal(y, mo, d, h, mi, 0, 'Europe/London'));
      }
    }
  });

  it('gives the offset Intl gives at random instants and local times in zones with and without daylight saving', () => {
    // deterministic pseudo-random instants from 1900 to 2100
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 3000; i++) {
      const zone = ZONES[i % ZONES.length];
      const at = new Date(Math.floor(from + random() * (to - from)));
      expect(zoneOffsetMinutes(zone, at)).toBe(referenceOffset(zone, at));
      const local = new Date(Math.floor(Date.UTC(1990, 0, 1) + random() * (Date.UTC(2040, 0, 1) - Date.UTC(1990, 0, 1))));
      const [y, mo, d, h, mi, s] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
      const text = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
      expect(parseDateTime(text, zone)?.toISOString()).toBe(referenceLocal(y, mo, d, h, mi, s, zone));
    }
  });

  it('is exact within an hour that holds a change at half past (Lord Howe Island)', () => {
    // Lord Howe leaves daylight saving on 2025-04-06 at 02:00 local (+11), 2025-04-05 15:00 UTC,
    // and enters it on 2025-10-05 at 02:00 local (+10:30), 2025-10-04 15:30 UTC
    for (const change of [Date.UTC(2025, 3, 5, 15), Date.UTC(2025, 9, 4, 15, 30)]) {
      for (let ms = change - 2 * 3600000; ms <= change + 2 * 3600000; ms += 30000) {
        const at = new Date(ms);
        expect(zoneOffsetMinutes('Australia/Lord_Howe', at)).toBe(referenceOffset('Australia/Lord_Howe', at));
      }
    }
  });
});
