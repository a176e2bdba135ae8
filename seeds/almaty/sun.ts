/**
 * Almaty's calendar for the generator, and its night rule: the product's `SunsetTable`
 * (src/geo/sun.ts) at the centre of Almaty. Dark means after sunset and before the next sunrise:
 * street lights in Almaty are switched on at sunset.
 */
import { SunsetTable } from '../../src/geo/sun';

/** Almaty local time: UTC+5 all year (single Kazakhstan time zone since 1 March 2024). */
export const UTC_OFFSET_MS = 5 * 3600_000;
export const DAY_MS = 86_400_000;
export const CITY_CENTRE: [number, number] = [76.93, 43.25];

/** "Is it dark here now?" for every local day that meets [startMs, endMs) in Almaty. */
export function almatyNightTable(startMs: number, endMs: number): SunsetTable {
  return new SunsetTable(startMs, endMs, CITY_CENTRE, UTC_OFFSET_MS);
}

/** Index of the Almaty local calendar day containing t. */
export function localDayIndex(tMs: number): number {
  return Math.floor((tMs + UTC_OFFSET_MS) / DAY_MS);
}

/** Local hour of day (0-23) in Almaty. */
export function localHour(tMs: number): number {
  return Math.floor(((((tMs + UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / 3600_000);
}
