/**
 * List exports read straight from the database: after the first page (run as the GraphQL query,
 * so roles, validation, errors and the audit are GraphQL's), the rest of the rows come through
 * one SQL cursor (src/db/stream.ts) with the same filters, in the same id order, from the row
 * after that page's cursor. The rows are those the next pages would answer; each batch is charged
 * to the request's compute budget as the pages were (UNITS.exportRow a row), and incident batches
 * are written to the audit log before they are handed on.
 *
 * `args` are the query's arguments as GraphQL coerced them (enum values as stored, dates as
 * dates), so the filter functions are those of the list queries.
 */
import type { RequestContext } from '../context';
import { listAreas, listLightingOutages, listPopulation, listPosts, listRiskFeatures, listRoadDefects, listYouthFacilities, type Listing } from '../db/reads';
import { UNITS } from '../compute/budget';
import type { AreaFilter, IncidentFilter, LightingOutageFilter, PageArgs, PopulationFilter, PostFilter, RiskFeatureFilter, RoadDefectFilter, YouthFacilityFilter } from '../schema/inputs';
import { toAreaSpec, toPageRequest } from './inputs';
import { areaListQuery, fixableQuery, incidentsListing, postQuery, riskFeatureQuery, roadDefectQuery, youthFacilityQuery } from './layers';

type ListingOf = (ctx: RequestContext, filter: unknown) => Promise<Listing<unknown>>;

/** The list queries whose exports stream, by GraphQL field: the listing each query pages through. */
const LISTINGS: Record<string, ListingOf> = {
  incidents: (ctx, filter) => incidentsListing(ctx, filter as IncidentFilter | undefined),
  lightingOutages: async (ctx, filter) => listLightingOutages(ctx.knex, await fixableQuery(ctx, filter as LightingOutageFilter | undefined)),
  roadDefects: async (ctx, filter) => listRoadDefects(ctx.knex, await roadDefectQuery(ctx, filter as RoadDefectFilter | undefined)),
  youthFacilities: async (ctx, filter) => listYouthFacilities(ctx.knex, await youthFacilityQuery(ctx, filter as YouthFacilityFilter | undefined)),
  riskFeatures: async (ctx, filter) => listRiskFeatures(ctx.knex, await riskFeatureQuery(ctx, filter as RiskFeatureFilter | undefined)),
  posts: async (ctx, filter) => listPosts(ctx.knex, await postQuery(ctx, filter as PostFilter | undefined)),
  population: async (ctx, filter) => listPopulation(ctx.knex, { area: await toAreaSpec(ctx.knex, (filter as PopulationFilter | undefined)?.area, 'filter.area') }),
  areas: async (ctx, filter) => listAreas(ctx.knex, areaListQuery(filter as AreaFilter | undefined)),
};

/** Rows read per cursor fetch (and per audit entry and budget charge). */
export const STREAM_BATCH_ROWS = 5_000;

export function streamsList(field: string): boolean {
  return field in LISTINGS;
}

/**
 * The rows of list query `field` after the page cursor `after` (an `endCursor`), in batches.
 * Every batch is charged before it is handed on, so a request over its budget stops with
 * QUERY_TOO_COSTLY as a paged export would.
 */
export async function* listRowsAfter(ctx: RequestContext, field: string, args: Record<string, unknown>, after: string | null): AsyncGenerator<Record<string, unknown>[]> {
  const listingOf = LISTINGS[field];
  if (!listingOf) throw new Error(`${field} is not a streamed list`);
  const { afterId } = toPageRequest({ first: 1, after: after ?? undefined } satisfies PageArgs, ctx.config);
  const listing = await listingOf(ctx, args.filter ?? undefined);
  if (!listing.stream) throw new Error(`${field} is not a streamed list`);
  for await (const batch of listing.stream(afterId, STREAM_BATCH_ROWS)) {
    ctx.budget?.chargeNow(batch.length * UNITS.exportRow, `export of ${field}: ${batch.length} rows x ${UNITS.exportRow}`);
    yield batch as Record<string, unknown>[];
  }
}
