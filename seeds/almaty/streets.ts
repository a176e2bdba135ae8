/**
 * The demo city's walking network: a regular street grid over Alatau (the district the coverage
 * examples are about), clipped to the district, with missing links so that walking reach along
 * streets visibly differs from circles:
 * - a few per cent of block sides are left out at random (fenced yards, building sites);
 * - an east-west barrier (a rail line with its embankment) that only every sixth north-south
 *   street crosses.
 * Deterministic for a seed. Lines run along whole grid lines between gaps, so the import
 * machinery nodes them at crossings as it would OpenStreetMap ways.
 */
import type { StreetRecord } from '../../src/domain';
import { DEMO_SOURCE } from './config';
import type { District } from './districts';
import { M_PER_DEG_LAT, M_PER_DEG_LNG } from './geometry';
import { Random } from './random';
import { round7 } from './cells';

/** Distance between parallel demo streets, metres (a typical Almaty block is 150-250 m). */
export const DEMO_STREET_SPACING_M = 180;
/** Share of block sides missing at random. */
export const DEMO_MISSING_LINK_SHARE = 0.06;
/** Latitude of the demo rail barrier in Alatau, and how often a north-south street crosses it. */
export const DEMO_BARRIER_LAT = 43.27;
export const DEMO_BARRIER_CROSSING_EVERY = 6;

export function buildDemoStreets(districts: District[], rng: Random): StreetRecord[] {
  const alatau = districts.find((d) => d.name === 'Alatau');
  if (!alatau) throw new Error('Alatau district missing from the districts file');
  const [minLng, minLat, maxLng, maxLat] = alatau.area.bbox;
  const dLng = DEMO_STREET_SPACING_M / M_PER_DEG_LNG;
  const dLat = DEMO_STREET_SPACING_M / M_PER_DEG_LAT;
  const columns = Math.floor((maxLng - minLng) / dLng) + 1;
  const rows = Math.floor((maxLat - minLat) / dLat) + 1;
  const lngAt = (i: number): number => round7(minLng + i * dLng);
  const latAt = (j: number): number => round7(minLat + j * dLat);
  const inside = (i: number, j: number): boolean => alatau.area.contains(lngAt(i), latAt(j));
  const streets: StreetRecord[] = [];
  const emit = (kind: 'ew' | 'ns', line: number, run: [number, number][], part: number): void => {
    if (run.length < 2) return;
    streets.push({
      source: DEMO_SOURCE,
      externalId: `demo-street-${kind}-${String(line).padStart(3, '0')}-${part}`,
      name: kind === 'ew' ? `Demo street ${line + 1}` : `Demo avenue ${line + 1}`,
      highway: kind === 'ew' ? 'residential' : 'secondary',
      walkable: true,
      geometry: { type: 'LineString', coordinates: run },
    });
  };
  // east-west streets: block sides from column i to i+1 along row j
  for (let j = 0; j < rows; j++) {
    let run: [number, number][] = [];
    let part = 0;
    for (let i = 0; i + 1 < columns; i++) {
      const keep = inside(i, j) && inside(i + 1, j) && !rng.chance(DEMO_MISSING_LINK_SHARE);
      if (keep) {
        if (run.length === 0) run.push([lngAt(i), latAt(j)]);
        run.push([lngAt(i + 1), latAt(j)]);
      } else {
        emit('ew', j, run, part++);
        run = [];
      }
    }
    emit('ew', j, run, part);
  }
  // north-south streets; only every few cross the barrier
  for (let i = 0; i < columns; i++) {
    let run: [number, number][] = [];
    let part = 0;
    for (let j = 0; j + 1 < rows; j++) {
      const crossesBarrier = latAt(j) < DEMO_BARRIER_LAT && latAt(j + 1) >= DEMO_BARRIER_LAT;
      const keep = inside(i, j) && inside(i, j + 1) && !rng.chance(DEMO_MISSING_LINK_SHARE) && (!crossesBarrier || i % DEMO_BARRIER_CROSSING_EVERY === 0);
      if (keep) {
        if (run.length === 0) run.push([lngAt(i), latAt(j)]);
        run.push([lngAt(i), latAt(j + 1)]);
      } else {
        emit('ns', i, run, part++);
        run = [];
      }
    }
    emit('ns', i, run, part);
  }
  return streets;
}
