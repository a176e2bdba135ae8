/** Import mutations: argument mapping and one call each (src/analysis/imports.ts). */
import { Arg, Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { importLayer, MAX_MUTATION_RECORDS } from '../analysis/imports';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { AreaRecordInput, ImportResult, RowImportArgs, IncidentInput, LightingOutageInput, PopulationInput, PostInput, RiskFeatureInput, RoadDefectInput, YouthFacilityInput } from '../schema/imports';

const RECORDS = { nullable: true, description: 'The records to import, with the fields of the layer (at most the mutation limit per call); or give `rows` instead.' };

@Resolver()
export class ImportMutations {
  @Authorized(...rolesFor('Mutation.importIncidents'))
  @Mutation(() => ImportResult, { description: `Import up to ${MAX_MUTATION_RECORDS} incidents. Valid records land; invalid ones are reported.` })
  importIncidents(@Ctx() ctx: RequestContext, @Arg('records', () => [IncidentInput], RECORDS) records: IncidentInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'incidents', records, args);
  }

  @Authorized(...rolesFor('Mutation.importLightingOutages'))
  @Mutation(() => ImportResult, { description: 'Import lighting outages.' })
  importLightingOutages(@Ctx() ctx: RequestContext, @Arg('records', () => [LightingOutageInput], RECORDS) records: LightingOutageInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'lighting_outages', records, args);
  }

  @Authorized(...rolesFor('Mutation.importRoadDefects'))
  @Mutation(() => ImportResult, { description: 'Import road defects.' })
  importRoadDefects(@Ctx() ctx: RequestContext, @Arg('records', () => [RoadDefectInput], RECORDS) records: RoadDefectInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'road_defects', records, args);
  }

  @Authorized(...rolesFor('Mutation.importYouthFacilities'))
  @Mutation(() => ImportResult, { description: 'Import youth facilities.' })
  importYouthFacilities(@Ctx() ctx: RequestContext, @Arg('records', () => [YouthFacilityInput], RECORDS) records: YouthFacilityInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'youth_facilities', records, args);
  }

  @Authorized(...rolesFor('Mutation.importPopulation'))
  @Mutation(() => ImportResult, { description: 'Import population cells.' })
  importPopulation(@Ctx() ctx: RequestContext, @Arg('records', () => [PopulationInput], RECORDS) records: PopulationInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'population', records, args);
  }

  @Authorized(...rolesFor('Mutation.importPosts'))
  @Mutation(() => ImportResult, { description: 'Import police posts.' })
  importPosts(@Ctx() ctx: RequestContext, @Arg('records', () => [PostInput], RECORDS) records: PostInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'posts', records, args);
  }

  @Authorized(...rolesFor('Mutation.importAreas'))
  @Mutation(() => ImportResult, { description: 'Import districts and precincts.' })
  importAreas(@Ctx() ctx: RequestContext, @Arg('records', () => [AreaRecordInput], RECORDS) records: AreaRecordInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'areas', records, args);
  }

  @Authorized(...rolesFor('Mutation.importRiskFeatures'))
  @Mutation(() => ImportResult, { description: 'Import features of factor layers for the risk models (bars, bus stops, abandoned buildings, ...).' })
  importRiskFeatures(@Ctx() ctx: RequestContext, @Arg('records', () => [RiskFeatureInput], RECORDS) records: RiskFeatureInput[] | undefined, @Args() args: RowImportArgs): Promise<ImportResult> {
    return importLayer(ctx, 'risk_features', records, args);
  }
}
