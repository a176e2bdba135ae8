/** Import mutations: the same validation and upsert as file imports, for small batches. */
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import { Layer, LayerRecordMap } from '../domain';
import { upsertBatch } from '../db/upsert';
import { RawRow, validateRow } from '../import/validate';
import {
  AreaRecordInput,
  ImportResult,
  IncidentInput,
  LightingOutageInput,
  PopulationInput,
  PostInput,
  RejectedRecord,
  RiskFeatureInput,
  RoadDefectInput,
  YouthFacilityInput,
} from '../schema/imports';
import type { RequestContext } from '../context';
import { badInput } from '../errors';

export const MAX_MUTATION_RECORDS = 1000;

function toRawRow(input: object): RawRow {
  // camelCase GraphQL fields to the snake_case columns the validator (and the CSV) uses
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

async function importRecords<L extends Layer>(ctx: RequestContext, layer: L, inputs: object[], atomic: boolean): Promise<ImportResult> {
  if (inputs.length === 0) throw badInput('records', 'must hold at least one record');
  if (inputs.length > MAX_MUTATION_RECORDS) throw badInput('records', `at most ${MAX_MUTATION_RECORDS} records per request; use the file import for more`);
  const rejectedRecords: RejectedRecord[] = [];
  const good: LayerRecordMap[L][] = [];
  const firstIndex = new Map<string, number>();
  inputs.forEach((input, index) => {
    const result = validateRow(layer, toRawRow(input), { bounds: ctx.config.cityBounds, timeZone: ctx.config.timeZone });
    if (!result.ok) {
      const externalId = (input as { externalId?: string }).externalId ?? null;
      rejectedRecords.push({ index, externalId, errors: result.errors });
      return;
    }
    const key = `${result.record.source}\u0000${result.record.externalId}`;
    const first = firstIndex.get(key);
    if (first !== undefined) {
      rejectedRecords.push({ index, externalId: result.record.externalId, errors: [{ field: 'external_id', reason: `duplicates the id of record ${first} of this request` }] });
      return;
    }
    firstIndex.set(key, index);
    good.push(result.record);
  });
  const empty = { inserted: 0, updated: 0, unchanged: 0 };
  if (atomic && rejectedRecords.length > 0) return { ...empty, rejected: rejectedRecords.length, rejectedRecords };
  let records = good;
  if (layer === 'areas') {
    // districts before precincts, so a precinct finds its district in the same request
    const rank = (r: LayerRecordMap[L]) => ((r as LayerRecordMap['areas']).kind === 'district' ? 0 : 1);
    records = records.sort((a, b) => rank(a) - rank(b));
  }
  const counts = await ctx.knex.transaction(async (trx) => {
    if (layer !== 'areas') return upsertBatch(trx, layer, records, ctx.config.fineResolution);
    const total = { ...empty };
    for (const kind of ['district', 'precinct']) {
      const c = await upsertBatch(trx, layer, records.filter((r) => (r as LayerRecordMap['areas']).kind === kind), ctx.config.fineResolution);
      total.inserted += c.inserted;
      total.updated += c.updated;
      total.unchanged += c.unchanged;
    }
    return total;
  });
  return { ...counts, rejected: rejectedRecords.length, rejectedRecords };
}

const ATOMIC = { nullable: true, defaultValue: false, description: 'When true, nothing is written unless every record is valid.' };

@Resolver()
export class ImportMutations {
  @Authorized(...rolesFor('Mutation.importIncidents'))
  @Mutation(() => ImportResult, { description: `Import up to ${MAX_MUTATION_RECORDS} incidents. Valid records land; invalid ones are reported.` })
  importIncidents(@Ctx() ctx: RequestContext, @Arg('records', () => [IncidentInput], { description: 'The records to import (at most the mutation limit per call).' }) records: IncidentInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'incidents', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importLightingOutages'))
  @Mutation(() => ImportResult, { description: 'Import lighting outages.' })
  importLightingOutages(@Ctx() ctx: RequestContext, @Arg('records', () => [LightingOutageInput], { description: 'The records to import (at most the mutation limit per call).' }) records: LightingOutageInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'lighting_outages', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importRoadDefects'))
  @Mutation(() => ImportResult, { description: 'Import road defects.' })
  importRoadDefects(@Ctx() ctx: RequestContext, @Arg('records', () => [RoadDefectInput], { description: 'The records to import (at most the mutation limit per call).' }) records: RoadDefectInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'road_defects', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importYouthFacilities'))
  @Mutation(() => ImportResult, { description: 'Import youth facilities.' })
  importYouthFacilities(@Ctx() ctx: RequestContext, @Arg('records', () => [YouthFacilityInput], { description: 'The records to import (at most the mutation limit per call).' }) records: YouthFacilityInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'youth_facilities', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importPopulation'))
  @Mutation(() => ImportResult, { description: 'Import population cells.' })
  importPopulation(@Ctx() ctx: RequestContext, @Arg('records', () => [PopulationInput], { description: 'The records to import (at most the mutation limit per call).' }) records: PopulationInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'population', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importPosts'))
  @Mutation(() => ImportResult, { description: 'Import police posts.' })
  importPosts(@Ctx() ctx: RequestContext, @Arg('records', () => [PostInput], { description: 'The records to import (at most the mutation limit per call).' }) records: PostInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'posts', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importAreas'))
  @Mutation(() => ImportResult, { description: 'Import districts and precincts.' })
  importAreas(@Ctx() ctx: RequestContext, @Arg('records', () => [AreaRecordInput], { description: 'The records to import (at most the mutation limit per call).' }) records: AreaRecordInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'areas', records, atomic);
  }

  @Authorized(...rolesFor('Mutation.importRiskFeatures'))
  @Mutation(() => ImportResult, { description: 'Import features of factor layers for the risk models (bars, bus stops, abandoned buildings, ...).' })
  importRiskFeatures(@Ctx() ctx: RequestContext, @Arg('records', () => [RiskFeatureInput], { description: 'The records to import (at most the mutation limit per call).' }) records: RiskFeatureInput[], @Arg('atomic', () => Boolean, ATOMIC) atomic: boolean): Promise<ImportResult> {
    return importRecords(ctx, 'risk_features', records, atomic);
  }
}
