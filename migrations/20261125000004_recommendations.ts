import type { Knex } from 'knex';

/**
 * The working group's cases: a recommendation (what, where, which agency, due date, status),
 * the records it is about, and an append-only history of every change with who and when.
 * The lists in the CHECK constraints are copied here on purpose: a migration must keep meaning
 * what it meant when it ran, even after src/domain.ts changes.
 */

const STATUSES = ['proposed', 'accepted', 'in_progress', 'done', 'rejected', 'cancelled'];
const AGENCIES = ['lighting', 'roads', 'sport_youth', 'police', 'mobility', 'health'];
const ROLES = ['admin', 'analyst', 'working_group', 'agency', 'public'];
const ACTIONS = ['created', 'updated', 'status_changed', 'closed', 'commented'];

const list = (values: string[]): string => values.map((v) => `'${v}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('recommendations', (t) => {
    t.bigIncrements('id').primary();
    t.text('title').notNullable();
    t.text('description');
    t.text('agency').notNullable();
    t.text('status').notNullable().defaultTo('proposed');
    t.date('due_date');
    // given by the user, or derived from the items when none is given (geom_derived)
    t.specificType('geom', 'geometry(Geometry, 4326)').notNullable();
    t.boolean('geom_derived').notNullable().defaultTo(false);
    t.timestamp('fixed_at', { useTz: true });
    t.text('outcome_note');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.index(['agency', 'status'], 'recommendations_agency_status_idx');
  });
  await knex.raw(`ALTER TABLE recommendations
    ADD CONSTRAINT recommendations_status_check CHECK (status IN (${list(STATUSES)})),
    ADD CONSTRAINT recommendations_agency_check CHECK (agency IN (${list(AGENCIES)})),
    ADD CONSTRAINT recommendations_title_check CHECK (length(btrim(title)) > 0),
    ADD CONSTRAINT recommendations_done_fixed_check CHECK ((status = 'done') = (fixed_at IS NOT NULL))`);
  await knex.schema.alterTable('recommendations', (t) => {
    t.index(['geom'], 'recommendations_geom_gist', 'gist');
  });

  await knex.schema.createTable('recommendation_items', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('recommendation_id').notNullable().references('id').inTable('recommendations').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.bigInteger('lighting_outage_id').references('id').inTable('lighting_outages').onDelete('RESTRICT');
    t.bigInteger('road_defect_id').references('id').inTable('road_defects').onDelete('RESTRICT');
    // the H3 cell (bigint, as every stored cell) of a youth-facility gap
    t.bigInteger('h3');
    t.index(['recommendation_id'], 'recommendation_items_recommendation_idx');
  });
  await knex.raw(`ALTER TABLE recommendation_items
    ADD CONSTRAINT recommendation_items_kind_check CHECK (
      (kind = 'lighting_outage' AND lighting_outage_id IS NOT NULL AND road_defect_id IS NULL AND h3 IS NULL) OR
      (kind = 'road_defect' AND road_defect_id IS NOT NULL AND lighting_outage_id IS NULL AND h3 IS NULL) OR
      (kind = 'youth_gap_cell' AND h3 IS NOT NULL AND lighting_outage_id IS NULL AND road_defect_id IS NULL))`);

  await knex.schema.createTable('recommendation_history', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('recommendation_id').notNullable().references('id').inTable('recommendations').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor_id').notNullable();
    t.text('actor_role').notNullable();
    t.text('action').notNullable();
    t.text('from_status');
    t.text('to_status');
    t.text('comment');
    // field -> { from, to } for updates
    t.jsonb('changes');
    t.index(['recommendation_id', 'at'], 'recommendation_history_recommendation_at_idx');
  });
  await knex.raw(`ALTER TABLE recommendation_history
    ADD CONSTRAINT recommendation_history_role_check CHECK (actor_role IN (${list(ROLES)})),
    ADD CONSTRAINT recommendation_history_action_check CHECK (action IN (${list(ACTIONS)})),
    ADD CONSTRAINT recommendation_history_from_check CHECK (from_status IS NULL OR from_status IN (${list(STATUSES)})),
    ADD CONSTRAINT recommendation_history_to_check CHECK (to_status IS NULL OR to_status IN (${list(STATUSES)}))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['recommendation_history', 'recommendation_items', 'recommendations']) {
    await knex.schema.dropTableIfExists(table);
  }
}
