import type { Knex } from 'knex';

/**
 * The walking network: imported street lines (`streets`, one row per source line, idempotent by
 * (source, external_id) like every layer) and the routable graph built from them
 * (`street_edges` split at every crossing, with `source`/`target` vertex ids and length in
 * metres as cost, the column layout pgRouting expects; `street_vertices` the nodes).
 * The graph is derived data: it is rebuilt from `streets` after every street import.
 */

// Marks, in the table comment, that this migration created the pgrouting extension, so the down
// migration drops only what it created (another schema on the server may use pgRouting).
const CREATED_PGROUTING = 'pgrouting created by migration 20261125000002_streets';

export async function up(knex: Knex): Promise<void> {
  const existing = await knex.raw("SELECT 1 FROM pg_extension WHERE extname = 'pgrouting'");
  const createdExtension = existing.rows.length === 0;
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pgrouting');

  await knex.schema.createTable('streets', (t) => {
    t.bigIncrements('id').primary();
    t.text('source').notNullable();
    t.text('external_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('name');
    // OpenStreetMap's highway=* value (residential, footway, primary, ...) when known
    t.text('highway');
    // false for lines people may not walk along (motorways, closed construction): kept, not routed
    t.boolean('walkable').notNullable().defaultTo(true);
    t.specificType('geom', 'geometry(LineString, 4326)').notNullable();
    t.unique(['source', 'external_id']);
  });
  await knex.schema.alterTable('streets', (t) => {
    t.index(['geom'], 'streets_geom_gist', 'gist');
  });
  if (createdExtension) await knex.raw(`COMMENT ON TABLE streets IS '${CREATED_PGROUTING}'`);

  await knex.schema.createTable('street_vertices', (t) => {
    t.bigIncrements('id').primary();
    t.specificType('geom', 'geometry(Point, 4326)').notNullable();
  });
  await knex.schema.alterTable('street_vertices', (t) => {
    t.index(['geom'], 'street_vertices_geom_gist', 'gist');
  });

  await knex.schema.createTable('street_edges', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('street_id').notNullable().references('id').inTable('streets').onDelete('CASCADE');
    t.bigInteger('source').notNullable().references('id').inTable('street_vertices').onDelete('CASCADE');
    t.bigInteger('target').notNullable().references('id').inTable('street_vertices').onDelete('CASCADE');
    // walking is two-way: cost = reverse_cost = geodesic length in metres
    t.double('cost').notNullable();
    t.double('reverse_cost').notNullable();
    t.specificType('geom', 'geometry(LineString, 4326)').notNullable();
    t.index(['source'], 'street_edges_source_idx');
    t.index(['target'], 'street_edges_target_idx');
  });
  await knex.schema.alterTable('street_edges', (t) => {
    t.index(['geom'], 'street_edges_geom_gist', 'gist');
  });
}

export async function down(knex: Knex): Promise<void> {
  const comment = await knex.raw("SELECT obj_description('streets'::regclass, 'pg_class') AS comment WHERE to_regclass('streets') IS NOT NULL");
  const createdExtension = comment.rows[0]?.comment === CREATED_PGROUTING;
  for (const table of ['street_edges', 'street_vertices', 'streets']) await knex.schema.dropTableIfExists(table);
  if (createdExtension) await knex.raw('DROP EXTENSION IF EXISTS pgrouting');
}
