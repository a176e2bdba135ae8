import type { Knex } from 'knex';

/**
 * Mapping profiles kept in the database by name (`hotspots profile save <name> <file>`), so a
 * team imports a recurring export with `--profile <name>` instead of passing a file around.
 * `profile` is the JSON as saved (checked by src/import/profile.ts before it is stored).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_profiles', (t) => {
    t.text('name').primary();
    t.text('layer').notNullable();
    t.jsonb('profile').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('import_profiles');
}
