/** Imported factor layers (risk_features): their features and what each layer holds. */
import type { Knex } from 'knex';
import type { Geometry } from '../../domain';
import { bigintToCell } from '../../geo/h3';
import { areaCondition, geo, listing, type AreaSpec, type Listing } from './listing';

export interface RiskFeatureRow {
  id: string;
  source: string;
  externalId: string;
  factor: string;
  label: string | null;
  openedAt: Date | null;
  closedAt: Date | null;
  geometry: Geometry;
  h3: string;
}

export interface RiskFeatureQuery {
  area: AreaSpec | null;
  factors: string[] | null;
  /** only features present at this instant */
  presentAt: Date | null;
}

/**
 * SQL condition that a risk feature is present at `at` (now when null): opened by then, or
 * with no known opening, and not yet closed. The one definition of presence for this layer.
 */
export function riskFeaturePresentCondition(knex: Knex, at: Date | null): Knex.Raw {
  const t = at === null ? knex.raw('now()') : knex.raw('?::timestamptz', [at]);
  return knex.raw('(opened_at IS NULL OR opened_at <= ?) AND (closed_at IS NULL OR closed_at > ?)', [t, t]);
}

export function listRiskFeatures(knex: Knex, q: RiskFeatureQuery): Listing<RiskFeatureRow> {
  return listing(
    () => {
      const query = knex('risk_features').select('id', 'source', 'external_id', 'factor', 'label', 'opened_at', 'closed_at', 'h3', knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.factors) query.whereIn('factor', q.factors);
      if (q.presentAt) query.whereRaw(riskFeaturePresentCondition(knex, q.presentAt));
      return query;
    },
    'id',
    (row) => ({
      id: String(row.id),
      source: row.source as string,
      externalId: row.external_id as string,
      factor: row.factor as string,
      label: row.label as string | null,
      openedAt: row.opened_at as Date | null,
      closedAt: row.closed_at as Date | null,
      geometry: row.geometry as Geometry,
      h3: bigintToCell(row.h3 as string),
    }),
  );
}

export interface RiskFeatureLayerRow {
  factor: string;
  label: string | null;
  featureCount: number;
  presentCount: number;
  firstOpenedAt: Date | null;
  lastChangedAt: Date;
  sources: string[];
}

/** One row per imported factor, in factor order: what is loaded, how much of it stands now, from where. */
export async function riskFeatureLayers(knex: Knex, q: { area: AreaSpec | null }): Promise<RiskFeatureLayerRow[]> {
  const query = knex('risk_features')
    .select(
      'factor',
      // ordered-set aggregates skip nulls; a tie goes to the alphabetically first label
      knex.raw('mode() WITHIN GROUP (ORDER BY label) AS label'),
      knex.raw('count(*)::int AS feature_count'),
      knex.raw('(count(*) FILTER (WHERE ?))::int AS present_count', [riskFeaturePresentCondition(knex, null)]),
      knex.raw('min(opened_at) AS first_opened_at'),
      knex.raw('max(updated_at) AS last_changed_at'),
      knex.raw('array_agg(DISTINCT source ORDER BY source) AS sources'),
    )
    .groupBy('factor')
    .orderBy('factor');
  if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
  const rows = (await query) as Record<string, unknown>[];
  return rows.map((row) => ({
    factor: row.factor as string,
    label: row.label as string | null,
    featureCount: Number(row.feature_count),
    presentCount: Number(row.present_count),
    firstOpenedAt: row.first_opened_at as Date | null,
    lastChangedAt: row.last_changed_at as Date,
    sources: row.sources as string[],
  }));
}
