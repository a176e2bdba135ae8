/**
 * Day and night at a place and instant. Night is the time between the actual sunset and sunrise
 * there: the sun's centre below -0.833 degrees, the altitude at which suncalc (and almanacs)
 * put sunrise and sunset, allowing for refraction and the sun's radius.
 */
import SunCalc from 'suncalc';
import type { Position } from '../domain';

const SUNSET_ALTITUDE_RAD = (-0.833 * Math.PI) / 180;

export function isNight(position: Position, at: Date): boolean {
  const [lng, lat] = position;
  return SunCalc.getPosition(at, lat, lng).altitude < SUNSET_ALTITUDE_RAD;
}

const DAY_MS = 86_400_000;

/**
 * A named variant of the night rule, kept for the demo city's generator (seeds/almaty), whose
 * seeded records depend on it: sunset and sunrise from suncalc's `getTimes` once per local day at
 * a reference place, shifted by the longitude difference (4 minutes of solar time per degree).
 * A table lookup per call, fast enough for millions of draws. It agrees with `isNight` except
 * within about a minute of sunrise and sunset (getTimes' series against the sun's computed
 * altitude, and the reference place's latitude): about two minutes a day in Almaty. New code
 * uses `isNight`, the rule stored with every incident.
 */
export class SunsetTable {
  private readonly firstDay: number;
  private readonly sunrise: Float64Array;
  private readonly sunset: Float64Array;

  /**
   * Covers every local day (UTC offset `utcOffsetMs`, fixed) that meets [startMs, endMs), one day
   * of margin on each side; `reference` is [lng, lat].
   */
  constructor(
    startMs: number,
    endMs: number,
    private readonly reference: Position,
    private readonly utcOffsetMs: number,
  ) {
    this.firstDay = this.localDayIndex(startMs) - 1;
    const last = this.localDayIndex(endMs) + 1;
    const n = last - this.firstDay + 1;
    this.sunrise = new Float64Array(n);
    this.sunset = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = SunCalc.getTimes(new Date(this.localNoon(this.firstDay + i)), reference[1], reference[0]);
      this.sunrise[i] = t.sunrise.getTime();
      this.sunset[i] = t.sunset.getTime();
    }
  }

  /** True when t (ms since epoch) is after sunset or before sunrise of its local day at longitude lng. */
  isDark(tMs: number, lng: number): boolean {
    const i = this.localDayIndex(tMs) - this.firstDay;
    if (i < 0 || i >= this.sunrise.length) {
      // outside the table: the same rule computed for the day
      const t = SunCalc.getTimes(new Date(this.localNoon(this.localDayIndex(tMs))), this.reference[1], lng);
      return tMs < t.sunrise.getTime() || tMs >= t.sunset.getTime();
    }
    const shift = (this.reference[0] - lng) * 240_000; // 4 min per degree, later to the west
    return tMs < this.sunrise[i] + shift || tMs >= this.sunset[i] + shift;
  }

  private localDayIndex(tMs: number): number {
    return Math.floor((tMs + this.utcOffsetMs) / DAY_MS);
  }

  /** Local noon of a local day, as a UTC instant. */
  private localNoon(day: number): number {
    return day * DAY_MS - this.utcOffsetMs + 12 * 3600_000;
  }
}
