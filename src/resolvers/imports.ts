/** Import mutations: argument mapping and one call each (src/analysis/imports.ts). */
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { importRecords, MAX_MUTATION_RECORDS } from '../analysis/imports';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { AreaRecordInput, ImportResult, IncidentInput, LightingOutageInput, PopulationInput, PostInput, RiskFeatureInput, RoadDefectInput, YouthFacilityInput } from '../schema/imports';

const ATOMIC = { nullable: true, defaultValue: false, description: 'When true, nothing is written unless every record is valid.' };

@Resolver()
export class ImportMutations {
  @Authorized(...rolesFor('Mutation.importIncidents'))
  @Mutation(() => ImportResult, { description: `Import up to ${MAX_MUTATION_RECORDS} incidents. Valid records land; invalid ones are reported.` })
  importIncidents(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [IncidentInput], { description: 'The records to import (at most the mutation limit per call).' }) records: IncidentInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'incidents', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importLightingOutages'))
  @Mutation(() => ImportResult, { description: 'Import lighting outages.' })
  importLightingOutages(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [LightingOutageInput], { description: 'The records to import (at most the mutation limit per call).' }) records: LightingOutageInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'lighting_outages', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importRoadDefects'))
  @Mutation(() => ImportResult, { description: 'Import road defects.' })
  importRoadDefects(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [RoadDefectInput], { description: 'The records to import (at most the mutation limit per call).' }) records: RoadDefectInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'road_defects', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importYouthFacilities'))
  @Mutation(() => ImportResult, { description: 'Import youth facilities.' })
  importYouthFacilities(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [YouthFacilityInput], { description: 'The records to import (at most the mutation limit per call).' }) records: YouthFacilityInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'youth_facilities', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importPopulation'))
  @Mutation(() => ImportResult, { description: 'Import population cells.' })
  importPopulation(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [PopulationInput], { description: 'The records to import (at most the mutation limit per call).' }) records: PopulationInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'population', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importPosts'))
  @Mutation(() => ImportResult, { description: 'Import police posts.' })
  importPosts(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [PostInput], { description: 'The records to import (at most the mutation limit per call).' }) records: PostInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'posts', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importAreas'))
  @Mutation(() => ImportResult, { description: 'Import districts and precincts.' })
  importAreas(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [AreaRecordInput], { description: 'The records to import (at most the mutation limit per call).' }) records: AreaRecordInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'areas', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importRiskFeatures'))
  @Mutation(() => ImportResult, { description: 'Import features of factor layers for the risk models (bars, bus stops, abandoned buildings, ...).' })
  importRiskFeatures(
    @Ctx() ctx: RequestContext,
    @Arg('records', () => [RiskFeatureInput], { description: 'The records to import (at most the mutation limit per call).' }) records: RiskFeatureInput[],
    @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean,
  ): Promise<ImportResult> {
    return importRecords(ctx, 'risk_features', records, atomic);
  }
}
