/**
 * The stored layers as lists: the filters of each list query checked and turned into the query
 * of src/db/reads/, one page of it, and the related records of a row (district, precinct,
 * nearest post) through the request's loaders, so a page of N rows asks for them once.
 *
 * The vector tiles of a layer (src/analysis/tiles.ts) read with the same filter functions, so a
 * tile shows what the list query answers. Filter paths name the argument: `filter.area` for the
 * GraphQL lists, `area` for the query-string parameters of tiles.
 */
import type { RequestContext } from '../context';
import type { AreaRow, FixableQuery, Listing, IncidentRow, LightingOutageRow, PopulationRow, PostRow, RiskFeatureLayerRow, RiskFeatureQuery, RiskFeatureRow, RoadDefectRow, YouthFacilityRow } from '../db/reads';
import { AreaSpec, areasByIds, listAreas, listIncidents, listLightingOutages, listPopulation, listPosts, listRiskFeatures, listRoadDefects, listYouthFacilities, riskFeatureLayers } from '../db/reads';
import { notFound } from '../errors';
import type { AreaFilter, AreaInput, IncidentFilter, LightingOutageFilter, PageArgs, PopulationFilter, PostFilter, RiskFeatureFilter, RoadDefectFilter, YouthFacilityFilter } from '../schema/inputs';
import type { Page } from '../schema/types';
import { nonEmpty, toAreaSpec, toFactors, toId, toOptionalId, toPageRequest, toTimeWindow } from './inputs';
import { pageOf } from './pages';

/** `filter.area` for a GraphQL filter, `area` for a query-string parameter (prefix ''). */
const pathOf = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

// ---------------------------------------------------------------- filters (lists and tiles)

export async function postQuery(ctx: RequestContext, filter: PostFilter | undefined, prefix = 'filter'): Promise<{ area: AreaSpec | null; kinds: string[] | null }> {
  return { area: await toAreaSpec(ctx.knex, filter?.area, pathOf(prefix, 'area')), kinds: nonEmpty(filter?.kinds, pathOf(prefix, 'kinds')) };
}

export async function youthFacilityQuery(ctx: RequestContext, filter: YouthFacilityFilter | undefined, prefix = 'filter'): Promise<{ area: AreaSpec | null; kinds: string[] | null }> {
  return { area: await toAreaSpec(ctx.knex, filter?.area, pathOf(prefix, 'area')), kinds: nonEmpty(filter?.kinds, pathOf(prefix, 'kinds')) };
}

/** Outages: open (dark) at some moment of the window, by status. */
export async function fixableQuery(ctx: RequestContext, filter: LightingOutageFilter | undefined, prefix = 'filter'): Promise<FixableQuery> {
  return {
    area: await toAreaSpec(ctx.knex, filter?.area, pathOf(prefix, 'area')),
    window: toTimeWindow(filter?.window, pathOf(prefix, 'window')),
    status: filter?.status ?? null,
  };
}

/** Road defects: as outages, and by kind. */
export async function roadDefectQuery(ctx: RequestContext, filter: RoadDefectFilter | undefined, prefix = 'filter'): Promise<FixableQuery> {
  return { ...(await fixableQuery(ctx, filter, prefix)), kinds: nonEmpty(filter?.kinds, pathOf(prefix, 'kinds')) };
}

export async function riskFeatureQuery(ctx: RequestContext, filter: RiskFeatureFilter | undefined, prefix = 'filter'): Promise<RiskFeatureQuery> {
  return {
    area: await toAreaSpec(ctx.knex, filter?.area, pathOf(prefix, 'area')),
    factors: toFactors(filter?.factors, pathOf(prefix, 'factors')),
    presentAt: filter?.presentAt ?? null,
  };
}

export function areaListQuery(filter: AreaFilter | undefined, prefix = 'filter'): { kind: string | null; parentId: string | null } {
  return { kind: filter?.kind ?? null, parentId: toOptionalId(filter?.parentId, pathOf(prefix, 'parentId')) };
}

// ---------------------------------------------------------------- pages of the list queries

/** Raw incident points: sensitive categories are never read as points, and every page read is audited (src/db/reads/). */
export async function incidentsPage(ctx: RequestContext, pageArgs: PageArgs, filter: IncidentFilter | undefined): Promise<Page<IncidentRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(await incidentsListing(ctx, filter), request);
}

/** The filtered incident points (pages and the streamed exports read the same rows, audited alike). */
export async function incidentsListing(ctx: RequestContext, filter: IncidentFilter | undefined): Promise<Listing<IncidentRow>> {
  const query = {
    area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'),
    window: toTimeWindow(filter?.window, 'filter.window'),
    categories: nonEmpty(filter?.categories, 'filter.categories'),
    sources: nonEmpty(filter?.sources, 'filter.sources'),
    withheldCategories: ctx.config.privacy.sensitiveCategories,
  };
  const reader = { user: ctx.user, operation: 'incidents', filter: { area: query.area, window: query.window, categories: query.categories, sources: query.sources }, auditLog: ctx.primary };
  return listIncidents(ctx.knex, query, reader);
}

export async function lightingOutagesPage(ctx: RequestContext, pageArgs: PageArgs, filter: LightingOutageFilter | undefined): Promise<Page<LightingOutageRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(listLightingOutages(ctx.knex, await fixableQuery(ctx, filter)), request);
}

export async function roadDefectsPage(ctx: RequestContext, pageArgs: PageArgs, filter: RoadDefectFilter | undefined): Promise<Page<RoadDefectRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(listRoadDefects(ctx.knex, await roadDefectQuery(ctx, filter)), request);
}

export async function youthFacilitiesPage(ctx: RequestContext, pageArgs: PageArgs, filter: YouthFacilityFilter | undefined): Promise<Page<YouthFacilityRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(listYouthFacilities(ctx.knex, await youthFacilityQuery(ctx, filter)), request);
}

export async function postsPage(ctx: RequestContext, pageArgs: PageArgs, filter: PostFilter | undefined): Promise<Page<PostRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(listPosts(ctx.knex, await postQuery(ctx, filter)), request);
}

export async function populationPage(ctx: RequestContext, pageArgs: PageArgs, filter: PopulationFilter | undefined): Promise<Page<PopulationRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(listPopulation(ctx.knex, { area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area') }), request);
}

export async function riskFeaturesPage(ctx: RequestContext, pageArgs: PageArgs, filter: RiskFeatureFilter | undefined): Promise<Page<RiskFeatureRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(listRiskFeatures(ctx.knex, await riskFeatureQuery(ctx, filter)), request);
}

/** One summary per imported factor layer, in factor order, counting features in the area (all when none). */
export async function riskFeatureLayerSummaries(ctx: RequestContext, area: AreaInput | undefined): Promise<RiskFeatureLayerRow[]> {
  return riskFeatureLayers(ctx.knex, { area: await toAreaSpec(ctx.knex, area, 'area') });
}

export async function areasPage(ctx: RequestContext, pageArgs: PageArgs, filter: AreaFilter | undefined): Promise<Page<AreaRow>> {
  const request = toPageRequest(pageArgs, ctx.config);
  return pageOf(listAreas(ctx.knex, areaListQuery(filter)), request);
}

// ---------------------------------------------------------------- single records and related records

export async function areaById(ctx: RequestContext, id: string): Promise<AreaRow> {
  toId(id, 'id');
  const found = (await areasByIds(ctx.knex, [id])).get(id);
  if (!found) throw notFound('area', id);
  return found;
}

export async function postById(ctx: RequestContext, id: string): Promise<PostRow> {
  toId(id, 'id');
  const found = await ctx.loaders.postById.load(id);
  if (!found) throw notFound('post', id);
  return found;
}

/** The layers whose rows know their district (the nearest one when a row lies in a sliver between boundaries). */
export type LayerWithDistrict = Parameters<RequestContext['loaders']['districtIdOf']>[0];

async function areaOf(ctx: RequestContext, id: string | null): Promise<AreaRow | null> {
  return id ? ctx.loaders.areaById.load(id) : null;
}

export async function districtOfRecord(ctx: RequestContext, layer: LayerWithDistrict, id: string): Promise<AreaRow | null> {
  return areaOf(ctx, await ctx.loaders.districtIdOf(layer).load(id));
}

export async function precinctOfPost(ctx: RequestContext, postId: string): Promise<AreaRow | null> {
  return areaOf(ctx, await ctx.loaders.precinctIdOfPost.load(postId));
}

/** The district of a precinct; null for a district. */
export async function parentArea(ctx: RequestContext, area: { parentId: string | null }): Promise<AreaRow | null> {
  return areaOf(ctx, area.parentId);
}

/** The nearest post in straight-line (geodesic) distance. */
export async function nearestPostOfIncident(ctx: RequestContext, incidentId: string): Promise<{ post: PostRow; distanceM: number } | null> {
  const nearest = await ctx.loaders.nearestPostOfIncident.load(incidentId);
  if (!nearest) return null;
  const post = await ctx.loaders.postById.load(nearest.postId);
  return post ? { post, distanceM: nearest.distanceM } : null;
}
