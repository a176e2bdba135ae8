import type { Knex } from 'knex';

/**
 * API keys for dashboards (only a SHA-256 hash of each key is stored, so a copy of the database
 * does not hand out working keys) and the audit log of every read of raw incident points.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_keys', (t) => {
    t.bigIncrements('id').primary();
    t.text('name').notNullable().unique();
    t.text('key_hash').notNullable().unique();
    /** the first characters of the key, shown in listings so an operator can tell keys apart */
    t.text('prefix').notNullable();
    t.text('role').notNullable().checkIn(['admin', 'analyst', 'working_group', 'agency', 'public'], 'api_keys_role_check');
    t.text('agency');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
  });
  await knex.raw("ALTER TABLE api_keys ADD CONSTRAINT api_keys_agency_check CHECK ((role = 'agency') = (agency IS NOT NULL))");

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('user_id').notNullable();
    t.text('role').notNullable();
    t.text('operation').notNullable();
    t.jsonb('filter').notNullable();
    t.integer('row_count').notNullable();
    t.index(['at'], 'audit_log_at_idx');
    t.index(['user_id', 'at'], 'audit_log_user_at_idx');
  });
  // entries are only ever added: a bug or a stolen application login cannot rewrite who read what
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END $$`);
  await knex.raw('CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
  await knex.schema.dropTableIfExists('api_keys');
}
