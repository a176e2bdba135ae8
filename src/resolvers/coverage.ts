/** Walking-distance coverage of posts and siting of new ones. */
import { Authorized, Args, Ctx, Query, Resolver } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import { incidentCoverageCounts, populationByCell, growEnvelope, type IncidentCoverageCounts } from '../db/aggregates';
import { coveragePosts, coveragePostsByIds, groupingAreas, areasVersion, type CoveragePost } from '../db/coverage';
import { serviceAreaPolygons } from '../db/streets';
import { DEFAULT_WALKING_RADIUS_M, type BBox, type PolygonGeometry } from '../domain';
import {
  buildCoverageRelation,
  coverageShares,
  haversineDistanceMeters,
  solveMaximalCovering,
  solveSetCovering,
  straightLineReachPolygon,
  type CoverageShare,
  type CoverageShares,
  type LatLng,
} from '../geo/coverage';
import { cellCentre, cellPolygon, pointToCell } from '../geo/h3';
import { studyAreaCells } from '../geo/studyArea';
import type { AnalysisWarning, HotspotAnalysis, StudyAreaArgs } from '../schema/analysis';
import {
  AreaCoverage,
  CoverageAnalysis,
  CoverageArgs,
  CoverageMeasures,
  CoverageShareResult,
  MinimumSites,
  PostReach,
  PostReachArgs,
  SiteSuggestion,
  SitingArgs,
  SuggestSitesArgs,
  SuggestedSite,
} from '../schema/coverage';
import { hotspotsOfCounts } from '../analysis/hotspots';
import { resolveStudyArea, type CountedStudyArea, type ResolvedStudyArea } from '../analysis/studyArea';
import type { RequestContext } from '../context';
import { chargeSiting } from '../compute/charges';
import { auditSensitiveCount, sensitiveScope } from '../analysis/release';
import { MAX_WALKING_RADIUS_M, describeReach, resolveReach, siteReachCells, type ReachSettings } from './coverageReach';
import { badInput, notFound } from '../errors';
import { nonEmpty, toId, toTimeWindow } from '../analysis/inputs';

const FINE_RESOLUTION = 11;
const MAX_CANDIDATES = 20_000;
const MAX_NEW_SITES = 200;
/** Gi* bins with FDR at or above this count as significant hot spots: 95 % or 99 % confidence. */
const SIGNIFICANT_BIN = 2;
const HOTSPOT_METHOD =
  'Getis-Ord Gi* as the hotspots query computes it (binary weights over gridDisk(k=1) including the cell itself, two-sided normal p, Benjamini-Hochberg FDR at each level); significant hot spot = binFdr >= 2 (hot at 95 % or 99 % after FDR)';

function checkResolution(value: number, path: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(path, `must be an integer from ${min} to ${max}, got ${value}`);
}

function toShareResult(share: CoverageShare): CoverageShareResult {
  return { total: share.totalWeight, covered: share.coveredWeight, share: share.share, cellCount: share.itemCount, coveredCellCount: share.coveredItemCount };
}

/**
 * Incident shares from per-cell totals and covered counts: a cell at the analysis resolution can
 * be partly within reach (its fine cells are), so its incidents split into covered and not.
 * A cell counts as covered in `coveredItemCount` when any of its incidents is within reach.
 */
function incidentShares(cells: IncidentCoverageCounts['byCell'], groupOf: (cell: string) => string | undefined): CoverageShares<string> {
  const tally = () => ({ totalWeight: 0, coveredWeight: 0, itemCount: 0, coveredItemCount: 0 });
  const overall = tally();
  const byGroup = new Map<string, ReturnType<typeof tally>>();
  for (const c of cells) {
    const group = groupOf(c.cell);
    const targets = [overall];
    if (group !== undefined) {
      if (!byGroup.has(group)) byGroup.set(group, tally());
      targets.push(byGroup.get(group)!);
    }
    for (const t of targets) {
      t.totalWeight += c.total;
      t.coveredWeight += c.covered;
      t.itemCount++;
      if (c.covered > 0) t.coveredItemCount++;
    }
  }
  const finish = (t: ReturnType<typeof tally>): CoverageShare => ({ ...t, share: t.totalWeight > 0 ? t.coveredWeight / t.totalWeight : null });
  return { overall: finish(overall), groups: [...byGroup].map(([group, t]) => ({ group, ...finish(t) })) };
}

const EMPTY_SHARE: CoverageShare = { totalWeight: 0, coveredWeight: 0, share: null, itemCount: 0, coveredItemCount: 0 };

interface CellGroups {
  district: Map<string, string>;
  precinct: Map<string, string>;
  areas: Awaited<ReturnType<typeof groupingAreas>>;
}

const groupCache = new Map<string, CellGroups>();

/** District and precinct of every cell (centre rule) at a resolution; cached per state of the areas table. */
async function cellGroups(ctx: RequestContext, envelope: BBox, resolution: number): Promise<CellGroups> {
  const key = `${await areasVersion(ctx.knex)}|${envelope.join(',')}|${resolution}`;
  const hit = groupCache.get(key);
  if (hit) return hit;
  const areas = await groupingAreas(ctx.knex, envelope);
  const district = new Map<string, string>();
  const precinct = new Map<string, string>();
  for (const a of areas) {
    const target = a.kind === 'district' ? district : precinct;
    for (const cell of studyAreaCells(a.geometry, resolution)) target.set(cell, a.id);
  }
  if (groupCache.size >= 16) groupCache.delete(groupCache.keys().next().value as string);
  const groups = { district, precinct, areas };
  groupCache.set(key, groups);
  return groups;
}

/** Posts whose radius reaches into the box: the others cannot cover anything in it. */
function postsReachingBox(posts: CoveragePost[], settings: ReachSettings, envelope: BBox): CoveragePost[] {
  return posts.filter((p) => {
    const [minLng, minLat, maxLng, maxLat] = growEnvelope(envelope, radiusOf(settings, p));
    return p.lng >= minLng && p.lng <= maxLng && p.lat >= minLat && p.lat <= maxLat;
  });
}

function postPlace(post: CoveragePost): LatLng {
  return { lat: post.lat, lng: post.lng };
}

function radiusOf(settings: ReachSettings, post: CoveragePost): number {
  return settings.radiusOverride ?? post.walkingRadiusM;
}

@Resolver()
export class CoverageQueries {
  @Authorized(...rolesFor('Query.coverage'))
  @Query(() => CoverageAnalysis, {
    description:
      'Who and what is within walking reach of police posts in an area: shares of residents, young residents, incidents (by category) and significant hot spot cells, overall, per district and per precinct (with residents and incidents per precinct office), per post, and the hot spot cells no post reaches. States the reach method, radius and detour factor.',
  })
  async coverage(@Ctx() ctx: RequestContext, @Args() args: CoverageArgs): Promise<CoverageAnalysis> {
    return computeCoverage(ctx, args);
  }

  @Authorized(...rolesFor('Query.postReach'))
  @Query(() => [PostReach], { description: 'Walking reach of one post (postId) or of every post in an area: the service area as GeoJSON, with the method, radius and detour factor.' })
  async postReach(@Ctx() ctx: RequestContext, @Args() args: PostReachArgs): Promise<PostReach[]> {
    return computePostReach(ctx, args);
  }

  @Authorized(...rolesFor('Query.suggestPostSites'))
  @Query(() => SiteSuggestion, {
    description:
      'Chooses `count` new post sites among candidates that bring the most demand within walking reach, existing posts kept (maximal covering location problem, Church and ReVelle 1974): sites in order with marginal gains, coverage before and after, solver, bound and whether optimality is proven.',
  })
  async suggestPostSites(@Ctx() ctx: RequestContext, @Args() args: SuggestSitesArgs): Promise<SiteSuggestion> {
    return computeSiteSuggestion(ctx, args);
  }

  @Authorized(...rolesFor('Query.minimumPostSites'))
  @Query(() => MinimumSites, {
    description: 'The fewest new sites among candidates that bring every significant hot spot cell of the area within walking reach, existing posts kept (location set covering, Toregas et al. 1971), with a lower bound and whether the answer is proven optimal.',
  })
  async minimumPostSites(@Ctx() ctx: RequestContext, @Args() args: SitingArgs): Promise<MinimumSites> {
    return computeMinimumSites(ctx, args);
  }
}

function hotspotArgs(args: { area: CoverageArgs['area']; window?: CoverageArgs['window']; categories?: string[] }, resolution: number) {
  return { area: args.area, resolution, window: args.window, categories: args.categories, k: 1, weights: 'binary' as const, permutations: 0 };
}

/** The coverage answer; shared by the GraphQL query and the benchmark. */
export async function computeCoverage(ctx: RequestContext, args: CoverageArgs): Promise<CoverageAnalysis> {
  checkResolution(args.resolution, 'resolution', 9, FINE_RESOLUTION);
  const window = toTimeWindow(args.window, 'window');
  const area = await resolveStudyArea(ctx, args as StudyAreaArgs);
  const categories = await scopedCategories(ctx, 'coverage', args, area);
  const settings = await resolveReach(ctx, args, area.envelope, area.cells);
  const end = window?.to ?? new Date();
  const res = area.resolution;
  const { knex } = ctx;

  const [nearbyPosts, populationRows, groups] = await Promise.all([
    coveragePosts(knex, { envelope: growEnvelope(area.envelope, MAX_WALKING_RADIUS_M), end }),
    populationByCell(knex, { resolution: res, envelope: area.envelope }),
    cellGroups(ctx, area.envelope, res),
  ]);
  const posts = postsReachingBox(nearbyPosts, settings, area.envelope);

  // reach of every post, at the fine resolution (incidents) and the analysis resolution
  const coveredFine = new Set<string>();
  const coveredCoarse = new Set<string>();
  const postReaches = posts.map((post) => {
    const fine = siteReachCells(settings, postPlace(post), radiusOf(settings, post), FINE_RESOLUTION);
    const coarse = res === FINE_RESOLUTION ? fine : siteReachCells(settings, postPlace(post), radiusOf(settings, post), res);
    for (const c of fine.cells) coveredFine.add(c);
    for (const c of coarse.cells) coveredCoarse.add(c);
    return { post, fine, coarse };
  });
  // incidents are counted in SQL against the covered cells: no distance join, a few thousand rows back
  const incidents = await incidentCoverageCounts(knex, {
    resolution: res,
    envelope: area.envelope,
    from: window?.from ?? null,
    to: window?.to ?? null,
    categories,
    areaCells: area.cells,
    coveredFineCells: [...coveredFine],
  });
  const incidentsInFineCell = new Map(incidents.byCoveredFineCell.map((r) => [r.cell, r.count]));
  // the hot spots of the same counts, by the hotspots query's own code
  const counts = new Float64Array(area.cells.length);
  for (const r of incidents.byCell) {
    const i = area.index.get(r.cell);
    if (i !== undefined) counts[i] = r.total;
  }
  const hotspots = hotspotsOfCounts({ area, counts, from: window?.from ?? null, to: window?.to ?? null, categories }, hotspotArgs(args, res));

  const popCells: string[] = [];
  const residents: number[] = [];
  const young: number[] = [];
  const popIndex = new Map<string, number>();
  for (const row of populationRows) {
    if (!area.index.has(row.cell)) continue;
    let j = popIndex.get(row.cell);
    if (j === undefined) {
      j = popCells.length;
      popIndex.set(row.cell, j);
      popCells.push(row.cell);
      residents.push(0);
      young.push(0);
    }
    residents[j] += row.residents;
    young[j] += row.youngResidents;
  }
  const significant = hotspots.cells.filter((c) => c.binFdr >= SIGNIFICANT_BIN);
  const popCovered = popCells.map((c) => coveredCoarse.has(c));
  const hotCovered = significant.map((c) => coveredCoarse.has(c.h3));
  const ones = significant.map(() => 1);

  const measures = (groupOf: (cell: string) => string | undefined) => {
    const r = coverageShares(residents, popCovered, popCells.map(groupOf));
    const y = coverageShares(young, popCovered, popCells.map(groupOf));
    const i = incidentShares(incidents.byCell, groupOf);
    const h = coverageShares(ones, hotCovered, significant.map((c) => groupOf(c.h3)));
    return { r, y, i, h };
  };
  const measuresOf = (m: ReturnType<typeof measures>, group: string | null): CoverageMeasures => {
    const pick = (s: ReturnType<typeof coverageShares<string>>) => (group === null ? s.overall : s.groups.find((g) => g.group === group) ?? EMPTY_SHARE);
    return { residents: toShareResult(pick(m.r)), youngResidents: toShareResult(pick(m.y)), incidents: toShareResult(pick(m.i)), significantHotspotCells: toShareResult(pick(m.h)) };
  };
  const byDistrict = measures((c) => groups.district.get(c));
  const byPrecinct = measures((c) => groups.precinct.get(c));
  const areaRows = (kind: 'district' | 'precinct'): AreaCoverage[] => {
    const m = kind === 'district' ? byDistrict : byPrecinct;
    const present = new Set([...m.r.groups, ...m.i.groups].map((g) => g.group));
    return groups.areas
      .filter((a) => a.kind === kind && present.has(a.id))
      .map((a) => {
        const coverage = measuresOf(m, a.id);
        const offices = a.precinctOffices;
        return {
          areaId: a.id,
          kind: a.kind,
          name: a.name,
          parentId: a.parentId,
          coverage,
          precinctOffices: offices,
          residentsPerOffice: offices > 0 ? coverage.residents.total / offices : null,
          incidentsPerOffice: offices > 0 ? coverage.incidents.total / offices : null,
        };
      });
  };

  const popWeight = new Map(popCells.map((c, j) => [c, j]));
  const hotSet = new Set(significant.map((c) => c.h3));
  const postRows = postReaches.map(({ post, fine, coarse }) => {
    let r = 0;
    let y = 0;
    let n = 0;
    let h = 0;
    for (const c of coarse.cells) {
      const j = popWeight.get(c);
      if (j !== undefined) {
        r += residents[j];
        y += young[j];
      }
      if (hotSet.has(c)) h++;
    }
    for (const c of fine.cells) n += incidentsInFineCell.get(c) ?? 0;
    return { postId: post.id, name: post.name, kind: post.kind, radiusM: radiusOf(settings, post), residents: r, youngResidents: y, incidents: n, significantHotspotCells: h, accessLegM: fine.accessLegM };
  });

  const warnings: AnalysisWarning[] = [...settings.warnings, ...hotspots.warnings];
  if (settings.method === 'network') {
    const off = postRows.filter((p) => p.accessLegM === null);
    if (off.length > 0) {
      warnings.push({ code: 'POST_OFF_NETWORK', message: `${off.length} post(s) have no street within ${settings.accessM} m and reach nothing by the network method: ${off.slice(0, 20).map((p) => p.postId).join(', ')}`, cells: [] });
    }
  }
  const overall = measures(() => undefined);
  const totalIncidents = incidents.byCell.reduce((sum, r) => sum + r.total, 0);
  return {
    reach: describeReach(settings),
    studyArea: { ...hotspots.studyArea, incidentCount: totalIncidents },
    hotspotMethod: HOTSPOT_METHOD,
    postCount: posts.length,
    overall: measuresOf(overall, null),
    incidentsByCategory: incidents.byCategory
      .sort((x, y) => (x.category < y.category ? -1 : 1))
      .map((r) => ({ category: r.category, incidents: { total: r.total, covered: r.covered, share: r.total > 0 ? r.covered / r.total : null, cellCount: 0, coveredCellCount: 0 } })),
    districts: areaRows('district'),
    precincts: areaRows('precinct'),
    posts: postRows,
    uncoveredHotspotCells: significant
      .filter((_, k) => !hotCovered[k])
      .sort((a, b) => (b.z ?? 0) - (a.z ?? 0))
      .map((c) => ({ h3: c.h3, get boundary() { return cellPolygon(c.h3); }, count: c.count, z: c.z, pFdr: c.pFdr, binFdr: c.binFdr, districtId: groups.district.get(c.h3) ?? null })),
    emptyReason:
      posts.length === 0
        ? `no post is within walking radius of the area${window?.to ? ' and opened before the window end' : ''}: nothing is within walking reach, every share is 0`
        : null,
    warnings,
  };
}

/** postReach: the service area of each post. */
export async function computePostReach(ctx: RequestContext, args: PostReachArgs): Promise<PostReach[]> {
  const given = [args.postId, args.area].filter((v) => v !== undefined && v !== null);
  if (given.length !== 1) throw badInput('postId', 'give exactly one of postId and area');
  let posts: CoveragePost[];
  let envelope: BBox;
  let placeCells: string[];
  if (args.postId !== undefined && args.postId !== null) {
    const postId = toId(args.postId, 'postId');
    posts = await coveragePostsByIds(ctx.knex, [postId]);
    if (posts.length === 0) throw notFound('post', postId);
    envelope = growEnvelope([posts[0].lng, posts[0].lat, posts[0].lng, posts[0].lat], MAX_WALKING_RADIUS_M);
    placeCells = [pointToCell([posts[0].lng, posts[0].lat], 11)];
  } else {
    const area = await resolveStudyArea(ctx, { area: args.area!, resolution: 9 } as StudyAreaArgs);
    envelope = area.envelope;
    posts = (await coveragePosts(ctx.knex, { envelope, end: new Date() })).filter((p) => area.index.has(pointToCell([p.lng, p.lat], 9)));
    placeCells = area.cells;
  }
  const settings = await resolveReach(ctx, args, envelope, placeCells);
  const reach = describeReach(settings);
  if (settings.method === 'straightLine') {
    return posts.map((post) => {
      const radiusM = radiusOf(settings, post);
      return {
        postId: post.id,
        name: post.name,
        kind: post.kind,
        reach,
        radiusM,
        serviceArea: straightLineReachPolygon(postPlace(post), radiusM, settings.detourFactor).geometry as PolygonGeometry,
        reachedStreetM: null,
        accessLegM: null,
        reachedCellCount: siteReachCells(settings, postPlace(post), radiusM, FINE_RESOLUTION).cells.length,
      };
    });
  }
  const graph = settings.network!.graph;
  const lineSets = posts.map((post) => {
    const snap = graph.snap(postPlace(post), settings.accessM);
    if (!snap) return { snap, lines: [] as [number, number][][] };
    const reached = graph.reach(snap, radiusOf(settings, post));
    const lines = graph.reachedLines(reached);
    return { snap, lines: snap.accessM > 0 ? [...lines, [[post.lng, post.lat], snap.point] as [number, number][]] : lines };
  });
  const polygons = await serviceAreaPolygons(ctx.knex, lineSets.map((s) => s.lines), settings.accessM);
  return posts.map((post, i) => {
    const { snap, lines } = lineSets[i];
    let length = 0;
    // the last line is the post's own access leg, not street
    const streetLines = snap && snap.accessM > 0 ? lines.slice(0, -1) : lines;
    for (const line of streetLines) {
      for (let k = 1; k < line.length; k++) length += haversineDistanceMeters({ lng: line[k - 1][0], lat: line[k - 1][1] }, { lng: line[k][0], lat: line[k][1] });
    }
    const radiusM = radiusOf(settings, post);
    return {
      postId: post.id,
      name: post.name,
      kind: post.kind,
      reach,
      radiusM,
      serviceArea: polygons[i],
      reachedStreetM: snap ? length : null,
      accessLegM: snap ? snap.accessM : null,
      reachedCellCount: siteReachCells(settings, postPlace(post), radiusM, FINE_RESOLUTION).cells.length,
    };
  });
}

interface Candidate {
  place: LatLng;
  label: string | null;
}

interface SitingInstance {
  area: ResolvedStudyArea;
  settings: ReachSettings;
  candidates: Candidate[];
  candidateRadiusM: number;
  posts: CoveragePost[];
  warnings: AnalysisWarning[];
}

async function prepareSiting(ctx: RequestContext, args: SitingArgs): Promise<SitingInstance> {
  checkResolution(args.resolution, 'resolution', 9, FINE_RESOLUTION);
  checkResolution(args.candidateResolution, 'candidateResolution', 7, 10);
  const window = toTimeWindow(args.window, 'window');
  nonEmpty(args.categories, 'categories');
  if (args.candidates) {
    if (args.candidates.length === 0) throw badInput('candidates', 'must not be empty (leave it out to use the cell centres of the area)');
    if (args.candidates.length > MAX_CANDIDATES) throw badInput('candidates', `at most ${MAX_CANDIDATES} candidates, got ${args.candidates.length}`);
    args.candidates.forEach((c, i) => {
      if (!Number.isFinite(c.lng) || !Number.isFinite(c.lat) || Math.abs(c.lng) > 180 || Math.abs(c.lat) > 90) {
        throw badInput(`candidates[${i}]`, `(${c.lng}, ${c.lat}) is not a longitude/latitude`);
      }
    });
  }
  const area = await resolveStudyArea(ctx, args as StudyAreaArgs);
  const settings = await resolveReach(ctx, args, area.envelope, area.cells);
  let candidates: Candidate[];
  if (args.candidates) {
    candidates = args.candidates.map((c) => ({ place: { lng: c.lng, lat: c.lat }, label: c.label ?? null }));
  } else {
    const candidateArea = await resolveStudyArea(ctx, { ...(args as StudyAreaArgs), resolution: args.candidateResolution });
    if (candidateArea.cells.length > MAX_CANDIDATES) {
      throw badInput('candidateResolution', `gives ${candidateArea.cells.length} candidate cells in the area; at most ${MAX_CANDIDATES} (choose a coarser resolution or give candidates)`);
    }
    candidates = candidateArea.cells.map((cell) => {
      const [lng, lat] = cellCentre(cell);
      return { place: { lng, lat }, label: cell };
    });
  }
  const nearby = await coveragePosts(ctx.knex, { envelope: growEnvelope(area.envelope, MAX_WALKING_RADIUS_M), end: window?.to ?? new Date() });
  const posts = postsReachingBox(nearby, settings, area.envelope);
  const warnings = [...settings.warnings];
  if (posts.length === 0) warnings.push({ code: 'NO_EXISTING_POSTS', message: 'no existing post is within walking radius of the area: coverage before is 0', cells: [] });
  return { area, settings, candidates, candidateRadiusM: args.radius ?? DEFAULT_WALKING_RADIUS_M, posts, warnings };
}

/** Demand weight per cell of the area at its resolution (cells with no weight left out). */
async function demandWeights(ctx: RequestContext, args: SuggestSitesArgs, area: ResolvedStudyArea): Promise<{ cells: string[]; weights: number[]; hotspots: HotspotAnalysis | null }> {
  const totals = new Map<string, number>();
  let hotspots: HotspotAnalysis | null = null;
  if (args.demand === 'residents' || args.demand === 'youngResidents') {
    for (const row of await populationByCell(ctx.knex, { resolution: area.resolution, envelope: area.envelope })) {
      if (area.index.has(row.cell)) totals.set(row.cell, (totals.get(row.cell) ?? 0) + (args.demand === 'residents' ? row.residents : row.youngResidents));
    }
  } else {
    const counted = await countIncidentsInArea(ctx, area, args);
    if (args.demand === 'incidents') {
      area.cells.forEach((cell, i) => totals.set(cell, counted.counts[i]));
    } else {
      hotspots = hotspotsOfCounts(counted, hotspotArgs(args, area.resolution));
      for (const c of hotspots.cells) if (c.binFdr >= SIGNIFICANT_BIN && c.z !== null) totals.set(c.h3, c.z);
    }
  }
  const cells = [...totals.keys()].filter((c) => totals.get(c)! > 0).sort();
  return { cells, weights: cells.map((c) => totals.get(c)!), hotspots };
}

/** The categories counted, after the sensitive-category rules (sensitiveScope), with the audit they ask for. */
async function scopedCategories(ctx: RequestContext, operation: string, args: { window?: SitingArgs['window']; categories?: string[]; area?: unknown }, area: ResolvedStudyArea): Promise<string[] | null> {
  const window = toTimeWindow(args.window, 'window');
  const scope = sensitiveScope(ctx, nonEmpty(args.categories, 'categories'), area.resolution, window);
  if (scope.sensitive) await auditSensitiveCount(ctx, operation, { area: args.area, resolution: area.resolution, window, categories: scope.categories }, area.cells.length);
  return scope.categories;
}

/** Incidents per cell of the area in one scan that returns one row per cell (no distance join, no per-category rows). */
async function countIncidentsInArea(ctx: RequestContext, area: ResolvedStudyArea, args: { window?: SitingArgs['window']; categories?: string[] }): Promise<CountedStudyArea> {
  const window = toTimeWindow(args.window, 'window');
  const categories = await scopedCategories(ctx, 'post siting', args, area);
  const incidents = await incidentCoverageCounts(ctx.knex, {
    resolution: area.resolution,
    envelope: area.envelope,
    from: window?.from ?? null,
    to: window?.to ?? null,
    categories,
    areaCells: area.cells,
    coveredFineCells: [],
    perCategory: false,
  });
  const counts = new Float64Array(area.cells.length);
  for (const r of incidents.byCell) {
    const i = area.index.get(r.cell);
    if (i !== undefined) counts[i] = r.total;
  }
  return { area, counts, from: window?.from ?? null, to: window?.to ?? null, categories };
}

function coverageLists(instance: SitingInstance, demandCells: string[]): { candidateCoverage: Int32Array[]; existing: Int32Array } {
  const { settings, area } = instance;
  const reach = instance.candidates.map((c) => siteReachCells(settings, c.place, instance.candidateRadiusM, area.resolution).cells);
  const candidateCoverage = buildCoverageRelation(reach, demandCells);
  const postReach = instance.posts.map((p) => siteReachCells(settings, postPlace(p), radiusOf(settings, p), area.resolution).cells);
  const [existingCovered] = buildCoverageRelation([postReach.flat()], demandCells);
  return { candidateCoverage, existing: existingCovered };
}

function siteOf(instance: SitingInstance, candidate: number, rank: number, marginalGain: number, coveredAfter: number): SuggestedSite {
  const c = instance.candidates[candidate];
  return { rank, lng: c.place.lng, lat: c.place.lat, label: c.label, candidateIndex: candidate, marginalGain, coveredAfter };
}

export async function computeSiteSuggestion(ctx: RequestContext, args: SuggestSitesArgs): Promise<SiteSuggestion> {
  if (!Number.isInteger(args.count) || args.count < 1 || args.count > MAX_NEW_SITES) throw badInput('count', `must be an integer from 1 to ${MAX_NEW_SITES}, got ${args.count}`);
  const instance = await prepareSiting(ctx, args);
  if (args.count > instance.candidates.length) {
    throw badInput('count', `asks for ${args.count} sites but there are only ${instance.candidates.length} candidates`);
  }
  await chargeSiting(ctx, 'suggestPostSites', instance.candidates.length, instance.area.cells.length);
  const demand = await demandWeights(ctx, args, instance.area);
  const { candidateCoverage, existing } = coverageLists(instance, demand.cells);
  const result = solveMaximalCovering(
    { demandWeights: demand.weights, candidateCoverage, coveredByExistingPosts: existing, newSiteCount: args.count },
    { method: args.solver },
  );
  const warnings = [...instance.warnings, ...(demand.hotspots?.warnings ?? [])];
  if (demand.cells.length === 0) warnings.push({ code: 'NO_DEMAND', message: `the area holds no ${args.demand} to cover`, cells: [] });
  if (result.sites.length < args.count) {
    warnings.push({ code: 'FEWER_SITES', message: `only ${result.sites.length} of ${args.count} sites add anything; the others would cover nothing new`, cells: [] });
  }
  const share = (v: number): number | null => (result.totalDemand > 0 ? v / result.totalDemand : null);
  return {
    reach: describeReach(instance.settings),
    demand: args.demand,
    method: `maximal covering location problem (Church and ReVelle 1974) over ${demand.cells.length} resolution-${instance.area.resolution} demand cells (${args.demand}${args.demand === 'hotspotWeight' ? ': Gi* z of cells with binFdr >= 2' : ''}) and ${instance.candidates.length} candidates with a ${instance.candidateRadiusM} m walking radius, ${instance.posts.length} existing posts fixed; greedy with the Nemhauser-Wolsey-Fisher bound${result.method === 'exact' ? ', then branch and bound' : ''}`,
    solver: result.method,
    optimal: result.optimal,
    searchOutcome: result.search.outcome,
    candidateCount: instance.candidates.length,
    existingPostCount: instance.posts.length,
    totalDemand: result.totalDemand,
    coveredBefore: result.coveredBefore,
    coveredAfter: result.coveredAfter,
    shareBefore: share(result.coveredBefore),
    shareAfter: share(result.coveredAfter),
    upperBound: result.upperBound,
    provenGainRatio: result.provenGainRatio,
    greedyGuarantee: result.greedyGuarantee,
    uncoverableDemand: result.uncoverableDemand,
    sites: result.sites.map((s, k) => siteOf(instance, s.candidate, k + 1, s.marginalGain, s.coveredAfter)),
    warnings,
  };
}

export async function computeMinimumSites(ctx: RequestContext, args: SitingArgs): Promise<MinimumSites> {
  const instance = await prepareSiting(ctx, args);
  await chargeSiting(ctx, 'minimumPostSites', instance.candidates.length, instance.area.cells.length);
  const hotspots = hotspotsOfCounts(await countIncidentsInArea(ctx, instance.area, args), hotspotArgs(args, instance.area.resolution));
  const targets = hotspots.cells.filter((c) => c.binFdr >= SIGNIFICANT_BIN).map((c) => c.h3);
  const { candidateCoverage, existing } = coverageLists(instance, targets);
  const result = solveSetCovering(
    { demandCount: targets.length, targets: targets.map((_, j) => j), candidateCoverage, coveredByExistingPosts: existing },
    { method: args.solver },
  );
  const warnings = [...instance.warnings, ...hotspots.warnings];
  if (targets.length === 0) warnings.push({ code: 'NO_TARGETS', message: 'the area holds no significant hot spot cell (binFdr >= 2): no site is needed', cells: [] });
  let covered = result.alreadyCoveredTargets.length;
  return {
    reach: describeReach(instance.settings),
    method: `location set covering (Toregas et al. 1971) of ${targets.length} significant hot spot cells (resolution ${instance.area.resolution}, binFdr >= 2) with ${instance.candidates.length} candidates at a ${instance.candidateRadiusM} m walking radius, ${instance.posts.length} existing posts fixed; greedy with lower bounds${result.method === 'exact' ? ', then branch and bound' : ''}`,
    solver: result.method,
    optimal: result.optimal,
    count: result.sites.length,
    lowerBound: result.lowerBound,
    greedyFactor: result.greedyFactor,
    targetCount: targets.length,
    alreadyCovered: result.alreadyCoveredTargets.length,
    uncoverableCells: result.uncoverableTargets.map((j) => targets[j]),
    candidateCount: instance.candidates.length,
    sites: result.sites.map((s, k) => {
      covered += s.newlyCoveredTargets;
      return siteOf(instance, s.candidate, k + 1, s.newlyCoveredTargets, covered);
    }),
    warnings,
  };
}
