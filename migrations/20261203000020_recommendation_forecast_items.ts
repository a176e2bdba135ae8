import type { Knex } from 'knex';

/**
 * A working-group case can be about a forecast (the hot cells of a forecast period, by one
 * method) or a near-repeat area (the cells under elevated near-repeat risk until a date): the
 * item keeps what the analysis said when it was attached (cells, method, window, and per cell the
 * expected count or the risk window), since a later forecast of the same area says something else.
 */
const ITEM_CHECK_WITH_FORECASTS = `
  (kind = 'lighting_outage' AND lighting_outage_id IS NOT NULL AND road_defect_id IS NULL AND h3 IS NULL AND risk_feature_id IS NULL AND cells IS NULL) OR
  (kind = 'road_defect' AND road_defect_id IS NOT NULL AND lighting_outage_id IS NULL AND h3 IS NULL AND risk_feature_id IS NULL AND cells IS NULL) OR
  (kind = 'youth_gap_cell' AND h3 IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL AND risk_feature_id IS NULL AND cells IS NULL) OR
  (kind = 'risk_feature' AND risk_feature_id IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL AND h3 IS NULL AND cells IS NULL) OR
  (kind IN ('forecast_cell', 'near_repeat_area') AND cells IS NOT NULL AND method IS NOT NULL AND window_from IS NOT NULL AND window_to IS NOT NULL
    AND lighting_outage_id IS NULL AND road_defect_id IS NULL AND h3 IS NULL AND risk_feature_id IS NULL)`;

const ITEM_CHECK_WITH_FEATURES = `
  (kind = 'lighting_outage' AND lighting_outage_id IS NOT NULL AND road_defect_id IS NULL AND h3 IS NULL AND risk_feature_id IS NULL) OR
  (kind = 'road_defect' AND road_defect_id IS NOT NULL AND lighting_outage_id IS NULL AND h3 IS NULL AND risk_feature_id IS NULL) OR
  (kind = 'youth_gap_cell' AND h3 IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL AND risk_feature_id IS NULL) OR
  (kind = 'risk_feature' AND risk_feature_id IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL AND h3 IS NULL)`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_items', (t) => {
    t.jsonb('cells');
    t.text('method');
    t.timestamp('window_from', { useTz: true });
    t.timestamp('window_to', { useTz: true });
    t.jsonb('detail');
  });
  await knex.raw(`ALTER TABLE recommendation_items DROP CONSTRAINT recommendation_items_kind_check, ADD CONSTRAINT recommendation_items_kind_check CHECK (${ITEM_CHECK_WITH_FORECASTS})`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('recommendation_items').whereIn('kind', ['forecast_cell', 'near_repeat_area']).delete();
  await knex.raw(`ALTER TABLE recommendation_items DROP CONSTRAINT recommendation_items_kind_check, ADD CONSTRAINT recommendation_items_kind_check CHECK (${ITEM_CHECK_WITH_FEATURES})`);
  await knex.schema.alterTable('recommendation_items', (t) => {
    t.dropColumns('cells', 'method', 'window_from', 'window_to', 'detail');
  });
}
