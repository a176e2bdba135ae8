/**
 * "Is it dark here now?" for the generator, fast enough for millions of calls.
 *
 * Sunset and sunrise come from suncalc for each local day at the centre of Almaty; a place's
 * times are shifted by its longitude difference (4 minutes of solar time per degree, so the
 * city's 0.4 degrees span under 2 minutes). Dark means after sunset and before the next
 * sunrise: street lights in Almaty are switched on at sunset.
 */
import * as SunCalc from 'suncalc';

/** Almaty local time: UTC+5 all year (single Kazakhstan time zone since 1 March 2024). */
export const UTC_OFFSET_MS = 5 * 3600_000;
export const DAY_MS = 86_400_000;
export const CITY_CENTRE: [number, number] = [76.93, 43.25];

export class NightTable {
  private readonly firstDay: number;
  private readonly sunrise: Float64Array;
  private readonly sunset: Float64Array;

  /** Covers every local day that meets [startMs, endMs), one day of margin on each side. */
  constructor(startMs: number, endMs: number) {
    this.firstDay = localDayIndex(startMs) - 1;
    const last = localDayIndex(endMs) + 1;
    const n = last - this.firstDay + 1;
    this.sunrise = new Float64Array(n);
    this.sunset = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      // local noon of the day, as a UTC instant
      const noon = (this.firstDay + i) * DAY_MS - UTC_OFFSET_MS + 12 * 3600_000;
      const t = SunCalc.getTimes(new Date(noon), CITY_CENTRE[1], CITY_CENTRE[0]);
      this.sunrise[i] = t.sunrise.getTime();
      this.sunset[i] = t.sunset.getTime();
    }
  }

  /** True when t (ms since epoch, UTC) is between sunset and sunrise at longitude lng. */
  isDark(tMs: number, lng: number): boolean {
    const i = localDayIndex(tMs) - this.firstDay;
    if (i < 0 || i >= this.sunrise.length) return isDarkSlow(tMs, lng);
    const shift = (CITY_CENTRE[0] - lng) * 240_000; // 4 min per degree, later to the west
    return tMs < this.sunrise[i] + shift || tMs >= this.sunset[i] + shift;
  }
}

/** Index of the Almaty local calendar day containing t. */
export function localDayIndex(tMs: number): number {
  return Math.floor((tMs + UTC_OFFSET_MS) / DAY_MS);
}

/** Local hour of day (0-23) in Almaty. */
export function localHour(tMs: number): number {
  return Math.floor((((tMs + UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / 3600_000);
}

function isDarkSlow(tMs: number, lng: number): boolean {
  const day = localDayIndex(tMs);
  const noon = day * DAY_MS - UTC_OFFSET_MS + 12 * 3600_000;
  const t = SunCalc.getTimes(new Date(noon), CITY_CENTRE[1], lng);
  return tMs < t.sunrise.getTime() || tMs >= t.sunset.getTime();
}

/** Exact check with suncalc at the place itself (for tests and documentation). */
export function isDarkAt(t: Date, lng: number, lat: number): boolean {
  const day = localDayIndex(t.getTime());
  const noon = day * DAY_MS - UTC_OFFSET_MS + 12 * 3600_000;
  const times = SunCalc.getTimes(new Date(noon), lat, lng);
  return t.getTime() < times.sunrise.getTime() || t.getTime() >= times.sunset.getTime();
}
