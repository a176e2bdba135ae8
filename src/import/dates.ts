/**
 * Parsing of the date-times imports meet. A value with an offset or `Z` is taken as written;
 * a local value without one is taken in the city's time zone (Almaty's by default), which is
 * how 112 call logs and city registers write them.
 */

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;
const ZONED_PATTERN = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a time zone from UTC at an instant, in minutes (Asia/Almaty: +300). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Returns the instant, or null when the text is not a date-time we accept. */
export function parseDateTime(text: string, timeZone: string): Date | null {
  const value = text.trim();
  if (ZONED_PATTERN.test(value)) {
    const date = new Date(value.replace(' ', 'T'));
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const match = LOCAL_PATTERN.exec(value);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = match;
  const fields = [+y, +mo - 1, +d, +h, +mi, +s, Math.round(+frac.padEnd(3, '0').slice(0, 3))] as const;
  const naiveUtc = Date.UTC(...fields);
  const check = new Date(naiveUtc);
  // Date.UTC rolls 2025-02-30 over to March; a real calendar date must survive the round trip.
  if (check.getUTCFullYear() !== fields[0] || check.getUTCMonth() !== fields[1] || check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    return null;
  }
  const firstGuess = naiveUtc - zoneOffsetMinutes(timeZone, new Date(naiveUtc)) * 60000;
  // second pass settles instants near a daylight-saving change
  return new Date(naiveUtc - zoneOffsetMinutes(timeZone, new Date(firstGuess)) * 60000);
}
