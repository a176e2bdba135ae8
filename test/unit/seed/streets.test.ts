/** The demo city's street grid over Alatau: deterministic, inside the district, with its missing links. */
import * as turf from '@turf/turf';
import { loadDistricts } from '../../../seeds/almaty/districts';
import { Random } from '../../../seeds/almaty/random';
import { buildDemoStreets, DEMO_BARRIER_LAT, DEMO_STREET_SPACING_M } from '../../../seeds/almaty/streets';
import { districtFeatures } from './helpers';

const streets = buildDemoStreets(loadDistricts().districts, new Random(20241101, 'streets'));

describe('demo street grid', () => {
  it('is the same for the same seed and differs for another', () => {
    const again = buildDemoStreets(loadDistricts().districts, new Random(20241101, 'streets'));
    expect(again).toEqual(streets);
    const other = buildDemoStreets(loadDistricts().districts, new Random(7, 'streets'));
    expect(other).not.toEqual(streets);
  });

  it('lies in Alatau (by turf on the district file), with unique ids and walkable LineStrings', () => {
    const alatau = districtFeatures().find((d) => d.name === 'Alatau')!.feature;
    expect(new Set(streets.map((s) => s.externalId)).size).toBe(streets.length);
    for (const s of streets) {
      expect(s.geometry.type).toBe('LineString');
      expect(s.walkable).toBe(true);
      for (const p of s.geometry.coordinates) expect(turf.booleanPointInPolygon(turf.point(p), alatau)).toBe(true);
    }
  });

  it('has block sides of the stated spacing and only a few streets across the rail barrier', () => {
    const sides = streets.flatMap((s) => s.geometry.coordinates.slice(1).map((p, k) => turf.distance(turf.point(s.geometry.coordinates[k]), turf.point(p), { units: 'meters' })));
    for (const d of sides) expect(Math.abs(d - DEMO_STREET_SPACING_M)).toBeLessThan(2);
    const crossing = streets.filter((s) => {
      const lats = s.geometry.coordinates.map((p) => p[1]);
      return Math.min(...lats) < DEMO_BARRIER_LAT && Math.max(...lats) > DEMO_BARRIER_LAT;
    });
    const northSouth = streets.filter((s) => s.externalId.includes('-ns-'));
    expect(crossing.length).toBeGreaterThan(0);
    expect(crossing.length).toBeLessThan(northSouth.length / 4);
  });
});
