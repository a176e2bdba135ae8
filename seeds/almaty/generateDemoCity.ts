/**
 * A deterministic demo city modelled on Almaty: the 8 real district boundaries (OSM), a
 * synthetic population on H3 resolution-9 cells, police posts and precincts, lighting outages,
 * road defects, youth facilities, and incidents whose intensity is the population baseline
 * times planted multipliers (see seeds/README.md and config.ts for every assumption).
 *
 * Same options, same output: every random draw comes from a seeded sfc32 stream per layer.
 */
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type {
  AreaRecord,
  LightingOutageRecord,
  MultiPolygonGeometry,
  PolygonGeometry,
  PopulationRecord,
  Position,
  PostKind,
  PostRecord,
  RoadDefectKind,
  RoadDefectRecord,
  YouthFacilityKind,
  YouthFacilityRecord,
} from '../../src/domain';
import { CellTable, round7 } from './cells';
import {
  CAMPUS,
  DEFAULT_END,
  DEFAULT_INCIDENT_COUNT,
  DEFAULT_SEED,
  DEFAULT_START,
  DEMO_SOURCE,
  DISTRICT_PROFILES,
  EFFECTS,
  GROWTH_AREA,
  H3_RES,
  HOT_AREAS,
  LIGHTING_OUTAGE_COUNT,
  LOW_DENSITY_ZONES,
  MAX_INCIDENT_COUNT,
  MODULAR_POSTS_ALATAU,
  MODULAR_POSTS_TOTAL,
  POP_FULL_LAT,
  POP_MIN_LAT,
  RESIDENTS_PER_PRECINCT,
  ROAD_DEFECT_COUNT,
  ROAD_DEFECT_LIFETIMES,
  ROAD_DEFECT_SHARES,
  STREET_NAMES,
  WALKING_RADIUS_M,
  YOUTH_FACILITY_LABELS,
  YOUTH_FACILITY_SHARES,
  YOUTH_FACILITY_TARGET,
  YOUTH_GAP_ZONES,
} from './config';
import type { District } from './districts';
import { OSM_ATTRIBUTION, cellCentre, cellNeighbours, cellsInPolygon, loadDistricts } from './districts';
import { GridIndex, M_PER_DEG_LAT, M_PER_DEG_LNG, distanceM, offsetM } from './geometry';
import { buildIncidentModel, collectIncidents } from './incidents';
import { AliasTable, Random } from './random';
import { DAY_MS, UTC_OFFSET_MS } from './sun';
import { buildDemoStreets } from './streets';
import type { DemoCity, DemoCityOptions, PlantedHotArea } from './types';

interface PopCell {
  h3: string;
  district: number;
  residents: number;
  young: number;
}

export function generateDemoCity(options: DemoCityOptions = {}): DemoCity {
  const seed = options.seed ?? DEFAULT_SEED;
  const incidentCount = options.incidentCount ?? DEFAULT_INCIDENT_COUNT;
  const start = options.start ?? DEFAULT_START;
  const end = options.end ?? DEFAULT_END;
  if (!Number.isInteger(incidentCount) || incidentCount < 0 || incidentCount > MAX_INCIDENT_COUNT) {
    throw new RangeError(`incidentCount must be an integer in 0..${MAX_INCIDENT_COUNT}`);
  }
  if (!(end.getTime() > start.getTime())) throw new RangeError('end must be after start');

  const { attribution, districts } = loadDistricts(options.districtsPath);
  const startMs = start.getTime();
  const endMs = end.getTime();

  const pop = buildPopulation(districts, new Random(seed, 'population'));
  const cells = new CellTable(
    pop.map((c) => c.h3),
    pop.map((c) => c.district),
    districts,
  );
  const residents = pop.map((c) => c.residents);
  const young = pop.map((c) => c.young);

  const hotAreas: PlantedHotArea[] = HOT_AREAS.map((h) => ({ ...h }));
  const hotMult = cells.h3.map((_, i) => hotMultiplier(cells.centre(i), hotAreas));

  const { posts, offices } = buildPosts(districts, cells, residents, hotMult, startMs, new Random(seed, 'posts'));
  const areas = buildAreas(districts, attribution, offices);
  const youthFacilities = buildYouthFacilities(districts, cells, young, startMs, new Random(seed, 'youth'));
  const lightingOutages = buildLightingOutages(districts, cells, residents, startMs, endMs, new Random(seed, 'lighting'));
  const streets = buildDemoStreets(districts, new Random(seed, 'streets'));
  const roadDefects = buildRoadDefects(districts, cells, residents, startMs, endMs, new Random(seed, 'roads'));

  const population: PopulationRecord[] = pop.map((c) => ({
    source: DEMO_SOURCE,
    externalId: `demo-pop-${c.h3}`,
    h3: c.h3,
    residents: c.residents,
    youngResidents: c.young,
  }));

  const city: DemoCity = {
    areas,
    posts,
    population,
    incidents: [],
    lightingOutages,
    roadDefects,
    youthFacilities,
    streets,
    planted: {
      description: plantedDescription(),
      hotAreas,
      effects: {
        lighting: { ...EFFECTS.lighting },
        roadDefect: { ...EFFECTS.roadDefect },
        youthGap: { ...EFFECTS.youthGap },
        hotAreaExcluded: [...EFFECTS.hotAreaExcluded],
        growth: {
          center: GROWTH_AREA.center,
          radiusM: GROWTH_AREA.radiusM,
          startFactor: GROWTH_AREA.startFactor,
          grewBy: GROWTH_AREA.grewBy,
        },
      },
      youthGapZones: YOUTH_GAP_ZONES.map((z) => ({ ...z })),
      youthGapCells: [],
    },
    meta: { seed, start: new Date(startMs), end: new Date(endMs), incidentCount, h3Resolution: H3_RES, attribution },
  };
  const model = buildIncidentModel(city, districts, cells);
  city.planted.youthGapCells = model.gapCells();
  city.incidents = collectIncidents(model, incidentCount);
  return city;
}

function plantedDescription(): string {
  return [
    'Incident intensity per H3 cell = residents (youth categories: half residents, half young residents) x category rate x cell noise (gamma, mean 1, CV 0.35) x planted multipliers.',
    `Lighting: x${EFFECTS.lighting.multiplier} for ${EFFECTS.lighting.description}.`,
    `Road defects: x${EFFECTS.roadDefect.multiplier} for ${EFFECTS.roadDefect.description}.`,
    `Youth gaps: x${EFFECTS.youthGap.multiplier} for ${EFFECTS.youthGap.description}.`,
    'Hot areas: x multiplier for cells whose centre is within radiusM, all categories.',
    `Growth: the fast-grown Alatau micro-district's intensity rises from x${GROWTH_AREA.startFactor} to x1 over the window.`,
  ].join(' ');
}

function hotMultiplier(p: Position, hotAreas: PlantedHotArea[]): number {
  let m = 1;
  for (const h of hotAreas) if (distanceM(p, h.center) <= h.radiusM && h.multiplier > m) m = h.multiplier;
  return m;
}

// ---------------------------------------------------------------------------------------------
// Population

function buildPopulation(districts: District[], rng: Random): PopCell[] {
  // all cells of the city's bbox north of the mountains, each given to the district that
  // contains its centre (also after rounding to 7 decimals); centres in slivers are dropped
  const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const d of districts) {
    bbox[0] = Math.min(bbox[0], d.area.bbox[0]);
    bbox[2] = Math.max(bbox[2], d.area.bbox[2]);
    bbox[3] = Math.max(bbox[3], d.area.bbox[3]);
  }
  bbox[1] = POP_MIN_LAT - 0.005;
  const rect: Position[] = [
    [bbox[0], bbox[1]],
    [bbox[2], bbox[1]],
    [bbox[2], bbox[3]],
    [bbox[0], bbox[3]],
    [bbox[0], bbox[1]],
  ];
  const kept: { h3: string; district: number; p: Position; latFactor: number }[] = [];
  for (const h3 of cellsInPolygon([rect], H3_RES).sort()) {
    const p = cellCentre(h3);
    const latFactor = Math.min(1, Math.max(0, (p[1] - POP_MIN_LAT) / (POP_FULL_LAT - POP_MIN_LAT)));
    if (latFactor <= 0) continue;
    const q: Position = [round7(p[0]), round7(p[1])];
    const d = districts.find((x) => x.area.contains(p[0], p[1]) && x.area.contains(q[0], q[1]));
    if (d) kept.push({ h3, district: d.index, p, latFactor });
  }
  // two smooth noise fields: density variation and non-residential patches (industry, parks)
  const raw1 = kept.map(() => rng.normal());
  const raw2 = kept.map(() => rng.normal());
  const idx = new Map(kept.map((c, i) => [c.h3, i]));
  const smooth = (raw: number[]): number[] =>
    kept.map((c) => {
      let s = 0;
      let n = 0;
      for (const h of cellNeighbours(c.h3, 1)) {
        const j = idx.get(h);
        if (j !== undefined) {
          s += raw[j];
          n++;
        }
      }
      return (s / n) * Math.sqrt(n);
    });
  const field1 = smooth(raw1);
  const field2 = smooth(raw2);

  const weights = kept.map((c, i) => {
    const dKm = distanceM(c.p, [76.93, 43.25]) / 1000;
    let w = (Math.exp(-dKm / 7) + 0.2) * c.latFactor * Math.exp(0.45 * field1[i]);
    const inHotArea = HOT_AREAS.some((h) => distanceM(c.p, h.center) <= h.radiusM);
    if (field2[i] < -1.25 && !inHotArea) w *= 0.06;
    for (const z of LOW_DENSITY_ZONES) if (distanceM(c.p, z.center) <= z.radiusM) w *= z.factor;
    if (c.p[0] > 77.12 && c.p[1] > 43.32) w *= 0.3; // Medeu's north-eastern exclave
    if (distanceM(c.p, GROWTH_AREA.center) <= GROWTH_AREA.radiusM) w *= GROWTH_AREA.densityFactor;
    return w;
  });

  const out: PopCell[] = [];
  for (const d of districts) {
    const profile = DISTRICT_PROFILES[d.name];
    if (!profile) throw new Error(`no profile for district ${d.name}`);
    const members = kept.map((c, i) => i).filter((i) => kept[i].district === d.index);
    let total = members.reduce((s, i) => s + weights[i], 0);
    // cells that would get fewer than 15 residents are not populated
    const populated = members.filter((i) => (weights[i] / total) * profile.residents >= 15);
    total = populated.reduce((s, i) => s + weights[i], 0);
    for (const i of populated) {
      const c = kept[i];
      const residents = Math.round((weights[i] / total) * profile.residents);
      let share = profile.youthShare;
      if (distanceM(c.p, GROWTH_AREA.center) <= GROWTH_AREA.radiusM) share = GROWTH_AREA.youthShare;
      if (distanceM(c.p, CAMPUS.center) <= CAMPUS.radiusM) share = CAMPUS.youthShare;
      share = Math.min(0.32, Math.max(0.07, share + 0.012 * rng.normal()));
      out.push({ h3: c.h3, district: c.district, residents, young: Math.round(residents * share) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Posts and precincts

interface Office {
  district: District;
  position: Position;
  externalId: string;
  number: number;
}

function districtSlug(d: District): string {
  return d.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Local midnight (Almaty) of a random day in [fromMs, toMs). */
function randomLocalDate(rng: Random, fromMs: number, toMs: number): Date {
  const day = Math.floor((rng.range(fromMs, toMs) + UTC_OFFSET_MS) / DAY_MS);
  return new Date(day * DAY_MS - UTC_OFFSET_MS);
}

function buildPosts(districts: District[], cells: CellTable, residents: number[], hotMult: number[], startMs: number, rng: Random): { posts: PostRecord[]; offices: Office[] } {
  const posts: PostRecord[] = [];
  const offices: Office[] = [];
  const post = (kind: PostKind, externalId: string, name: string, p: Position, openedAt: Date | null): PostRecord => ({
    source: DEMO_SOURCE,
    externalId,
    kind,
    name,
    walkingRadiusM: WALKING_RADIUS_M[kind],
    geometry: { type: 'Point', coordinates: p },
    openedAt,
  });
  const xy = (i: number): [number, number] => [cells.lng[i] * M_PER_DEG_LNG, cells.lat[i] * M_PER_DEG_LAT];

  for (const d of districts) {
    const members: number[] = [];
    for (let i = 0; i < cells.size; i++) if (cells.district[i] === d.index) members.push(i);
    const pop = members.reduce((s, i) => s + residents[i], 0);
    const k = Math.min(10, Math.max(3, Math.round(pop / RESIDENTS_PER_PRECINCT)));
    const centres = weightedKMeans(
      members.map(xy),
      members.map((i) => residents[i]),
      k,
      rng,
    );
    const used = new Set<number>();
    const nearestFree = (target: [number, number]): number => {
      let best = -1;
      let bestD = Infinity;
      for (const i of members) {
        if (used.has(i) || residents[i] < 200) continue;
        const [x, y] = xy(i);
        const dd = (x - target[0]) ** 2 + (y - target[1]) ** 2;
        if (dd < bestD) {
          bestD = dd;
          best = i;
        }
      }
      if (best < 0) best = members.find((i) => !used.has(i)) ?? members[0];
      used.add(best);
      return best;
    };
    // offices from north-west to south-east so numbers read naturally on a map
    const sorted = centres.slice().sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    sorted.forEach((c, n) => {
      const i = nearestFree(c);
      const number = n + 1;
      const externalId = `demo-office-${districtSlug(d)}-${pad(number, 2)}`;
      const p = cells.samplePoint(i, rng);
      offices.push({ district: d, position: p, externalId, number });
      const opened = randomLocalDate(rng, Date.UTC(2008, 0, 1), Date.UTC(2020, 0, 1));
      posts.push(post('precinct_office', externalId, `Precinct office ${d.name} No. ${number}`, p, opened));
    });
    // the district police department near the population-weighted centroid
    let sx = 0;
    let sy = 0;
    for (const i of members) {
      const [x, y] = xy(i);
      sx += x * residents[i];
      sy += y * residents[i];
    }
    const station = nearestFree([sx / pop, sy / pop]);
    posts.push(post('police_station', `demo-station-${districtSlug(d)}`, `${d.name} District Police Department`, cells.samplePoint(station, rng), null));
  }

  // modular posts: 5 in Alatau, the other 34 by largest remainder of population elsewhere
  const popBy = districts.map((d) => {
    let s = 0;
    for (let i = 0; i < cells.size; i++) if (cells.district[i] === d.index) s += residents[i];
    return s;
  });
  const quota = districts.map(() => 0);
  const alatau = districts.findIndex((d) => d.name === 'Alatau');
  if (alatau < 0) throw new Error('Alatau district missing from the districts file');
  quota[alatau] = MODULAR_POSTS_ALATAU;
  const rest = MODULAR_POSTS_TOTAL - MODULAR_POSTS_ALATAU;
  const others = districts.map((d) => d.index).filter((i) => i !== alatau);
  const otherPop = others.reduce((s, i) => s + popBy[i], 0);
  const exact = others.map((i) => (popBy[i] / otherPop) * rest);
  others.forEach((i, j) => (quota[i] = Math.floor(exact[j])));
  const remainderOrder = others.map((i, j) => ({ i, r: exact[j] - Math.floor(exact[j]) })).sort((a, b) => b.r - a.r || a.i - b.i);
  let left = rest - others.reduce((s, i) => s + quota[i], 0);
  for (const { i } of remainderOrder) if (left-- > 0) quota[i]++;

  let postNo = 0;
  const placed: Position[] = [];
  for (const d of districts) {
    const members: number[] = [];
    for (let i = 0; i < cells.size; i++) if (cells.district[i] === d.index) members.push(i);
    // sited where people are and where trouble is
    const table = new AliasTable(members.map((i) => residents[i] * hotMult[i] ** 1.5));
    let spacing = 1200;
    let placedHere = 0;
    let attempts = 0;
    while (placedHere < quota[d.index]) {
      const i = members[table.sample(rng)];
      const p = cells.samplePoint(i, rng);
      if (placed.every((q) => distanceM(p, q) >= spacing)) {
        placed.push(p);
        placedHere++;
        postNo++;
        const opened = randomLocalDate(rng, Date.UTC(2023, 5, 1), startMs - 30 * DAY_MS);
        posts.push(post('modular_post', `demo-post-${pad(postNo, 3)}`, `Modular post No. ${postNo} (${d.name})`, p, opened));
      }
      if (++attempts % 200 === 0) spacing *= 0.8;
    }
  }
  return { posts, offices };
}

/** Weighted k-means (k-means++ start, Lloyd iterations) in metres. */
function weightedKMeans(points: [number, number][], weights: number[], k: number, rng: Random): [number, number][] {
  const n = points.length;
  const centres: [number, number][] = [];
  centres.push(points[new AliasTable(weights).sample(rng)]);
  const d2 = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    const last = centres[centres.length - 1];
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const dd = (points[i][0] - last[0]) ** 2 + (points[i][1] - last[1]) ** 2;
      if (dd < d2[i]) d2[i] = dd;
      w[i] = weights[i] * d2[i];
    }
    centres.push(points[new AliasTable(w).sample(rng)]);
  }
  for (let iter = 0; iter < 25; iter++) {
    const sx = new Float64Array(k);
    const sy = new Float64Array(k);
    const sw = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = (points[i][0] - centres[c][0]) ** 2 + (points[i][1] - centres[c][1]) ** 2;
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      sx[best] += points[i][0] * weights[i];
      sy[best] += points[i][1] * weights[i];
      sw[best] += weights[i];
    }
    for (let c = 0; c < k; c++) if (sw[c] > 0) centres[c] = [sx[c] / sw[c], sy[c] / sw[c]];
  }
  return centres;
}

/**
 * Clipping is the slow step (exact polygon intersection), and its result depends only on the
 * district and its offices: keep it, so a process that generates the same city twice (tests,
 * the seed command after a dry run) pays once. Callers get their own copy.
 */
const precinctCache = new Map<string, PolygonGeometry | MultiPolygonGeometry>();

function buildAreas(districts: District[], attribution: string, offices: Office[]): AreaRecord[] {
  const areas: AreaRecord[] = districts.map((d) => ({
    source: DEMO_SOURCE,
    externalId: d.externalId,
    kind: 'district',
    name: d.name,
    nameRu: d.nameRu,
    nameKk: d.nameKk,
    parentExternalId: null,
    geometry: structuredClone(d.geometry),
    attribution,
  }));
  for (const d of districts) {
    const own = offices.filter((o) => o.district === d);
    const districtFeature = turf.feature(d.geometry) as Feature<Polygon | MultiPolygon>;
    const b = turf.bbox(districtFeature);
    const bbox: [number, number, number, number] = [b[0] - 0.02, b[1] - 0.02, b[2] + 0.02, b[3] + 0.02];
    const voronoi = turf.voronoi(turf.featureCollection(own.map((o) => turf.point(o.position))), { bbox });
    for (const o of own) {
      const cell = voronoi.features.find((f) => f && f.geometry && turf.booleanPointInPolygon(o.position, f));
      if (!cell) throw new Error(`no Voronoi cell for ${o.externalId}`);
      const key = `${d.externalId}|${o.position.join(',')}|${own.map((x) => x.position.join(',')).join(';')}`;
      let geometry = precinctCache.get(key);
      if (!geometry) {
        const clipped = turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([cell, districtFeature]));
        if (!clipped) throw new Error(`precinct of ${o.externalId} does not meet its district`);
        geometry = clipped.geometry as PolygonGeometry | MultiPolygonGeometry;
        if (precinctCache.size > 2000) precinctCache.clear();
        precinctCache.set(key, geometry);
      }
      areas.push({
        source: DEMO_SOURCE,
        externalId: o.externalId.replace('demo-office-', 'demo-precinct-'),
        kind: 'precinct',
        name: `${d.name} precinct No. ${o.number}`,
        nameRu: d.nameRu ? `${d.nameRu} район, участок № ${o.number}` : null,
        nameKk: d.nameKk ? `${d.nameKk} ауданы, № ${o.number} учаске` : null,
        parentExternalId: d.externalId,
        geometry: structuredClone(geometry),
        attribution: `Demo precincts (Voronoi cells of generated precinct offices) clipped to district boundaries ${OSM_ATTRIBUTION}`,
      });
    }
  }
  return areas;
}

// ---------------------------------------------------------------------------------------------
// Youth facilities

function weightedPick<K extends string>(shares: Record<K, number>, rng: Random): K {
  const keys = Object.keys(shares) as K[];
  let total = 0;
  for (const k of keys) total += shares[k];
  let u = rng.next() * total;
  for (const k of keys) {
    u -= shares[k];
    if (u < 0) return k;
  }
  return keys[keys.length - 1];
}

function buildYouthFacilities(districts: District[], cells: CellTable, young: number[], startMs: number, rng: Random): YouthFacilityRecord[] {
  const weights = young.map((y, i) => {
    const p = cells.centre(i);
    if (YOUTH_GAP_ZONES.some((z) => distanceM(p, z.center) <= z.radiusM)) return 0;
    return y * DISTRICT_PROFILES[districts[cells.district[i]].name].youthFacilityCoverage;
  });
  const table = new AliasTable(weights);
  const index = new GridIndex<Position>(400);
  const out: YouthFacilityRecord[] = [];
  const counters: Record<string, number> = {};
  for (let attempt = 0; out.length < YOUTH_FACILITY_TARGET && attempt < YOUTH_FACILITY_TARGET * 30; attempt++) {
    const i = table.sample(rng);
    const p = cells.samplePoint(i, rng);
    if (index.near(p, 300).some((q) => distanceM(p, q) < 300)) continue;
    index.insert(p, [p[0], p[1], p[0], p[1]]);
    const kind: YouthFacilityKind = weightedPick(YOUTH_FACILITY_SHARES, rng);
    const dName = districts[cells.district[i]].name;
    counters[dName + kind] = (counters[dName + kind] ?? 0) + 1;
    out.push({
      source: DEMO_SOURCE,
      externalId: `demo-youth-${pad(out.length + 1, 4)}`,
      kind,
      name: `${YOUTH_FACILITY_LABELS[kind]}, ${dName} No. ${counters[dName + kind]}`,
      openedAt: rng.chance(0.1) ? null : randomLocalDate(rng, Date.UTC(2005, 0, 1), startMs - 60 * DAY_MS),
      geometry: { type: 'Point', coordinates: p },
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Lighting outages and road defects

/** A street-like polyline from p: 1-3 legs on Almaty's near north-south/east-west grid. */
function streetLine(p: Position, lengthM: number, area: District['area'], rng: Random): Position[] | null {
  for (let attempt = 0; attempt < 6; attempt++) {
    const legs = 1 + rng.int(3);
    let angle = (rng.int(4) * Math.PI) / 2 + rng.normal() * 0.07;
    const line: Position[] = [p];
    let q = p;
    for (let leg = 0; leg < legs; leg++) {
      const len = lengthM / legs;
      q = offsetM(q, Math.cos(angle) * len, Math.sin(angle) * len);
      q = [round7(q[0]), round7(q[1])];
      if (!area.contains(q[0], q[1])) break;
      line.push(q);
      angle += rng.normal() * 0.12;
    }
    if (line.length >= 2) return line;
  }
  return null;
}

function localMinuteMs(rng: Random, fromMs: number, toMs: number): number {
  return Math.floor(rng.range(fromMs, toMs) / 60_000) * 60_000;
}

function buildLightingOutages(districts: District[], cells: CellTable, residents: number[], startMs: number, endMs: number, rng: Random): LightingOutageRecord[] {
  const table = new AliasTable(residents.map((r, i) => Math.sqrt(r) * DISTRICT_PROFILES[districts[cells.district[i]].name].lightingFailure));
  const out: LightingOutageRecord[] = [];
  for (let n = 1; n <= LIGHTING_OUTAGE_COUNT; n++) {
    const i = table.sample(rng);
    const p = cells.samplePoint(i, rng);
    const line = rng.chance(0.65) ? streetLine(p, rng.range(120, 450), districts[cells.district[i]].area, rng) : null;
    const reported = localMinuteMs(rng, startMs - 120 * DAY_MS, endMs - DAY_MS);
    const u = rng.next();
    const days = u < 0.58 ? rng.logNormal(3, 0.6) : u < 0.86 ? rng.logNormal(18, 0.5) : rng.logNormal(110, 0.5);
    const fixed = Math.floor((reported + days * DAY_MS) / 60_000) * 60_000;
    out.push({
      source: DEMO_SOURCE,
      externalId: `demo-light-${pad(n, 5)}`,
      reportedAt: new Date(reported),
      fixedAt: fixed >= endMs ? null : new Date(fixed),
      geometry: line ? { type: 'LineString', coordinates: line } : { type: 'Point', coordinates: p },
      street: line || rng.chance(0.5) ? rng.pick(STREET_NAMES) : null,
    });
  }
  return out;
}

function buildRoadDefects(districts: District[], cells: CellTable, residents: number[], startMs: number, endMs: number, rng: Random): RoadDefectRecord[] {
  const table = new AliasTable(residents.map((r) => Math.sqrt(r)));
  const out: RoadDefectRecord[] = [];
  for (let n = 1; n <= ROAD_DEFECT_COUNT; n++) {
    const i = table.sample(rng);
    const profile = DISTRICT_PROFILES[districts[cells.district[i]].name];
    const shares = { ...ROAD_DEFECT_SHARES };
    shares.missing_sidewalk *= profile.missingInfrastructure;
    shares.missing_crosswalk *= profile.missingInfrastructure;
    const kind: RoadDefectKind = weightedPick(shares, rng);
    const life = ROAD_DEFECT_LIFETIMES[kind];
    const p = cells.samplePoint(i, rng);
    const line = life.segment ? streetLine(p, rng.range(60, 320), districts[cells.district[i]].area, rng) : null;
    const reported = localMinuteMs(rng, startMs - 365 * DAY_MS, endMs - DAY_MS);
    let fixedAt: Date | null = null;
    if (!rng.chance(life.neverFixed)) {
      const fixed = Math.floor((reported + rng.logNormal(life.medianDays, 0.7) * DAY_MS) / 60_000) * 60_000;
      if (fixed < endMs) fixedAt = new Date(fixed);
    }
    out.push({
      source: DEMO_SOURCE,
      externalId: `demo-road-${pad(n, 5)}`,
      kind,
      reportedAt: new Date(reported),
      fixedAt,
      geometry: line ? { type: 'LineString', coordinates: line } : { type: 'Point', coordinates: p },
      street: rng.chance(0.8) ? rng.pick(STREET_NAMES) : null,
    });
  }
  return out;
}
