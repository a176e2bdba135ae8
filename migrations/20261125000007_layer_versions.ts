import type { Knex } from 'knex';

/**
 * A version per layer, bumped in the writing transaction by a statement-level trigger on every
 * INSERT, UPDATE, DELETE and TRUNCATE. The API keeps in-memory caches of layer data (columnar
 * incidents, small-layer aggregates) and compares this version before using them: a cache is
 * reused only while the version it was built from is current, on any number of API instances.
 * The trigger also sends `NOTIFY layer_changed, '<layer>'` so listening instances can reload
 * ahead of the next request. Being transactional, a version is never visible before the rows
 * it stands for.
 *
 * Counts by cell now come from those columns, so two incident indexes that only served the SQL
 * aggregation (h3, and category + occurred_at) are dropped: every import paid for them on each
 * row. Lists filter by window through `incidents_occurred_at_idx` and by area through the GIST index.
 */
const LAYER_TABLES = ['incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'population', 'posts', 'areas'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('layer_versions', (t) => {
    t.text('layer').primary();
    t.bigInteger('version').notNullable().defaultTo(0);
  });
  await knex('layer_versions').insert(LAYER_TABLES.map((layer) => ({ layer, version: 0 })));
  await knex.raw(`
    CREATE FUNCTION bump_layer_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE layer_versions SET version = version + 1 WHERE layer = TG_TABLE_NAME;
      PERFORM pg_notify('layer_changed', TG_TABLE_NAME);
      RETURN NULL;
    END $$`);
  for (const table of LAYER_TABLES) {
    await knex.raw(`CREATE TRIGGER ${table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version()`);
  }
  await knex.raw('DROP INDEX IF EXISTS incidents_h3_idx');
  await knex.raw('DROP INDEX IF EXISTS incidents_category_occurred_idx');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS incidents_h3_idx ON incidents (h3)');
  await knex.raw('CREATE INDEX IF NOT EXISTS incidents_category_occurred_idx ON incidents (category, occurred_at)');
  for (const table of LAYER_TABLES) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_version ON ${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS bump_layer_version()');
  await knex.schema.dropTableIfExists('layer_versions');
}
