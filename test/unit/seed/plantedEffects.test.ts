/**
 * The planted effects are in the data, measured the way an analyst would: from the records
 * alone, with turf distances, the product's night rule (src/geo/sun isNight) and h3 cells, not
 * with the generator's internals.
 */
import * as turf from '@turf/turf';
import { cellToLatLng, latLngToCell } from 'h3-js';
import type { IncidentRecord, Position } from '../../../src/domain';
import { isNight } from '../../../src/geo/sun';
import type { DemoCity } from '../../../seeds/almaty';
import { sharedCity } from './helpers';

type Timed = { fromMs: number; toMs: number; geometry: { type: string; coordinates: unknown } };

/** Bucket the items by a coarse grid so each incident checks only what is nearby. */
function nearIndex(items: Timed[], reachM: number): (p: Position) => Timed[] {
  const step = 0.01;
  const grid = new Map<string, Timed[]>();
  const padLng = reachM / 81_000;
  const padLat = reachM / 111_000;
  for (const it of items) {
    const [x0, y0, x1, y1] = turf.bbox(it.geometry as never);
    for (let x = Math.floor((x0 - padLng) / step); x <= Math.floor((x1 + padLng) / step); x++)
      for (let y = Math.floor((y0 - padLat) / step); y <= Math.floor((y1 + padLat) / step); y++) {
        const k = `${x}:${y}`;
        if (!grid.has(k)) grid.set(k, []);
        grid.get(k)!.push(it);
      }
  }
  return (p) => grid.get(`${Math.floor(p[0] / step)}:${Math.floor(p[1] / step)}`) ?? [];
}

function distanceToM(p: Position, g: Timed['geometry']): number {
  if (g.type === 'Point') return turf.distance(p, g.coordinates as Position, { units: 'meters' });
  return turf.pointToLineDistance(p, turf.lineString(g.coordinates as Position[]), { units: 'meters' });
}

function nearActive(p: Position, t: number, lookup: (p: Position) => Timed[], radiusM: number): boolean {
  for (const it of lookup(p)) if (t >= it.fromMs && t < it.toMs && distanceToM(p, it.geometry) <= radiusM) return true;
  return false;
}

describe('planted effects in the demo city', () => {
  let city: DemoCity;
  beforeAll(() => {
    city = sharedCity(40_000);
  });

  test('outdoor incidents near an unfixed lighting outage happen in the dark far more often', () => {
    const { radiusM, multiplier } = city.planted.effects.lighting;
    const lookup = nearIndex(
      city.lightingOutages.map((o) => ({
        fromMs: o.reportedAt.getTime(),
        toMs: o.fixedAt ? o.fixedAt.getTime() : Infinity,
        geometry: o.geometry,
      })),
      radiusM,
    );
    // 2x2 table: near an active outage or not, dark or not
    let nearDark = 0;
    let nearLight = 0;
    let farDark = 0;
    let farLight = 0;
    for (const inc of city.incidents) {
      if (inc.outdoor !== true) continue;
      const p = inc.geometry.coordinates;
      const t = inc.occurredAt.getTime();
      const dark = isNight(p, inc.occurredAt);
      if (nearActive(p, t, lookup, radiusM)) dark ? nearDark++ : nearLight++;
      else dark ? farDark++ : farLight++;
    }
    const oddsRatio = nearDark / nearLight / (farDark / farLight);
    expect(nearDark + nearLight).toBeGreaterThan(300);
    expect(oddsRatio).toBeGreaterThan(0.7 * multiplier);
    expect(oddsRatio).toBeLessThan(1.4 * multiplier);
  });

  test('road collisions and robberies cluster near open missing sidewalks and crosswalks', () => {
    const fx = city.planted.effects.roadDefect;
    const lookup = nearIndex(
      city.roadDefects.filter((d) => fx.kinds.includes(d.kind)).map((d) => ({ fromMs: d.reportedAt.getTime(), toMs: d.fixedAt ? d.fixedAt.getTime() : Infinity, geometry: d.geometry })),
      fx.radiusM,
    );
    // share of the affected categories among incidents near an open defect versus elsewhere
    let near = 0;
    let nearHit = 0;
    let far = 0;
    let farHit = 0;
    for (const inc of city.incidents) {
      const hit = fx.categories.includes(inc.category);
      if (nearActive(inc.geometry.coordinates, inc.occurredAt.getTime(), lookup, fx.radiusM)) {
        near++;
        if (hit) nearHit++;
      } else {
        far++;
        if (hit) farHit++;
      }
    }
    const pNear = nearHit / near;
    const pFar = farHit / far;
    const oddsRatio = pNear / (1 - pNear) / (pFar / (1 - pFar));
    expect(near).toBeGreaterThan(1000);
    expect(oddsRatio).toBeGreaterThan(0.7 * fx.multiplier);
    expect(oddsRatio).toBeLessThan(1.4 * fx.multiplier);
  });

  test('youth-facility gaps raise hooliganism, vandalism and drunkenness per young resident', () => {
    const fx = city.planted.effects.youthGap;
    const gap = new Set(city.planted.youthGapCells);
    const young = new Map(city.population.map((p) => [p.h3, p.youngResidents]));
    // leave the hot areas out, so their own multipliers do not blur the comparison
    const hotCells = (h3: string): boolean => city.planted.hotAreas.some((h) => turf.distance(h.center, cellCentre(h3), { units: 'meters' }) <= h.radiusM + 200);
    const hot = new Set(city.population.map((p) => p.h3).filter(hotCells));
    const count = { gap: 0, other: 0 };
    const exposure = { gap: 0, other: 0 };
    for (const [h3, y] of young) {
      if (hot.has(h3)) continue;
      exposure[gap.has(h3) ? 'gap' : 'other'] += y;
    }
    for (const inc of city.incidents) {
      if (!fx.categories.includes(inc.category)) continue;
      const [lng, lat] = inc.geometry.coordinates;
      const h3 = latLngToCell(lat, lng, 9);
      if (!young.has(h3) || hot.has(h3)) continue;
      count[gap.has(h3) ? 'gap' : 'other']++;
    }
    const ratio = count.gap / exposure.gap / (count.other / exposure.other);
    expect(gap.size).toBeGreaterThan(100);
    expect(ratio).toBeGreaterThan(1.35);
    expect(ratio).toBeLessThan(2.4);
  });

  test('gaps are real: many young people in Alatau live farther than 800 m from any facility', () => {
    const facilities = city.youthFacilities.map((f) => f.geometry.coordinates as Position);
    const alatauGrowth = city.planted.youthGapZones[0];
    const inZone = city.population.filter((p) => turf.distance(alatauGrowth.center, cellCentre(p.h3), { units: 'meters' }) < alatauGrowth.radiusM - 900);
    expect(inZone.length).toBeGreaterThan(10);
    for (const p of inZone) {
      const c = cellCentre(p.h3);
      const nearest = Math.min(...facilities.map((f) => turf.distance(c, f, { units: 'meters' })));
      expect(nearest).toBeGreaterThan(800);
    }
  });

  test('every planted hot area has clearly more incidents per resident than the city', () => {
    const residents = new Map(city.population.map((p) => [p.h3, p.residents]));
    const total = [...residents.values()].reduce((a, b) => a + b, 0);
    const cityRate = city.incidents.length / total;
    for (const h of city.planted.hotAreas) {
      const cells = [...residents.keys()].filter((c) => turf.distance(h.center, cellCentre(c), { units: 'meters' }) <= h.radiusM);
      const set = new Set(cells);
      const people = cells.reduce((s, c) => s + (residents.get(c) ?? 0), 0);
      const n = city.incidents.filter((i) => set.has(cellOf(i))).length;
      const ratio = n / people / cityRate;
      expect(cells.length).toBeGreaterThan(2);
      expect(ratio).toBeGreaterThan(Math.min(1.6, 0.6 * h.multiplier));
    }
  });

  test('the fast-grown Alatau micro-district gets busier over the two years', () => {
    const g = city.planted.effects.growth;
    const mid = (city.meta.start.getTime() + city.meta.end.getTime()) / 2;
    let first = 0;
    let second = 0;
    for (const inc of city.incidents) {
      if (turf.distance(g.center, inc.geometry.coordinates, { units: 'meters' }) > g.radiusM - 200) continue;
      if (inc.occurredAt.getTime() < mid) first++;
      else second++;
    }
    expect(first + second).toBeGreaterThan(300);
    expect(second / first).toBeGreaterThan(1.1);
  });
});

function cellCentre(h3: string): Position {
  const [lat, lng] = cellToLatLng(h3);
  return [lng, lat];
}

function cellOf(inc: IncidentRecord): string {
  const [lng, lat] = inc.geometry.coordinates;
  return latLngToCell(lat, lng, 9);
}
