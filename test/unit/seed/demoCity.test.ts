/**
 * The demo city's records: deterministic, valid against the domain vocabulary, and inside the
 * real district polygons (checked with turf against the districts file, not the generator's
 * own point-in-polygon).
 */
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { cellToLatLng, getResolution, isValidCell } from 'h3-js';
import { INCIDENT_CATEGORIES, INCIDENT_SOURCES, ROAD_DEFECT_KINDS, YOUTH_FACILITY_KINDS, type Position } from '../../../src/domain';
import { CITY_BOUNDS, generateDemoCity, iterateIncidents } from '../../../seeds/almaty';
import type { DemoCity } from '../../../seeds/almaty';
import { countBy, districtFeatures, districtOf, sha256 } from './helpers';

const INCIDENTS = 12_000;

function layerHashes(city: DemoCity): Record<string, string> {
  return {
    areas: sha256(city.areas),
    posts: sha256(city.posts),
    population: sha256(city.population),
    lightingOutages: sha256(city.lightingOutages),
    roadDefects: sha256(city.roadDefects),
    youthFacilities: sha256(city.youthFacilities),
    planted: sha256(city.planted),
  };
}

function inBounds(p: Position): boolean {
  const [x0, y0, x1, y1] = CITY_BOUNDS;
  return p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1;
}

function allPositions(g: { type: string; coordinates: unknown }): Position[] {
  if (g.type === 'Point') return [g.coordinates as Position];
  if (g.type === 'LineString') return g.coordinates as Position[];
  if (g.type === 'MultiLineString') return (g.coordinates as Position[][]).flat();
  if (g.type === 'Polygon') return (g.coordinates as Position[][]).flat();
  return (g.coordinates as Position[][][]).flat(2);
}

describe('demo city generator', () => {
  let city: DemoCity;
  beforeAll(() => {
    city = generateDemoCity({ incidentCount: INCIDENTS });
  });

  test('is deterministic: same seed, same records; the incident stream does not depend on the count', () => {
    const again = generateDemoCity({ incidentCount: 2_000 });
    expect(layerHashes(again)).toEqual(layerHashes(city));
    expect(sha256(again.incidents)).toEqual(sha256(city.incidents.slice(0, 2_000)));
    expect(sha256([...iterateIncidents(city, 2_000)])).toEqual(sha256(again.incidents));
  });

  test('another seed gives another city', () => {
    const other = generateDemoCity({ seed: 7, incidentCount: 500 });
    expect(sha256(other.population)).not.toEqual(sha256(city.population));
    expect(sha256(other.incidents)).not.toEqual(sha256(city.incidents.slice(0, 500)));
    expect(other.posts.filter((p) => p.kind === 'modular_post')).toHaveLength(39);
  });

  test('has the 8 real districts with their OSM ids, names and attribution', () => {
    const districts = city.areas.filter((a) => a.kind === 'district');
    expect(districts).toHaveLength(8);
    const fromFile = districtFeatures();
    expect(districts.map((d) => d.externalId).sort()).toEqual(fromFile.map((d) => d.externalId).sort());
    expect(districts.map((d) => d.name).sort()).toEqual(['Alatau', 'Almaly', 'Auezov', 'Bostandyk', 'Medeu', 'Nauryzbay', 'Turksib', 'Zhetysu']);
    for (const d of districts) {
      expect(d.externalId).toMatch(/^osm:\d+$/);
      expect(d.nameRu).toBeTruthy();
      expect(d.nameKk).toBeTruthy();
      expect(d.attribution).toContain('© OpenStreetMap contributors');
      expect(d.parentExternalId).toBeNull();
    }
    expect(city.meta.attribution).toContain('© OpenStreetMap contributors');
  });

  test('precincts are valid polygons that tile their district', () => {
    const districts = city.areas.filter((a) => a.kind === 'district');
    const precincts = city.areas.filter((a) => a.kind === 'precinct');
    for (const d of districts) {
      const own = precincts.filter((p) => p.parentExternalId === d.externalId);
      expect(own.length).toBeGreaterThanOrEqual(3);
      const districtArea = turf.area(d.geometry);
      let sum = 0;
      for (const p of own) {
        expect(['Polygon', 'MultiPolygon']).toContain(p.geometry.type);
        expect(turf.booleanValid(p.geometry as Polygon | MultiPolygon)).toBe(true);
        sum += turf.area(p.geometry);
        const inside = turf.pointOnFeature(p.geometry as Polygon | MultiPolygon).geometry.coordinates as Position;
        expect(turf.booleanPointInPolygon(inside, d.geometry as Polygon | MultiPolygon)).toBe(true);
      }
      // Voronoi cells do not overlap, so the areas add up to the district when they tile it
      expect(Math.abs(sum - districtArea) / districtArea).toBeLessThan(0.002);
    }
    const office = new Map(city.posts.filter((p) => p.kind === 'precinct_office').map((p) => [p.externalId, p]));
    for (const p of precincts) {
      const o = office.get(p.externalId.replace('demo-precinct-', 'demo-office-'));
      expect(o).toBeDefined();
      expect(turf.booleanPointInPolygon(o!.geometry.coordinates, p.geometry as Polygon | MultiPolygon)).toBe(true);
    }
  });

  test('has exactly 39 modular posts, exactly 5 inside Alatau', () => {
    const modular = city.posts.filter((p) => p.kind === 'modular_post');
    expect(modular).toHaveLength(39);
    const alatau = districtFeatures().find((d) => d.name === 'Alatau')!.feature as Feature<Polygon>;
    expect(modular.filter((p) => turf.booleanPointInPolygon(p.geometry.coordinates, alatau))).toHaveLength(5);
    for (const p of modular) expect(p.walkingRadiusM).toBe(500);
  });

  test('has precinct offices (more where more people live) and one police station per district', () => {
    const byKind = countBy(city.posts, (p) => p.kind);
    expect(byKind.police_station).toBe(8);
    const stations = city.posts.filter((p) => p.kind === 'police_station').map((p) => districtOf(p.geometry.coordinates));
    expect(new Set(stations).size).toBe(8);
    const offices = city.posts.filter((p) => p.kind === 'precinct_office');
    for (const o of offices) expect(o.walkingRadiusM).toBe(400);
    const perDistrict = countBy(offices, (o) => districtOf(o.geometry.coordinates) ?? 'none');
    expect(perDistrict.none).toBeUndefined();
    for (const n of Object.values(perDistrict)) expect(n).toBeGreaterThanOrEqual(3);
    expect(perDistrict.Bostandyk).toBeGreaterThan(perDistrict.Zhetysu);
    for (const p of city.posts) {
      expect(districtOf(p.geometry.coordinates)).not.toBeNull();
      expect(p.source).toBe('demo');
    }
    expect(new Set(city.posts.map((p) => p.externalId)).size).toBe(city.posts.length);
  });

  test('population: H3 resolution 9, about 2.3 million, 13-16 % young, none in the mountains', () => {
    let residents = 0;
    let young = 0;
    for (const p of city.population) {
      expect(isValidCell(p.h3)).toBe(true);
      expect(getResolution(p.h3)).toBe(9);
      expect(Number.isInteger(p.residents) && p.residents > 0).toBe(true);
      expect(Number.isInteger(p.youngResidents) && p.youngResidents <= p.residents).toBe(true);
      expect(cellToLatLng(p.h3)[0]).toBeGreaterThan(43.18);
      residents += p.residents;
      young += p.youngResidents;
    }
    expect(residents).toBeGreaterThan(2_200_000);
    expect(residents).toBeLessThan(2_400_000);
    expect(young / residents).toBeGreaterThan(0.13);
    expect(young / residents).toBeLessThan(0.16);
    // Alatau is young
    const alatau = city.population.filter((p) => {
      const [lat, lng] = cellToLatLng(p.h3);
      return districtOf([lng, lat]) === 'Alatau';
    });
    const aRes = alatau.reduce((s, p) => s + p.residents, 0);
    const aYoung = alatau.reduce((s, p) => s + p.youngResidents, 0);
    expect(aYoung / aRes).toBeGreaterThan(young / residents);
    expect(aRes).toBeGreaterThan(300_000);
  });

  test('every incident lies inside a district and inside the city bounds', () => {
    const outside = city.incidents.filter((i) => !inBounds(i.geometry.coordinates) || districtOf(i.geometry.coordinates) === null);
    expect(outside).toEqual([]);
  });

  test('incidents use the domain vocabulary with realistic shares and an evening peak', () => {
    expect(city.incidents).toHaveLength(INCIDENTS);
    const start = city.meta.start.getTime();
    const end = city.meta.end.getTime();
    const ids = new Set(city.incidents.map((i) => i.externalId));
    const invalid = city.incidents.filter(
      (i) =>
        !INCIDENT_CATEGORIES.includes(i.category) ||
        !(INCIDENT_SOURCES as readonly string[]).includes(i.source) ||
        !(i.occurredAt instanceof Date) ||
        i.occurredAt.getTime() < start ||
        i.occurredAt.getTime() >= end ||
        i.geometry.type !== 'Point' ||
        (i.outdoor !== null && typeof i.outdoor !== 'boolean'),
    );
    expect(invalid).toEqual([]);
    expect(ids.size).toBe(INCIDENTS);
    expect(city.incidents[0].externalId).toBe('demo-inc-000001');

    const byCategory = countBy(city.incidents, (i) => i.category);
    const top = Object.entries(byCategory).sort((a, b) => b[1] - a[1]);
    expect(top[0][0]).toBe('theft');
    expect(byCategory.domestic_conflict).toBeGreaterThan(0);
    expect(byCategory.sexual_offence).toBeGreaterThan(0);
    const bySource = countBy(city.incidents, (i) => i.source);
    expect(Object.entries(bySource).sort((a, b) => b[1] - a[1])[0][0]).toBe('call_112');

    const hours = new Array(24).fill(0);
    for (const i of city.incidents) hours[(i.occurredAt.getUTCHours() + 5) % 24]++; // Almaty is UTC+5
    const evening = hours[18] + hours[19] + hours[20] + hours[21];
    const earlyMorning = hours[3] + hours[4] + hours[5] + hours[6];
    const midday = hours[10] + hours[11] + hours[12] + hours[13];
    expect(evening).toBeGreaterThan(3 * earlyMorning);
    expect(evening).toBeGreaterThan(1.2 * midday);

    const wrongOutdoor = city.incidents.filter((i) => (i.category === 'road_collision' && i.outdoor !== true) || ((i.category === 'domestic_conflict' || i.category === 'burglary') && i.outdoor !== false));
    expect(wrongOutdoor).toEqual([]);
  });

  test('lighting outages: segments and points, some long-lasting, some still open', () => {
    const outs = city.lightingOutages;
    const types = countBy(outs, (o) => o.geometry.type);
    expect(types.LineString).toBeGreaterThan(100);
    expect(types.Point).toBeGreaterThan(100);
    let open = 0;
    let long = 0;
    for (const o of outs) {
      expect(o.reportedAt).toBeInstanceOf(Date);
      if (o.fixedAt === null) open++;
      else {
        expect(o.fixedAt.getTime()).toBeGreaterThan(o.reportedAt.getTime());
        if (o.fixedAt.getTime() - o.reportedAt.getTime() > 60 * 86_400_000) long++;
      }
      for (const p of allPositions(o.geometry)) {
        expect(inBounds(p)).toBe(true);
        expect(districtOf(p)).not.toBeNull();
      }
    }
    expect(open).toBeGreaterThan(5);
    expect(long).toBeGreaterThan(30);
  });

  test('road defects use the domain kinds, open and fixed', () => {
    const kinds = countBy(city.roadDefects, (d) => d.kind);
    for (const k of Object.keys(kinds)) expect(ROAD_DEFECT_KINDS).toContain(k);
    expect(kinds.missing_sidewalk).toBeGreaterThan(50);
    expect(kinds.missing_crosswalk).toBeGreaterThan(50);
    const open = city.roadDefects.filter((d) => d.fixedAt === null).length;
    expect(open).toBeGreaterThan(50);
    expect(open).toBeLessThan(city.roadDefects.length);
    for (const d of city.roadDefects) {
      expect(['Point', 'LineString']).toContain(d.geometry.type);
      if (d.fixedAt) expect(d.fixedAt.getTime()).toBeGreaterThan(d.reportedAt.getTime());
      for (const p of allPositions(d.geometry)) expect(districtOf(p)).not.toBeNull();
    }
  });

  test('youth facilities use the domain kinds and are points inside districts', () => {
    const kinds = countBy(city.youthFacilities, (f) => f.kind);
    for (const k of Object.keys(kinds)) expect(YOUTH_FACILITY_KINDS).toContain(k);
    for (const f of city.youthFacilities) {
      expect(f.geometry.type).toBe('Point');
      expect(districtOf(f.geometry.coordinates as Position)).not.toBeNull();
    }
  });

  test('planted hot areas are described and lie inside the named districts', () => {
    expect(city.planted.description.length).toBeGreaterThan(50);
    expect(city.planted.hotAreas.length).toBeGreaterThanOrEqual(4);
    expect(city.planted.hotAreas.length).toBeLessThanOrEqual(6);
    for (const h of city.planted.hotAreas) {
      expect(districtOf(h.center)).toBe(h.district);
      expect(h.multiplier).toBeGreaterThan(1);
    }
    expect(city.planted.hotAreas.some((h) => h.district === 'Almaly' && h.kind === 'nightlife')).toBe(true);
    expect(city.planted.hotAreas.some((h) => h.district === 'Alatau' && h.kind === 'growth_district')).toBe(true);
  });

  test('every record is from the demo source with unique external ids per layer', () => {
    for (const layer of [city.areas, city.population, city.lightingOutages, city.roadDefects, city.youthFacilities]) {
      expect(new Set(layer.map((r) => r.externalId)).size).toBe(layer.length);
      for (const r of layer) expect(r.source).toBe('demo');
    }
  });
});

describe('incident stream of a city read back from storage', () => {
  test('rebuilding the model from the records alone gives the same incidents', () => {
    const city = generateDemoCity({ incidentCount: 1_000 });
    // a copy has no cached model, so iterateIncidents rebuilds it from areas, population, layers
    const copy = structuredClone(city);
    expect(sha256([...iterateIncidents(copy, 1_000)])).toEqual(sha256(city.incidents));
  });
});
