/** Read queries of every layer: argument mapping and one call each (src/analysis/layers.ts). */
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import {
  areaById,
  areasPage,
  districtOfRecord,
  incidentsPage,
  lightingOutagesPage,
  nearestPostOfIncident,
  parentArea,
  populationPage,
  postById,
  postsPage,
  precinctOfPost,
  riskFeatureLayerSummaries,
  riskFeaturesPage,
  roadDefectsPage,
  youthFacilitiesPage,
} from '../analysis/layers';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { AreaFilter, AreaInput, IncidentFilter, LightingOutageFilter, PageArgs, PopulationFilter, PostFilter, RiskFeatureFilter, RoadDefectFilter, YouthFacilityFilter } from '../schema/inputs';
import {
  Area,
  AreaConnection,
  Incident,
  IncidentConnection,
  LightingOutage,
  LightingOutageConnection,
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

@Resolver()
export class LayerQueries {
  @Authorized(...rolesFor('Query.incidents'))
  @Query(() => IncidentConnection, {
    description:
      'Incidents as points, filtered by area, time window, category and source. Analysts and admins only; incidents of the sensitive categories (SENSITIVE_CATEGORIES, by default domestic_conflict and sexual_offence) are never returned as points, to anyone. Every page read is recorded in the audit log.',
  })
  async incidents(
    @Ctx() ctx: RequestContext,
    @Args() pageArgs: PageArgs,
    @Arg('filter', () => IncidentFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: IncidentFilter,
  ): Promise<Page<Incident>> {
    return incidentsPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.lightingOutages'))
  @Query(() => LightingOutageConnection, { description: 'Street-lighting outages, filtered by area, window (dark at some moment of it) and status.' })
  async lightingOutages(
    @Ctx() ctx: RequestContext,
    @Args() pageArgs: PageArgs,
    @Arg('filter', () => LightingOutageFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: LightingOutageFilter,
  ): Promise<Page<LightingOutage>> {
    return lightingOutagesPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.roadDefects'))
  @Query(() => RoadDefectConnection, { description: 'Road defects, filtered by area, window (open at some moment of it), kind and status.' })
  async roadDefects(
    @Ctx() ctx: RequestContext,
    @Args() pageArgs: PageArgs,
    @Arg('filter', () => RoadDefectFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: RoadDefectFilter,
  ): Promise<Page<RoadDefect>> {
    return roadDefectsPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.youthFacilities'))
  @Query(() => YouthFacilityConnection, { description: 'Youth and sports facilities, filtered by area and kind.' })
  async youthFacilities(
    @Ctx() ctx: RequestContext,
    @Args() pageArgs: PageArgs,
    @Arg('filter', () => YouthFacilityFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: YouthFacilityFilter,
  ): Promise<Page<YouthFacility>> {
    return youthFacilitiesPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.posts'))
  @Query(() => PostConnection, { description: 'Police posts, filtered by area and kind.' })
  async posts(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => PostFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: PostFilter): Promise<Page<Post>> {
    return postsPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.population'))
  @Query(() => PopulationCellConnection, { description: 'Residents and young residents per H3 cell.' })
  async population(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => PopulationFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: PopulationFilter) {
    return populationPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.riskFeatures'))
  @Query(() => RiskFeatureConnection, { description: 'Features of the imported factor layers (bars, bus stops, abandoned buildings, ...), filtered by factor, area and the instant they were present at.' })
  async riskFeatures(
    @Ctx() ctx: RequestContext,
    @Args() pageArgs: PageArgs,
    @Arg('filter', () => RiskFeatureFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: RiskFeatureFilter,
  ): Promise<Page<RiskFeature>> {
    return riskFeaturesPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.riskFeatureLayers'))
  @Query(() => [RiskFeatureLayer], { description: 'The imported factor layers, one per factor in factor order: features, features present now, first opening, last change and sources.' })
  async riskFeatureLayers(
    @Ctx() ctx: RequestContext,
    @Arg('area', () => AreaInput, { nullable: true, description: 'Count only features whose geometry lies in (intersects) this area; the whole layer when left out.' }) area?: AreaInput,
  ): Promise<RiskFeatureLayer[]> {
    return riskFeatureLayerSummaries(ctx, area);
  }

  @Authorized(...rolesFor('Query.areas'))
  @Query(() => AreaConnection, { description: 'Districts and precincts.' })
  async areas(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => AreaFilter, { nullable: true, description: 'Filters; every record when left out.' }) filter?: AreaFilter): Promise<Page<Area>> {
    return areasPage(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.area'))
  @Query(() => Area, { description: 'One district or precinct by id.' })
  async area(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Id of the district or precinct.' }) id: string): Promise<Area> {
    return areaById(ctx, id);
  }

  @Authorized(...rolesFor('Query.post'))
  @Query(() => Post, { description: 'One post by id.' })
  async post(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Id of the post.' }) id: string): Promise<Post> {
    return postById(ctx, id);
  }
}

@Resolver(() => Post)
export class PostFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the post stands in (nearest district when it stands in a sliver between boundaries).' })
  async district(@Root() post: Post, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return districtOfRecord(ctx, 'posts', post.id);
  }

  @FieldResolver(() => Area, { nullable: true, description: 'Precinct the post stands in.' })
  async precinct(@Root() post: Post, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return precinctOfPost(ctx, post.id);
  }
}

@Resolver(() => Incident)
export class IncidentFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District of the incident.' })
  async district(@Root() incident: Incident, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return districtOfRecord(ctx, 'incidents', incident.id);
  }

  @FieldResolver(() => NearestPost, { nullable: true, description: 'Nearest post in straight-line distance.' })
  async nearestPost(@Root() incident: Incident, @Ctx() ctx: RequestContext): Promise<NearestPost | null> {
    return nearestPostOfIncident(ctx, incident.id);
  }
}

@Resolver(() => LightingOutage)
export class LightingOutageFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the record lies in (the nearest district when it lies in a sliver between boundaries).' })
  async district(@Root() outage: LightingOutage, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return districtOfRecord(ctx, 'lighting_outages', outage.id);
  }
}

@Resolver(() => RoadDefect)
export class RoadDefectFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the record lies in (the nearest district when it lies in a sliver between boundaries).' })
  async district(@Root() defect: RoadDefect, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return districtOfRecord(ctx, 'road_defects', defect.id);
  }
}

@Resolver(() => YouthFacility)
export class YouthFacilityFields {
  @FieldResolver(() => Area, { nullable: true, description: 'District the record lies in (the nearest district when it lies in a sliver between boundaries).' })
  async district(@Root() facility: YouthFacility, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return districtOfRecord(ctx, 'youth_facilities', facility.id);
  }
}

@Resolver(() => Area)
export class AreaFields {
  @FieldResolver(() => Area, { nullable: true, description: 'The district of a precinct.' })
  async parent(@Root() area: Area, @Ctx() ctx: RequestContext): Promise<Area | null> {
    return parentArea(ctx, area);
  }
}
