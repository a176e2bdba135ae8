import type { Knex } from 'knex';

/**
 * A data version for tile and export ETags: a sequence that every write to a layer advances
 * (statement-level triggers, so a batch of 5000 rows costs one step). Reading it is one row,
 * where counting rows per layer on every tile request cost tens of milliseconds. A sequence
 * takes no row lock, so concurrent imports never wait on it; a rolled-back write still
 * advances it, which only makes a cached tile be fetched once more.
 */
const LAYER_TABLES = ['areas', 'incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'population', 'posts'];

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE data_version_seq');
  await knex.raw(`CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM nextval('data_version_seq');
      RETURN NULL;
    END $$`);
  for (const table of LAYER_TABLES) {
    await knex.raw(`CREATE TRIGGER ${table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of LAYER_TABLES) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_data_version ON ${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS bump_data_version()');
  await knex.raw('DROP SEQUENCE IF EXISTS data_version_seq');
}
