/** Read queries of every layer: thin, they validate the input and call src/db. */
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import {
  areasByIds,
  listAreas,
  listIncidents,
  listLightingOutages,
  listPopulation,
  listPosts,
  listRiskFeatures,
  listRoadDefects,
  listYouthFacilities,
  riskFeatureLayers,
  Listing,
  PageRequest,
} from '../db/reads';
import {
  AreaFilter,
  AreaInput,
  IncidentFilter,
  LightingOutageFilter,
  PageArgs,
  PopulationFilter,
  PostFilter,
  RiskFeatureFilter,
  RoadDefectFilter,
  YouthFacilityFilter,
} from '../schema/inputs';
import {
  Area,
  AreaConnection,
  Incident,
  IncidentConnection,
  LightingOutage,
  LightingOutageConnection,
  lazyCount,
  NearestPost,
  Page,
  PopulationCellConnection,
  Post,
  PostConnection,
  RiskFeature,
  RiskFeatureConnection,
  RiskFeatureLayer,
  RoadDefect,
  RoadDefectConnection,
  YouthFacility,
  YouthFacilityConnection,
} from '../schema/types';
import type { RequestContext } from '../context';
import { notFound } from '../errors';
import { encodeCursor, nonEmpty, toAreaSpec, toFactors, toId, toOptionalId, toPageRequest, toTimeWindow } from '../analysis/inputs';

async function pageOf<T>(listing: Listing<T>, request: PageRequest): Promise<Page<T>> {
  const result = await listing.page(request);
  return {
    nodes: result.nodes,
    pageInfo: { endCursor: result.endId ? encodeCursor(result.endId) : null, hasNextPage: result.hasNextPage },
    totalCount: lazyCount(listing.count),
  };
}

@Resolver()
export class LayerQueries {
  @Authorized(...rolesFor('Query.incidents'))
  @Query(() => IncidentConnection, {
    description:
      'Incidents as points, filtered by area, time window, category and source. Analysts and admins only; incidents of the sensitive categories (SENSITIVE_CATEGORIES, by default domestic_conflict and sexual_offence) are never returned as points, to anyone. Every page read is recorded in the audit log.',
  })
  async incidents(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => IncidentFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: IncidentFilter): Promise<Page<Incident>> {
    const request = toPageRequest(pageArgs, ctx.config);
    const query = {
      area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'),
      window: toTimeWindow(filter?.window, 'filter.window'),
      categories: nonEmpty(filter?.categories, 'filter.categories'),
      sources: nonEmpty(filter?.sources, 'filter.sources'),
      withheldCategories: ctx.config.privacy.sensitiveCategories,
    };
    return pageOf(listIncidents(ctx.knex, query, { user: ctx.user, operation: 'incidents', filter: { area: query.area, window: query.window, categories: query.categories, sources: query.sources } }), request);
  }

  @Authorized(...rolesFor('Query.lightingOutages'))
  @Query(() => LightingOutageConnection, { description: 'Street-lighting outages, filtered by area, window (dark at some moment of it) and status.' })
  async lightingOutages(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => LightingOutageFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: LightingOutageFilter): Promise<Page<LightingOutage>> {
    const request = toPageRequest(pageArgs, ctx.config);
    return pageOf(
      listLightingOutages(ctx.knex, {
        area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'),
        window: toTimeWindow(filter?.window, 'filter.window'),
        status: filter?.status ?? null,
      }),
      request,
    );
  }

  @Authorized(...rolesFor('Query.roadDefects'))
  @Query(() => RoadDefectConnection, { description: 'Road defects, filtered by area, window (open at some moment of it), kind and status.' })
  async roadDefects(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => RoadDefectFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: RoadDefectFilter): Promise<Page<RoadDefect>> {
    const request = toPageRequest(pageArgs, ctx.config);
    return pageOf(
      listRoadDefects(ctx.knex, {
        area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'),
        window: toTimeWindow(filter?.window, 'filter.window'),
        status: filter?.status ?? null,
        kinds: nonEmpty(filter?.kinds, 'filter.kinds'),
      }),
      request,
    );
  }

  @Authorized(...rolesFor('Query.youthFacilities'))
  @Query(() => YouthFacilityConnection, { description: 'Youth and sports facilities, filtered by area and kind.' })
  async youthFacilities(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => YouthFacilityFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: YouthFacilityFilter): Promise<Page<YouthFacility>> {
    const request = toPageRequest(pageArgs, ctx.config);
    return pageOf(listYouthFacilities(ctx.knex, { area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'), kinds: nonEmpty(filter?.kinds, 'filter.kinds') }), request);
  }

  @Authorized(...rolesFor('Query.posts'))
  @Query(() => PostConnection, { description: 'Police posts, filtered by area and kind.' })
  async posts(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => PostFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: PostFilter): Promise<Page<Post>> {
    const request = toPageRequest(pageArgs, ctx.config);
    return pageOf(listPosts(ctx.knex, { area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'), kinds: nonEmpty(filter?.kinds, 'filter.kinds') }), request);
  }

  @Authorized(...rolesFor('Query.population'))
  @Query(() => PopulationCellConnection, { description: 'Residents and young residents per H3 cell.' })
  async population(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => PopulationFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: PopulationFilter) {
    const request = toPageRequest(pageArgs, ctx.config);
    return pageOf(listPopulation(ctx.knex, { area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area') }), request);
  }

  @Authorized(...rolesFor('Query.riskFeatures'))
  @Query(() => RiskFeatureConnection, { description: 'Features of the imported factor layers (bars, bus stops, abandoned buildings, ...), filtered by factor, area and the instant they were present at.' })
  async riskFeatures(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => RiskFeatureFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: RiskFeatureFilter): Promise<Page<RiskFeature>> {
    const request = toPageRequest(pageArgs, ctx.config);
    return pageOf(
      listRiskFeatures(ctx.knex, {
        area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'),
        factors: toFactors(filter?.factors, 'filter.factors'),
        presentAt: filter?.presentAt ?? null,
      }),
      request,
    );
  }

  @Authorized(...rolesFor('Query.riskFeatureLayers'))
  @Query(() => [RiskFeatureLayer], { description: 'The imported factor layers, one per factor in factor order: features, features present now, first opening, last change and sources.' })
  async riskFeatureLayers(@Ctx() ctx: RequestContext, @Arg('area', () => AreaInput, { nullable: true, description: 'Count only features whose geometry lies in (intersects) this area; the whole layer when left out.' }) area?: AreaInput): Promise<RiskFeatureLayer[]> {
    return riskFeatureLayers(ctx.knex, { area: await toAreaSpec(ctx.knex, area, 'area') });
  }

  @Authorized(...rolesFor('Query.areas'))
  @Query(() => AreaConnection, { description: 'Districts and precincts.' })
  async areas(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => AreaFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: AreaFilter): Promise<Page<Area>> {
    const request = toPageRequest(pageArgs, ctx.config);
    return pageOf(listAreas(ctx.knex, { kind: filter?.kind ?? null, parentId: toOptionalId(filter?.parentId, 'filter.parentId') }), request);
  }

  @Authorized(...rolesFor('Query.area'))
  @Query(() => Area, { description: 'One district or precinct by id.' })
  async area(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Id of the district or precinct.' }) id: string): Promise<Area> {
    toId(id, 'id');
    const found = (await areasByIds(ctx.knex, [id])).get(id);
    if (!found) throw notFound('area', id);
    return found;
  }

  @Authorized(...rolesFor('Query.post'))
  @Query(() => Post, { description: 'One post by id.' })
  async post(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Id of the post.' }) id: string): Promise<Post> {
    toId(id, 'id');
    const found = await ctx.loaders.postById.load(id);
    if (!found) throw notFound('post', id);
    return found;
  }
}

async function areaOf(ctx: RequestContext, id: string | null): Promise<Area | null> {
  return id ? ctx.loaders.areaById.load(id) : null;
}

@Resolver(() => Post)
export class PostFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the post stands in (nearest district when it stands in a sliver between boundaries).' })
  async district(@Root() post: Post, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return areaOf(ctx, await ctx.loaders.districtIdOf('posts').load(post.id));
  }

  @FieldResolver(() => Area, { nullable: true, description: 'Precinct the post stands in.' })
  async precinct(@Root() post: Post, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return areaOf(ctx, await ctx.loaders.precinctIdOfPost.load(post.id));
  }
}

@Resolver(() => Incident)
export class IncidentFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District of the incident.' })
  async district(@Root() incident: Incident, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return areaOf(ctx, await ctx.loaders.districtIdOf('incidents').load(incident.id));
  }

  @FieldResolver(() => NearestPost, { nullable: true, description: 'Nearest post in straight-line distance.' })
  async nearestPost(@Root() incident: Incident, @Ctx() ctx: RequestContext): Promise<NearestPost | null> {
    const nearest = await ctx.loaders.nearestPostOfIncident.load(incident.id);
    if (!nearest) return null;
    const post = await ctx.loaders.postById.load(nearest.postId);
    return post ? { post, distanceM: nearest.distanceM } : null;
  }
}

@Resolver(() => LightingOutage)
export class LightingOutageFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the record lies in (the nearest district when it lies in a sliver between boundaries).' })
  async district(@Root() outage: LightingOutage, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return areaOf(ctx, await ctx.loaders.districtIdOf('lighting_outages').load(outage.id));
  }
}

@Resolver(() => RoadDefect)
export class RoadDefectFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the record lies in (the nearest district when it lies in a sliver between boundaries).' })
  async district(@Root() defect: RoadDefect, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return areaOf(ctx, await ctx.loaders.districtIdOf('road_defects').load(defect.id));
  }
}

@Resolver(() => YouthFacility)
export class YouthFacilityFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the record lies in (the nearest district when it lies in a sliver between boundaries).' })
  async district(@Root() facility: YouthFacility, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return areaOf(ctx, await ctx.loaders.districtIdOf('youth_facilities').load(facility.id));
  }
}

@Resolver(() => Area)
export class AreaFields {
  @FieldResolver(() => Area, { nullable: true, description: 'The district of a precinct.' })
  async parent(@Root() area: Area, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return areaOf(ctx, area.parentId);
  }
}
