/** Every cell of a study area with all layers aggregated to it, for maps and tables. */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import {
  growEnvelope,
  incidentCountsInArea,
  openRoadDefectsByCell,
  outageNightsByCell,
  populationByCell,
  postPoints,
  youthFacilityPoints,
  PointLocation,
} from '../db/aggregates';
import { DEFAULT_DETOUR_FACTOR, haversineDistanceMeters } from '../geo/coverage/straightLineReach';
import { cellCentre, cellFeatureCollection, cellPolygon, lazyColumns } from '../geo/h3';
import { StudyAreaArgs } from '../schema/analysis';
import { HexagonAggregation, HexagonCell } from '../schema/hexagons';
import { resolveStudyArea } from '../analysis/studyArea';
import type { RequestContext } from '../context';
import { argsForRelease, argsWithTrueCounts, auditSensitiveCount, foldSensitiveCategories, privacyNote, releaseBreakdowns } from '../analysis/release';

/** Facilities are read within the study envelope grown by this much; farther ones only when a cell has none closer. */
const FACILITY_SEARCH_M = 3_000;
/** The largest walking radius a post may have (posts_radius_check). */
const MAX_POST_RADIUS_M = 5_000;

function nearest(centre: { lat: number; lng: number }, points: PointLocation[]): number {
  let best = Infinity;
  for (const p of points) best = Math.min(best, haversineDistanceMeters(centre, p));
  return best;
}

/**
 * Per study area (its cached cells array): cell centres, and distances to the facility and post
 * sets seen so far, keyed by the exact coordinates of the set, so an unchanged layer is never
 * measured twice and a changed one never reuses old distances.
 */
interface CellReach {
  centres: { lat: number; lng: number }[];
  /** by the near set's key; `allKey` names the whole layer when the near set was not enough */
  facilityDistance: Map<string, { distances: Float64Array; allKey: string | null }>;
  postReach: Map<string, Uint8Array>;
}

const reachByArea = new WeakMap<readonly string[], CellReach>();
const REACH_SETS_PER_AREA = 8;

function cellReach(cells: readonly string[]): CellReach {
  let reach = reachByArea.get(cells);
  if (!reach) {
    const centres = cells.map((h3) => {
      const [lng, lat] = cellCentre(h3);
      return { lat, lng };
    });
    reach = { centres, facilityDistance: new Map(), postReach: new Map() };
    reachByArea.set(cells, reach);
  }
  return reach;
}

function remember<T>(map: Map<string, T>, key: string, value: T): T {
  if (map.size >= REACH_SETS_PER_AREA) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

function pointsKey(points: (PointLocation & { walkingRadiusM?: number })[]): string {
  return points.map((p) => `${p.lng},${p.lat},${p.walkingRadiusM ?? ''}`).join(';');
}

@Resolver()
export class HexagonQueries {
  @Authorized(...rolesFor('Query.hexagons'))
  @Query(() => HexagonAggregation, {
    description:
      'Every H3 cell of a study area (cells whose centre lies in the area, zero-count cells included) with incident counts (total, by category, day and night), outage-nights, open road defects, young residents, walking distance to the nearest youth facility and post reach; also as one GeoJSON FeatureCollection. Every role; below analyst the privacy rules apply (see `privacy`).',
  })
  async hexagons(@Ctx() ctx: RequestContext, @Args() args: StudyAreaArgs): Promise<HexagonAggregation> {
    return computeHexagons(ctx, args);
  }
}

/** The hexagons answer; shared by the GraphQL query, tiles, exports and the risk models. */
/**
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

  const reach = cellReach(area.cells);
  const centres = reach.centres;
  const nearKey = pointsKey(facilitiesNear);
  let straight: Float64Array;
  const known = reach.facilityDistance.get(nearKey);
  if (known && known.allKey === null) {
    straight = known.distances;
  } else {
    // a cell whose nearest facility in the grown box is farther than the growth may have a
    // closer one outside it: then the whole layer is read
    const nearOnly = known ? null : Float64Array.from(centres, (centre) => nearest(centre, facilitiesNear));
    if (nearOnly && !nearOnly.some((d) => d > FACILITY_SEARCH_M)) {
      straight = remember(reach.facilityDistance, nearKey, { distances: nearOnly, allKey: null }).distances;
    } else {
      const all = await youthFacilityPoints(knex, { envelope: null, end });
      const allKey = pointsKey(all);
      straight =
        known && known.allKey === allKey
          ? known.distances
          : remember(reach.facilityDistance, nearKey, { distances: Float64Array.from(centres, (centre) => nearest(centre, all)), allKey }).distances;
    }
  }
  const postsKey = pointsKey(posts);
  const withinReach =
    reach.postReach.get(postsKey) ??
    remember(
      reach.postReach,
      postsKey,
      Uint8Array.from(centres, (centre) => (posts.some((p) => haversineDistanceMeters(centre, p) <= p.walkingRadiusM / DEFAULT_DETOUR_FACTOR) ? 1 : 0)),
    );

  cells.forEach((c, i) => {
    c.openRoadDefectsByKind = [...byKind[i]].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([kind, count]) => ({ kind, count }));
    c.residents = Math.round(residents[i]);
    c.youngResidents = Math.round(young[i]);
    c.nearestYouthFacilityM = Number.isFinite(straight[i]) ? straight[i] * DEFAULT_DETOUR_FACTOR : null;
    c.withinPostReach = withinReach[i] === 1;
  });

  const total = releasedTotal;
  let mean = 0;
  for (const v of statisticValues) mean += v / n;
  let m2 = 0;
  for (const v of statisticValues) m2 += (v - mean) ** 2;
  const f = DEFAULT_DETOUR_FACTOR;
  return {
    studyArea: {
      description: area.description,
      resolution: area.resolution,
      k: null,
      weights: null,
      cellCount: n,
      incidentCount: total,
      mean,
      standardDeviation: Math.sqrt(m2 / n),
      from,
      to,
      categories,
    },
    method: [
      `incidents: points grouped by the resolution-${area.resolution} parent of their stored fine cell, occurred in [from, to), day/night by the actual sunset and sunrise at the place and moment, unknown when the time is not exact`,
      'outageNights: per outage overlapping the window, days of overlap of [reported, fixed or window end or now) with the window, summed at the outage\'s cell',
      `openRoadDefects: defects reported before the window end (${end.toISOString()}) and not fixed before it`,
      'residents, youngResidents: population records summed into the cell (finer records) or split evenly among children (coarser records)',
      `nearestYouthFacilityM: haversine distance from the cell centre to the nearest facility point (ST_PointOnSurface for areas) times detour factor ${f}`,
      `withinPostReach: haversine distance from the cell centre to some post at most its walking radius / ${f}`,
    ].join('; '),
    notes:
      'Approximations: lighting outages and road defects that are segments count wholly at the cell of their middle point; population records coarser than the analysis resolution are spread evenly over their 7^(r - stored) children and rounded per cell; distances are straight lines times a pedestrian detour factor, not street-network routes; posts and facilities count when opened before the window end or undated.',
    cells,
    // outlines and the FeatureCollection are built only when a client selects them
    get featureCollection() {
      return cellFeatureCollection(cells);
    },
    columns: lazyColumns(cells, ['h3', 'incidents', 'dayIncidents', 'nightIncidents', 'unknownTimeIncidents', 'outageNights', 'openRoadDefects', 'residents', 'youngResidents', 'nearestYouthFacilityM', 'withinPostReach']),
    privacy: privacyNote(policy, area.resolution, suppressedCells),
  };
}
