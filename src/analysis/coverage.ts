/**
 * Coverage of posts: who and what is within walking reach of the posts of an area, overall, per
 * district and per precinct (with residents and incidents per precinct office), per post, and the
 * significant hot spot cells no post reaches.
 *
 * Method: each post's reach as H3 cells (src/analysis/walkingReach.ts), at resolution 11 for
 * incidents (counted at their stored resolution-11 cell) and at the analysis resolution for
 * residents, young residents and hot spots; a share is covered weight / total weight
 * (src/geo/coverage). Hot spots are Getis-Ord Gi* (Ord and Getis 1995) of the same incident
 * counts, by the hotspots answer's own code; significant = binFdr >= 2. Cells join districts and
 * precincts by the centre rule. See docs/coverage.md.
 */
import { createCache, versionedKey } from '../cache';
import type { RequestContext } from '../context';
import { growEnvelope, incidentCoverageCounts, populationByCell, type IncidentCoverageCounts } from '../db/aggregates';
import { coveragePosts, groupingAreas, type GroupingArea } from '../db/coverage';
import { layerVersions } from '../db/layerCache';
import type { BBox } from '../domain';
import { badInput } from '../errors';
import { coverageShares, type CoverageShare, type CoverageShares } from '../geo/coverage';
import { cellPolygon } from '../geo/h3';
import { studyAreaCells } from '../geo/studyArea';
import type { AnalysisWarning, SpatialStatisticArgs, StudyAreaArgs } from '../schema/analysis';
import type { AreaCoverage, CoverageAnalysis, CoverageArgs, CoverageMeasures, CoverageShareResult, SitingArgs } from '../schema/coverage';
import { hotspotsOfCounts } from './hotspots';
import { nonEmpty, toTimeWindow } from './inputs';
import { auditSensitiveCount, sensitiveScope } from './release';
import { resolveStudyArea, type ResolvedStudyArea } from './studyArea';
import { describeReach, MAX_WALKING_RADIUS_M, postPlace, postsReachingBox, radiusOf, resolveReach, siteReachCells } from './walkingReach';

/** Incidents are stored at their resolution-11 cell: reach is taken at that resolution for them. */
export const FINE_RESOLUTION = 11;
/** Gi* bins with FDR at or above this count as significant hot spots: 95 % or 99 % confidence. */
export const SIGNIFICANT_BIN = 2;
const HOTSPOT_METHOD =
  'Getis-Ord Gi* as the hotspots query computes it (binary weights over gridDisk(k=1) including the cell itself, two-sided normal p, Benjamini-Hochberg FDR at each level); significant hot spot = binFdr >= 2 (hot at 95 % or 99 % after FDR)';

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
  const hotspots = hotspotsOfCounts({ area, counts, from: window?.from ?? null, to: window?.to ?? null, categories }, coverageHotspotArgs(args, res));

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
    const h = coverageShares(
      ones,
      hotCovered,
      significant.map((c) => groupOf(c.h3)),
    );
    return { r, y, i, h };
  };
  const measuresOf = (m: ReturnType<typeof measures>, group: string | null): CoverageMeasures => {
    const pick = (s: ReturnType<typeof coverageShares<string>>) => (group === null ? s.overall : (s.groups.find((g) => g.group === group) ?? EMPTY_SHARE));
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
    emptyReason: posts.length === 0 ? `no post is within walking radius of the area${window?.to ? ' and opened before the window end' : ''}: nothing is within walking reach, every share is 0` : null,
    warnings,
  };
}
