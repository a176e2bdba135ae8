/**
 * Coverage of posts: who and what is within walking reach of the posts of an area, overall, per
 * district and per precinct (with residents and incidents per precinct office), per post, and the
 * significant hot spot cells no post reaches.
 *
 * Method: incidents are decided one by one from their own point: by the straight line, covered
 * when within r / f of a post on the WGS84 ellipsoid (PostGIS ST_DWithin on geography); along the
 * streets, when the point's own resolution-11 cell is among the cells the walk reaches
 * (src/analysis/walkingReach.ts). Residents, young residents and hot spots are cells, covered
 * when the cell's centre is reached at the analysis resolution. A share is covered weight / total
 * weight (src/geo/coverage). Hot spots are Getis-Ord Gi* (Ord and Getis 1995) of the same incident
 * counts, by the hotspots answer's own code; significant = binFdr >= 2. Incidents join districts
 * and precincts by their point (point-in-polygon, stored with the incident); cells by the centre
 * rule. See docs/coverage.md.
 */
import { createCache, versionedKey } from '../cache';
import type { RequestContext } from '../context';
import { growEnvelope, incidentCoverage, populationByCell } from '../db/aggregates';
import { coveragePosts, groupingAreas, type CoveragePost, type GroupingArea } from '../db/coverage';
import { layerVersions } from '../db/layerCache';
import type { BBox } from '../domain';
import { badInput } from '../errors';
import { cellReach, coverageShares, pointReachCells, type AreaCoverageTally, type CoverageShare, type IncidentCoverage, type PointReachCells, type ReachingPost } from '../geo/coverage';
import { cellPolygon } from '../geo/h3';
import { studyAreaCells } from '../geo/studyArea';
import { text, withTexts } from '../i18n/texts';
import type { AnalysisWarning, SpatialStatisticArgs, StudyAreaArgs } from '../schema/analysis';
import type { AreaCoverage, CoverageAnalysis, CoverageArgs, CoverageMeasures, CoverageShareResult, SitingArgs } from '../schema/coverage';
import { hotspotsOfCounts } from './hotspots';
import { nonEmpty, toTimeWindow } from './inputs';
import { auditSensitiveCount, sensitiveScope } from './release';
import { resolveStudyArea, type ResolvedStudyArea } from './studyArea';
import { describeReach, MAX_WALKING_RADIUS_M, postPlace, postsReachingBox, radiusOf, resolveReach, siteReachCells } from './walkingReach';

/** The finest resolution points keep a cell at: street-network reach is taken at it for incidents. */
export const FINE_RESOLUTION = 11;
/** Gi* bins with FDR at or above this count as significant hot spots: 95 % or 99 % confidence. */
export const SIGNIFICANT_BIN = 2;
const HOTSPOT_METHOD = text('analysis.coverage.hotspotMethod');

export function checkResolution(value: number, path: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(path, `must be an integer from ${min} to ${max}, got ${value}`);
}

/** The hotspots query's arguments for the hot spots of coverage and siting: k = 1, binary weights, no permutations. */
export function coverageHotspotArgs(args: { area: CoverageArgs['area']; window?: CoverageArgs['window']; categories?: string[] }, resolution: number): SpatialStatisticArgs {
  return { area: args.area, resolution, window: args.window, categories: args.categories, k: 1, weights: 'binary' as const, permutations: 0 };
}

/** The categories counted, after the sensitive-category rules (sensitiveScope), with the audit they ask for. */
export async function scopedCategories(ctx: RequestContext, operation: string, args: { window?: SitingArgs['window']; categories?: string[]; area?: unknown }, area: ResolvedStudyArea): Promise<string[] | null> {
  const window = toTimeWindow(args.window, 'window');
  const scope = sensitiveScope(ctx, nonEmpty(args.categories, 'categories'), area.resolution, window);
  if (scope.sensitive) await auditSensitiveCount(ctx, operation, { area: args.area, resolution: area.resolution, window, categories: scope.categories }, area.cells.length);
  return scope.categories;
}

function toShareResult(share: CoverageShare): CoverageShareResult {
  return { total: share.totalWeight, covered: share.coveredWeight, share: share.share, cellCount: share.itemCount, coveredCellCount: share.coveredItemCount };
}

/** Incident shares of an area tally (districts and precincts, by the incidents' own points). */
function incidentShare(t: AreaCoverageTally | undefined): CoverageShare {
  if (!t) return EMPTY_SHARE;
  return { totalWeight: t.total, coveredWeight: t.covered, share: t.total > 0 ? t.covered / t.total : null, itemCount: t.cellCount, coveredItemCount: t.coveredCellCount };
}

/** Incident shares over the cells of the study area: a cell counts as covered when any of its incidents is within reach. */
function overallIncidentShare(c: IncidentCoverage): CoverageShare {
  let total = 0;
  let covered = 0;
  let cellCount = 0;
  let coveredCellCount = 0;
  for (let i = 0; i < c.total.length; i++) {
    if (c.total[i] === 0) continue;
    total += c.total[i];
    covered += c.covered[i];
    cellCount++;
    if (c.covered[i] > 0) coveredCellCount++;
  }
  return { totalWeight: total, coveredWeight: covered, share: total > 0 ? covered / total : null, itemCount: cellCount, coveredItemCount: coveredCellCount };
}

/** The posts' candidate cells for incidents: circles decided point by point, or the cells the walk reaches. */
function incidentReach(settings: Awaited<ReturnType<typeof resolveReach>>, posts: readonly CoveragePost[], fineCells: readonly (readonly string[])[]): { reach: PointReachCells; circles: ReachingPost[] } {
  const circles = posts.map((p) => ({ lng: p.lng, lat: p.lat, radiusM: radiusOf(settings, p) / settings.detourFactor }));
  if (settings.method === 'straightLine') return { reach: pointReachCells(circles, FINE_RESOLUTION), circles };
  return { reach: cellReach(fineCells, FINE_RESOLUTION), circles };
}

const EMPTY_SHARE: CoverageShare = { totalWeight: 0, coveredWeight: 0, share: null, itemCount: 0, coveredItemCount: 0 };

interface CellGroups {
  district: Map<string, string>;
  precinct: Map<string, string>;
  areas: GroupingArea[];
}

/** Cell groupings by state of the areas layer, envelope and resolution. */
const groupCache = createCache<string, CellGroups>({ name: 'coverage cell groups', max: 16 });

/** District and precinct of every cell (centre rule) at a resolution; cached per version of the areas layer. */
async function cellGroups(ctx: RequestContext, envelope: BBox, resolution: number): Promise<CellGroups> {
  const areasVersion = (await layerVersions(ctx.knex)).get('areas') ?? 0;
  const key = versionedKey([areasVersion], envelope, resolution);
  const hit = groupCache.get(key);
  if (hit) return hit;
  const areas = await groupingAreas(ctx.knex, envelope);
  const district = new Map<string, string>();
  const precinct = new Map<string, string>();
  for (const a of areas) {
    const target = a.kind === 'district' ? district : precinct;
    for (const cell of studyAreaCells(a.geometry, resolution)) target.set(cell, a.id);
  }
  const groups = { district, precinct, areas };
  groupCache.set(key, groups);
  return groups;
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

  // reach of every post as cells: fine (incidents along the streets) and at the analysis resolution
  const coveredCoarse = new Set<string>();
  const postReaches = posts.map((post) => {
    const fine = siteReachCells(settings, postPlace(post), radiusOf(settings, post), FINE_RESOLUTION);
    const coarse = res === FINE_RESOLUTION ? fine : siteReachCells(settings, postPlace(post), radiusOf(settings, post), res);
    for (const c of coarse.cells) coveredCoarse.add(c);
    return { post, fine, coarse };
  });
  // incidents are decided from their own points, in one pass over the in-memory columns
  const { reach, circles } = incidentReach(
    settings,
    posts,
    postReaches.map((r) => r.fine.cells),
  );
  const incidents = await incidentCoverage(knex, {
    resolution: res,
    from: window?.from ?? null,
    to: window?.to ?? null,
    categories,
    areaCells: area.cells,
    reach,
    posts: circles,
  });
  // the hot spots of the same counts, by the hotspots query's own code
  const hotspots = hotspotsOfCounts({ area, counts: incidents.total.slice(), from: window?.from ?? null, to: window?.to ?? null, categories }, coverageHotspotArgs(args, res));

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
    const h = coverageShares(
      ones,
      hotCovered,
      significant.map((c) => groupOf(c.h3)),
    );
    return { r, y, h };
  };
  const incidentsOf = (kind: 'district' | 'precinct' | null, group: string | null): CoverageShare =>
    kind === null || group === null ? overallIncidentShare(incidents) : incidentShare((kind === 'district' ? incidents.byDistrict : incidents.byPrecinct).get(Number(group)));
  const measuresOf = (m: ReturnType<typeof measures>, kind: 'district' | 'precinct' | null, group: string | null): CoverageMeasures => {
    const pick = (s: ReturnType<typeof coverageShares<string>>) => (group === null ? s.overall : (s.groups.find((g) => g.group === group) ?? EMPTY_SHARE));
    return { residents: toShareResult(pick(m.r)), youngResidents: toShareResult(pick(m.y)), incidents: toShareResult(incidentsOf(kind, group)), significantHotspotCells: toShareResult(pick(m.h)) };
  };
  const byDistrict = measures((c) => groups.district.get(c));
  const byPrecinct = measures((c) => groups.precinct.get(c));
  const areaRows = (kind: 'district' | 'precinct'): AreaCoverage[] => {
    const m = kind === 'district' ? byDistrict : byPrecinct;
    const withIncidents = [...(kind === 'district' ? incidents.byDistrict : incidents.byPrecinct).keys()].map(String);
    const present = new Set([...m.r.groups.map((g) => g.group), ...withIncidents]);
    return groups.areas
      .filter((a) => a.kind === kind && present.has(a.id))
      .map((a) => {
        const coverage = measuresOf(m, kind, a.id);
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
  const postRows = postReaches.map(({ post, fine, coarse }, postIndex) => {
    const n = incidents.perPost[postIndex];
    let r = 0;
    let y = 0;
    let h = 0;
    for (const c of coarse.cells) {
      const j = popWeight.get(c);
      if (j !== undefined) {
        r += residents[j];
        y += young[j];
      }
      if (hotSet.has(c)) h++;
    }
    return { postId: post.id, name: post.name, kind: post.kind, radiusM: radiusOf(settings, post), residents: r, youngResidents: y, incidents: n, significantHotspotCells: h, accessLegM: fine.accessLegM };
  });

  const warnings: AnalysisWarning[] = [...settings.warnings, ...hotspots.warnings];
  if (settings.method === 'network') {
    const off = postRows.filter((p) => p.accessLegM === null);
    if (off.length > 0) {
      warnings.push({
        code: 'POST_OFF_NETWORK',
        message: `${off.length} post(s) have no street within ${settings.accessM} m and reach nothing by the network method: ${off
          .slice(0, 20)
          .map((p) => p.postId)
          .join(', ')}`,
        cells: [],
      });
    }
  }
  const overall = measures(() => undefined);
  const totalIncidents = incidents.total.reduce((sum, v) => sum + v, 0);
  return withTexts<CoverageAnalysis>({
    reach: describeReach(settings),
    studyArea: { ...hotspots.studyArea, incidentCount: totalIncidents },
    hotspotMethod: HOTSPOT_METHOD,
    postCount: posts.length,
    overall: measuresOf(overall, null, null),
    incidentsByCategory: incidents.categories
      .map((category, c) => ({ category, total: incidents.totalByCategory[c], covered: incidents.coveredByCategory[c] }))
      .filter((r) => r.total > 0)
      .sort((x, y) => (x.category < y.category ? -1 : 1))
      .map((r) => ({ category: r.category, incidents: { total: r.total, covered: r.covered, share: r.covered / r.total, cellCount: 0, coveredCellCount: 0 } })),
    districts: areaRows('district'),
    precincts: areaRows('precinct'),
    posts: postRows,
    uncoveredHotspotCells: significant
      .filter((_, k) => !hotCovered[k])
      .sort((a, b) => (b.z ?? 0) - (a.z ?? 0))
      .map((c) => ({
        h3: c.h3,
        get boundary() {
          return cellPolygon(c.h3);
        },
        count: c.count,
        z: c.z,
        pFdr: c.pFdr,
        binFdr: c.binFdr,
        districtId: groups.district.get(c.h3) ?? null,
      })),
    emptyReason: posts.length === 0 ? text(window?.to ? 'analysis.coverage.emptyOpened' : 'analysis.coverage.empty') : null,
    warnings,
  });
}
