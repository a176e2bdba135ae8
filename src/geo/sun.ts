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
