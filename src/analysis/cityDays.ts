/**
 * Calendar days in the city's time zone (config CITY_TIME_ZONE, Asia/Almaty): forecasts bucket
 * incidents by the city's days, weeks (from Monday) and months, and near-repeat analysis counts
 * whole days apart by the city's calendar, so an incident at 01:00 local time belongs to that
 * local day, not to the UTC day before. Day numbers count days since 1970-01-01 of the local
 * calendar. Offsets come from Intl (cached per hour in src/import/dates.ts), so a change of the
 * zone's offset (Almaty moved from UTC+6 to UTC+5 on 1 March 2024) is followed.
 */
import { localDateTime, zoneOffsetMinutes } from '../import/dates';

export const DAY_MS = 86_400_000;

/** The city's calendar day number of instant `t` (epoch ms). */
export function cityDay(t: number, timeZone: string): number {
  return Math.floor((t + zoneOffsetMinutes(timeZone, new Date(t)) * 60_000) / DAY_MS);
}

/** The instant the city's day number `day` begins (its local midnight). */
export function cityMidnight(day: number, timeZone: string): Date {
  const d = new Date(day * DAY_MS);
  const local = localDateTime(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, 0, 0, 0, timeZone);
  return local ?? new Date(day * DAY_MS - zoneOffsetMinutes(timeZone, d) * 60_000);
}

/**
 * Day numbers of many instants sorted in time (the column store's order): the offset is looked
 * up once per hour of the data, not per incident.
 */
export function cityDays(times: ArrayLike<number>, timeZone: string): Int32Array {
  const out = new Int32Array(times.length);
  let hourStart = Infinity;
  let hourEnd = -Infinity;
  let offset = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (t < hourStart || t >= hourEnd) {
      hourStart = Math.floor(t / 3_600_000) * 3_600_000;
      hourEnd = hourStart + 3_600_000;
      offset = zoneOffsetMinutes(timeZone, new Date(t)) * 60_000;
      // an hour that holds an offset change is looked up per instant
      if (zoneOffsetMinutes(timeZone, new Date(hourEnd - 1)) * 60_000 !== offset) hourEnd = hourStart;
    }
    out[i] = Math.floor((t + (hourEnd > hourStart ? offset : zoneOffsetMinutes(timeZone, new Date(t)) * 60_000)) / DAY_MS);
  }
  return out;
}
