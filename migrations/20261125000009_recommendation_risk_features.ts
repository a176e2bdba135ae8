import type { Knex } from 'knex';

/**
 * A working-group case can be about a feature of an imported factor layer (a bar, an abandoned
 * building) as well as an outage, a defect or a youth-gap cell: what the group does about it
 * (patrols at closing time, a licence review, demolition) is followed and evaluated like a fix.
 */
const ITEM_CHECK_WITH_FEATURES = `
  (kind = 'lighting_outage' AND lighting_outage_id IS NOT NULL AND road_defect_id IS NULL AND h3 IS NULL AND risk_feature_id IS NULL) OR
  (kind = 'road_defect' AND road_defect_id IS NOT NULL AND lighting_outage_id IS NULL AND h3 IS NULL AND risk_feature_id IS NULL) OR
  (kind = 'youth_gap_cell' AND h3 IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL AND risk_feature_id IS NULL) OR
  (kind = 'risk_feature' AND risk_feature_id IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL AND h3 IS NULL)`;

const ITEM_CHECK_BEFORE = `
  (kind = 'lighting_outage' AND lighting_outage_id IS NOT NULL AND road_defect_id IS NULL AND h3 IS NULL) OR
  (kind = 'road_defect' AND road_defect_id IS NOT NULL AND lighting_outage_id IS NULL AND h3 IS NULL) OR
  (kind = 'youth_gap_cell' AND h3 IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL)`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('recommendation_items', (t) => {
    t.bigInteger('risk_feature_id').references('id').inTable('risk_features').onDelete('RESTRICT');
  });
  await knex.raw(`ALTER TABLE recommendation_items DROP CONSTRAINT recommendation_items_kind_check, ADD CONSTRAINT recommendation_items_kind_check CHECK (${ITEM_CHECK_WITH_FEATURES})`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('recommendation_items').where({ kind: 'risk_feature' }).delete();
  await knex.raw(`ALTER TABLE recommendation_items DROP CONSTRAINT recommendation_items_kind_check, ADD CONSTRAINT recommendation_items_kind_check CHECK (${ITEM_CHECK_BEFORE})`);
  await knex.schema.alterTable('recommendation_items', (t) => {
    t.dropColumn('risk_feature_id');
  });
}
