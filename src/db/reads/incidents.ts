/** Raw incident points, every page read written to the audit log. */
import type { Knex } from 'knex';
import type { Geometry, RequestUser } from '../../domain';
import { bigintToCell } from '../../geo/h3';
import { recordRead } from '../audit';
import { areaCondition, geo, listing, type AreaSpec, type Listing, type TimeWindow } from './listing';

export interface IncidentRow {
  id: string;
  source: string;
  externalId: string;
  category: string;
  occurredAt: Date;
  timePrecision: string;
  outdoor: boolean | null;
  description: string | null;
  geometry: Geometry;
  h3: string;
}

export interface IncidentQuery {
  area: AreaSpec | null;
  window: TimeWindow | null;
  categories: string[] | null;
  sources: string[] | null;
  /** sensitive categories: never read as points, whatever the filter says */
  withheldCategories: readonly string[];
}

/** Who reads raw points, recorded in the audit log with the filter and the number of rows. */
export interface PointReader {
  user: RequestUser;
  operation: string;
  filter: unknown;
  /** where the audit entry is written: the primary (the points themselves may come from a read replica) */
  auditLog: Knex;
}

function mapIncident(row: Record<string, unknown>): IncidentRow {
  return {
    id: String(row.id),
    source: row.source as string,
    externalId: row.external_id as string,
    category: row.category as string,
    occurredAt: row.occurred_at as Date,
    timePrecision: row.time_precision as string,
    outdoor: row.outdoor as boolean | null,
    description: row.description as string | null,
    geometry: row.geometry as Geometry,
    h3: bigintToCell(row.h3 as string),
  };
}

/** Raw incident points. Every page read is written to the audit log before it is returned. */
export function listIncidents(knex: Knex, q: IncidentQuery, reader: PointReader): Listing<IncidentRow> {
  const points = listing(
    () => {
      const query = knex('incidents').select('id', 'source', 'external_id', 'category', 'occurred_at', 'time_precision', 'outdoor', 'description', 'h3', knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.window?.from) query.where('occurred_at', '>=', q.window.from);
      if (q.window?.to) query.where('occurred_at', '<', q.window.to);
      if (q.categories) query.whereIn('category', q.categories);
      if (q.sources) query.whereIn('source', q.sources);
      if (q.withheldCategories.length > 0) query.whereNotIn('category', q.withheldCategories);
      return query;
    },
    'id',
    mapIncident,
  );
  return {
    count: points.count,
    // for readers of aggregates only: no route serves incident points from it
    query: points.query,
    page: async (request) => {
      const result = await points.page(request);
      await recordRead(reader.auditLog, reader.user, reader.operation, { ...(reader.filter as object), first: request.first, afterId: request.afterId }, result.nodes.length);
      return result;
    },
    // streamed exports: every batch is written to the audit log before it is handed on, as every page is
    stream: async function* (afterId, batchSize) {
      for await (const batch of points.stream!(afterId, batchSize)) {
        await recordRead(reader.auditLog, reader.user, reader.operation, { ...(reader.filter as object), first: batchSize, afterId, streamed: true }, batch.length);
        afterId = batch[batch.length - 1].id;
        yield batch;
      }
    },
  };
}
