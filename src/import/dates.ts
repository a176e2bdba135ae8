/**
 * Parsing of the date-times imports meet. A value with an offset or `Z` is taken as written;
 * a local value without one is taken in the city's time zone (Almaty's by default), which is
 * how 112 call logs and city registers write them.
 */

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;
const ZONED_PATTERN = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
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
  return formatter;
}

/** The offset as Intl reports it for the whole second of `ms`: the reference every cached value comes from. */
export function intlZoneOffsetMinutes(timeZone: string, ms: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of offsetFormatter(timeZone).formatToParts(ms)) {
    switch (part.type) {
      case 'year':
        year = +part.value;
        break;
      case 'month':
        month = +part.value;
        break;
      case 'day':
        day = +part.value;
        break;
      case 'hour':
        hour = +part.value;
        break;
      case 'minute':
        minute = +part.value;
        break;
      case 'second':
        second = +part.value;
        break;
    }
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** zone -> UTC day number -> offset in minutes for the whole day, or NaN for a day that holds a change */
const offsetsByDay = new Map<string, Map<number, number>>();
/** Days remembered per zone before the cache starts over: about 27 years. */
const MAX_CACHED_DAYS = 10_000;

/**
 * The offset of a zone for a whole UTC day when it has one: Intl gives the same offset at the
 * day's first second, at noon and at its last second. No zone of the tz database keeps an offset
 * for less than twelve hours, so a change and its return cannot both fall between two of those
 * samples; a day in which the offset changes is NaN and is looked up by the hour.
 */
function offsetOfDay(timeZone: string, day: number): number {
  let days = offsetsByDay.get(timeZone);
  if (!days) {
    days = new Map();
    offsetsByDay.set(timeZone, days);
  }
  let offset = days.get(day);
  if (offset === undefined) {
    const start = day * DAY_MS;
    const first = intlZoneOffsetMinutes(timeZone, start);
    offset = first === intlZoneOffsetMinutes(timeZone, start + DAY_MS / 2) && first === intlZoneOffsetMinutes(timeZone, start + DAY_MS - 1000) ? first : NaN;
    if (days.size >= MAX_CACHED_DAYS) days.clear();
    days.set(day, offset);
  }
  return offset;
}
/** Hours remembered per zone before the cache starts over: about 23 years of hourly offsets. */
const MAX_CACHED_HOURS = 200_000;
/** zone -> UTC hour number -> offset in minutes, or NaN for an hour in which the offset changes */
const offsetsByHour = new Map<string, Map<number, number>>();

/**
 * Offset of a time zone from UTC at an instant, in minutes (Asia/Almaty: +300).
 *
 * Intl's formatToParts costs microseconds and a local date-time needs it twice, so the offset is
 * kept per (zone, UTC hour). An hour is cached only when Intl gives the same offset at its first
 * and its last whole second; no zone changes its offset twice within an hour, so the offset is
 * then that for every instant of the hour. An hour that holds a change (a daylight-saving switch
 * at a half or quarter hour, as on Lord Howe Island) is marked and asks Intl for every instant.
 */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const ms = at.getTime();
  // most days hold no change at all: one entry (three Intl calls) serves the whole day
  const dayOffset = offsetOfDay(timeZone, Math.floor(ms / DAY_MS));
  if (!Number.isNaN(dayOffset)) return dayOffset;
  const hour = Math.floor(ms / HOUR_MS);
  let hours = offsetsByHour.get(timeZone);
  if (!hours) {
    hours = new Map();
    offsetsByHour.set(timeZone, hours);
  }
  let offset = hours.get(hour);
  if (offset === undefined) {
    const first = intlZoneOffsetMinutes(timeZone, hour * HOUR_MS);
    const last = intlZoneOffsetMinutes(timeZone, hour * HOUR_MS + HOUR_MS - 1000);
    offset = first === last ? first : NaN;
    if (hours.size >= MAX_CACHED_HOURS) hours.clear();
    hours.set(hour, offset);
  }
  return Number.isNaN(offset) ? intlZoneOffsetMinutes(timeZone, ms) : offset;
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
  return localDateTime(+y, +mo, +d, +h, +mi, +s, Math.round(+frac.padEnd(3, '0').slice(0, 3)), timeZone);
}

/**
 * The instant of a local date-time (month 1-12) in a time zone, with the offset the zone had
 * then; null when there is no such calendar day or time of day.
 */
export function localDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number, timeZone: string): Date | null {
  const fields = [year, month - 1, day, hour, minute, second, millisecond] as const;
  if (!fields.every(Number.isInteger)) return null;
  const naiveUtc = Date.UTC(...fields);
  const check = new Date(naiveUtc);
  // Date.UTC rolls 2025-02-30 over to March; a real calendar date must survive the round trip.
  if (
    check.getUTCFullYear() !== fields[0] ||
    check.getUTCMonth() !== fields[1] ||
    check.getUTCDate() !== fields[2] ||
    fields[3] > 23 ||
    fields[4] > 59 ||
    fields[5] > 59 ||
    fields[3] < 0 ||
    fields[4] < 0 ||
    fields[5] < 0
  ) {
    return null;
  }
  const firstGuess = naiveUtc - zoneOffsetMinutes(timeZone, new Date(naiveUtc)) * 60000;
  // second pass settles instants near a daylight-saving change
  return new Date(naiveUtc - zoneOffsetMinutes(timeZone, new Date(firstGuess)) * 60000);
}
