/**
 * Every cell of a study area with all layers aggregated to it, for maps and tables (the answer of
 * `hexagons`, its tiles and exports, and the cells the risk models fit).
 *
 * Method, per cell of the study area (cells whose centre lies in the area, zero cells included):
 * - incidents: points grouped by the parent at the analysis resolution of their stored fine cell
 *   (src/geo/incidentColumns.ts), occurred in [from, to), day or night by the sun at the place
 *   and moment, unknown when the time is not exact; below analyst the counts and their
 *   breakdowns are released by src/analysis/release.ts;
 * - outage-nights, open road defects, population: summed at the cell of each record (src/db/aggregates.ts);
 * - nearest youth facility and post reach: haversine distance from the cell centre times a
 *   pedestrian detour factor (src/geo/coverage/straightLineReach.ts), not a street route;
 * - mean and standard deviation: of the counts the statistics see (src/geo/stats/summary.ts).
 */
import type { Knex } from 'knex';
import { createCache } from '../cache';
import type { RequestContext } from '../context';
import { growEnvelope, incidentCountsInArea, openRoadDefectsByCell, outageNightsByCell, populationByCell, postPoints, youthFacilityPoints, PointLocation, PostReachPoint } from '../db/aggregates';
import { DEFAULT_DETOUR_FACTOR, haversineDistanceMeters } from '../geo/coverage/straightLineReach';
import { cellCentre, cellFeatureCollection, cellPolygon, lazyColumns } from '../geo/h3';
import { finiteOrNull, meanAndSpread } from '../geo/stats';
import { text, withTexts } from '../i18n/texts';
import type { StudyArea, StudyAreaArgs } from '../schema/analysis';
import type { HexagonAggregation, HexagonCell } from '../schema/hexagons';
import { argsForRelease, argsWithTrueCounts, auditSensitiveCount, foldSensitiveCategories, privacyNote, releaseBreakdowns } from './release';
import { resolveStudyArea, ResolvedStudyArea } from './studyArea';

/** Facilities are read within the study envelope grown by this much; farther ones only when a cell has none closer. */
const FACILITY_SEARCH_M = 3_000;
/** The largest walking radius a post may have (posts_radius_check). */
const MAX_POST_RADIUS_M = 5_000;

/**
 * The hexagons answer; shared by the GraphQL query, tiles, exports and the risk models.
 * `trueCounts`: the cells keep true counts whatever the caller's role, for a model fitted inside
 * the server that releases model-level figures only (the risk models); never for an answer that
 * shows the cells.
 */
export async function computeHexagons(ctx: RequestContext, asked: StudyAreaArgs, options: { trueCounts?: boolean } = {}): Promise<HexagonAggregation> {
  const { policy, args, window, categories } = options.trueCounts ? argsWithTrueCounts(ctx, asked) : argsForRelease(ctx, asked);
  const area = await resolveStudyArea(ctx, args, policy.maxCells);
  if (policy.sensitiveQuery) await auditSensitiveCount(ctx, 'hexagons', { area: args.area, resolution: args.resolution, window, categories }, area.cells.length);
  const { knex } = ctx;
  const from = window?.from ?? null;
  const to = window?.to ?? null;
  const end = to ?? new Date();
  const q = { resolution: area.resolution, envelope: area.envelope, from, to };

  const [incidentCounts, outageRows, defectRows, populationRows, facilitiesNear, posts] = await Promise.all([
    incidentCountsInArea(knex, { cells: area.cells, resolution: area.resolution, from, to, categories, detail: true }),
    outageNightsByCell(knex, q),
    openRoadDefectsByCell(knex, q),
    populationByCell(knex, q),
    youthFacilityPoints(knex, { envelope: growEnvelope(area.envelope, FACILITY_SEARCH_M), end }),
    postPoints(knex, { envelope: growEnvelope(area.envelope, MAX_POST_RADIUS_M), end }),
  ]);

  const n = area.cells.length;
  const cells: HexagonCell[] = area.cells.map((h3) => ({
    h3,
    get boundary() {
      return cellPolygon(h3);
    },
    incidents: 0,
    suppressed: false,
    incidentsByCategory: [],
    dayIncidents: 0,
    nightIncidents: 0,
    unknownTimeIncidents: 0,
    outageNights: 0,
    openRoadDefects: 0,
    openRoadDefectsByKind: [],
    residents: 0,
    youngResidents: 0,
    nearestYouthFacilityM: null,
    withinPostReach: false,
  }));
  const categoryNames = incidentCounts.categories;
  const categoryCount = categoryNames.length;
  // category names in name order, so every cell lists its categories sorted without a sort per cell
  const categoryOrder = categoryNames.map((_, c) => c).sort((a, b) => (categoryNames[a] < categoryNames[b] ? -1 : 1));
  const byCategory = incidentCounts.byCategory!;
  // below analyst the categories of a cell are a breakdown of the released lattice: sensitive
  // categories folded into `other`, never named per cell (see foldSensitiveCategories)
  // (an analyst's count of sensitive categories alone is suppressed with its categories named)
  const released = policy.restricted ? foldSensitiveCategories(categoryNames, policy.sensitiveQuery ? [] : ctx.config.privacy.sensitiveCategories) : null;
  let suppressedCells = 0;
  let releasedTotal = 0;
  // below analyst, spread is of released counts with suppressed ones taken as threshold / 2 (as the statistics do)
  const statisticValues = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = cells[i];
    const total = incidentCounts.total[i];
    const time = [incidentCounts.day[i], incidentCounts.night[i], incidentCounts.unknownTime[i]];
    if (released) {
      // every released category is a part, zeros included, so that hidden parts may be zero
      const parts = released.parts.map((slot) => slot.reduce((sum, k) => sum + byCategory[i * categoryCount + k], 0));
      const shaped = releaseBreakdowns(policy, total, [time, parts]);
      c.incidents = shaped.total;
      [c.dayIncidents, c.nightIncidents, c.unknownTimeIncidents] = shaped.breakdowns[0];
      // hidden and zero categories alike are left out: a listed category never proves one present
      const category = shaped.breakdowns[1];
      c.incidentsByCategory = [];
      for (let j = 0; j < parts.length; j++) if (category[j] !== null && category[j]! > 0) c.incidentsByCategory.push({ category: released.names[j], count: category[j], suppressed: false });
    } else {
      c.incidents = total;
      [c.dayIncidents, c.nightIncidents, c.unknownTimeIncidents] = time;
      c.incidentsByCategory = [];
      for (const k of categoryOrder) {
        const count = byCategory[i * categoryCount + k];
        if (count > 0) c.incidentsByCategory.push({ category: categoryNames[k], count, suppressed: false });
      }
    }
    c.suppressed = c.incidents === null;
    if (c.suppressed) suppressedCells++;
    releasedTotal += c.incidents ?? 0;
    statisticValues[i] = c.incidents ?? policy.threshold / 2;
  }
  for (const row of outageRows) {
    const i = area.index.get(row.cell);
    if (i !== undefined) cells[i].outageNights += row.value;
  }
  const byKind = Array.from({ length: n }, () => new Map<string, number>());
  for (const row of defectRows) {
    const i = area.index.get(row.cell);
    if (i === undefined) continue;
    cells[i].openRoadDefects += row.count;
    byKind[i].set(row.kind, (byKind[i].get(row.kind) ?? 0) + row.count);
  }
  const residents = new Float64Array(n);
  const young = new Float64Array(n);
  for (const row of populationRows) {
    const i = area.index.get(row.cell);
    if (i === undefined) continue;
    residents[i] += row.residents;
    young[i] += row.youngResidents;
  }

  const straight = await distancesToNearestFacility(knex, area, facilitiesNear, end);
  const withinReach = cellsWithinPostReach(area, posts);

  cells.forEach((c, i) => {
    c.openRoadDefectsByKind = [...byKind[i]].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([kind, count]) => ({ kind, count }));
    c.residents = Math.round(residents[i]);
    c.youngResidents = Math.round(young[i]);
    c.nearestYouthFacilityM = finiteOrNull(straight[i] * DEFAULT_DETOUR_FACTOR);
    c.withinPostReach = withinReach[i] === 1;
  });

  const total = releasedTotal;
  const { mean, standardDeviation } = meanAndSpread(statisticValues);
  const f = DEFAULT_DETOUR_FACTOR;
  return withTexts<HexagonAggregation>({
    studyArea: withTexts<StudyArea>({
      description: area.description,
      resolution: area.resolution,
      k: null,
      weights: null,
      cellCount: n,
      incidentCount: total,
      mean,
      standardDeviation,
      from,
      to,
      categories,
    }),
    method: text('analysis.hexagons.method', { resolution: area.resolution, end: end.toISOString(), detour: f }),
    notes: text('analysis.hexagons.notes'),
    cells,
    // outlines and the FeatureCollection are built only when a client selects them
    get featureCollection() {
      return cellFeatureCollection(cells);
    },
    columns: lazyColumns(cells, [
      'h3',
      'incidents',
      'dayIncidents',
      'nightIncidents',
      'unknownTimeIncidents',
      'outageNights',
      'openRoadDefects',
      'residents',
      'youngResidents',
      'nearestYouthFacilityM',
      'withinPostReach',
    ]),
    privacy: privacyNote(policy, area.resolution, suppressedCells),
  });
}

function nearest(centre: { lat: number; lng: number }, points: PointLocation[]): number {
  let best = Infinity;
  for (const p of points) best = Math.min(best, haversineDistanceMeters(centre, p));
  return best;
}

/**
 * Per study area: the cell centres, and distances to the facility and post sets seen so far,
 * keyed by the exact coordinates of the set, so an unchanged layer is never measured twice and a
 * changed one never reuses old distances. Centres follow the study areas (as many as their
 * cache holds); the measured sets are bounded by entries and by cells held.
 */
const centresCache = createCache<string, { lat: number; lng: number }[]>({ name: 'hexagons: cell centres', max: 64 });
/** by the near set's key; `allKey` names the whole layer when the near set was not enough */
const facilityDistanceCache = createCache<string, { distances: Float64Array; allKey: string | null }>({
  name: 'hexagons: distances to youth facilities',
  max: 512,
  maxSize: 8_000_000,
  sizeOf: (entry) => entry.distances.length,
});
const postReachCache = createCache<string, Uint8Array>({ name: 'hexagons: cells within post reach', max: 512, maxSize: 8_000_000, sizeOf: (reach) => reach.length });

/** The same key for the same cells: a study area's key and resolution fix its cells (resolveStudyArea). */
const areaKeyOf = (area: ResolvedStudyArea): string => `${area.areaKey}|${area.resolution}`;

function cellCentres(area: ResolvedStudyArea): { lat: number; lng: number }[] {
  const key = areaKeyOf(area);
  let centres = centresCache.get(key);
  if (!centres) {
    centres = area.cells.map((h3) => {
      const [lng, lat] = cellCentre(h3);
      return { lat, lng };
    });
    centresCache.set(key, centres);
  }
  return centres;
}

function pointsKey(points: (PointLocation & { walkingRadiusM?: number })[]): string {
  return points.map((p) => `${p.lng},${p.lat},${p.walkingRadiusM ?? ''}`).join(';');
}

/** Straight-line metres from each cell centre to the nearest youth facility (Infinity when there is none). */
async function distancesToNearestFacility(knex: Knex, area: ResolvedStudyArea, facilitiesNear: PointLocation[], end: Date): Promise<Float64Array> {
  const centres = cellCentres(area);
  const key = `${areaKeyOf(area)}\n${pointsKey(facilitiesNear)}`;
  const known = facilityDistanceCache.get(key);
  if (known && known.allKey === null) return known.distances;
  // a cell whose nearest facility in the grown box is farther than the growth may have a
  // closer one outside it: then the whole layer is read
  const nearOnly = known ? null : Float64Array.from(centres, (centre) => nearest(centre, facilitiesNear));
  if (nearOnly && !nearOnly.some((d) => d > FACILITY_SEARCH_M)) {
    facilityDistanceCache.set(key, { distances: nearOnly, allKey: null });
    return nearOnly;
  }
  const all = await youthFacilityPoints(knex, { envelope: null, end });
  const allKey = pointsKey(all);
  if (known && known.allKey === allKey) return known.distances;
  const distances = Float64Array.from(centres, (centre) => nearest(centre, all));
  facilityDistanceCache.set(key, { distances, allKey });
  return distances;
}

/** 1 for each cell whose centre lies within some post's walking radius / detour factor, else 0. */
function cellsWithinPostReach(area: ResolvedStudyArea, posts: PostReachPoint[]): Uint8Array {
  const key = `${areaKeyOf(area)}\n${pointsKey(posts)}`;
  let reach = postReachCache.get(key);
  if (!reach) {
    reach = Uint8Array.from(cellCentres(area), (centre) => (posts.some((p) => haversineDistanceMeters(centre, p) <= p.walkingRadiusM / DEFAULT_DETOUR_FACTOR) ? 1 : 0));
    postReachCache.set(key, reach);
  }
  return reach;
}
