import type { Knex } from 'knex';

/**
 * Every layer: a PostGIS geometry in EPSG:4326 with a GIST index, timestamps with time zone,
 * (source, external_id) unique so that every import is an idempotent upsert, and for point
 * layers the fine H3 cell as bigint so any coarser resolution can be grouped in SQL.
 */

function sourced(t: Knex.CreateTableBuilder, knex: Knex): void {
  t.bigIncrements('id').primary();
  t.text('source').notNullable();
  t.text('external_id').notNullable();
  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
}

async function gist(knex: Knex, table: string): Promise<void> {
  // knex's { indexType: 'GIST' } silently builds a btree on PostgreSQL; the third argument is the method.
  await knex.schema.alterTable(table, (t) => {
    t.index(['geom'], `${table}_geom_gist`, 'gist');
  });
}

async function allowGeometryTypes(knex: Knex, table: string, types: string[]): Promise<void> {
  const list = types.map((t) => `'${t}'`).join(',');
  await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_geom_type CHECK (GeometryType(geom) IN (${list}))`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS postgis');

  await knex.schema.createTable('areas', (t) => {
    sourced(t, knex);
    t.text('kind').notNullable().checkIn(['district', 'precinct'], 'areas_kind_check');
    t.text('name').notNullable();
    t.text('name_ru');
    t.text('name_kk');
    t.bigInteger('parent_id').references('id').inTable('areas').onDelete('SET NULL');
    t.text('attribution');
    t.specificType('geom', 'geometry(MultiPolygon, 4326)').notNullable();
    t.unique(['source', 'external_id']);
  });
  await gist(knex, 'areas');

  await knex.schema.createTable('incidents', (t) => {
    sourced(t, knex);
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('category').notNullable();
    t.boolean('outdoor');
    t.text('description');
    // 'exact', 'day' or 'month': police.uk publishes the month only, which rules out day/night analysis
    t.text('time_precision').notNullable().defaultTo('exact');
    // between the actual sunset and sunrise at the place and moment; null when the time is not exact
    t.boolean('night');
    t.specificType('geom', 'geometry(Point, 4326)').notNullable();
    t.bigInteger('h3').notNullable();
    t.unique(['source', 'external_id']);
    t.index(['occurred_at'], 'incidents_occurred_at_idx');
    t.index(['h3'], 'incidents_h3_idx');
    t.index(['category', 'occurred_at'], 'incidents_category_occurred_idx');
  });
  await gist(knex, 'incidents');

  await knex.schema.createTable('lighting_outages', (t) => {
    sourced(t, knex);
    t.timestamp('reported_at', { useTz: true }).notNullable();
    t.timestamp('fixed_at', { useTz: true });
    t.text('street');
    t.specificType('geom', 'geometry(Geometry, 4326)').notNullable();
    // cell of the point, or of the middle of the segment
    t.bigInteger('h3').notNullable();
    t.unique(['source', 'external_id']);
    t.index(['reported_at'], 'lighting_outages_reported_at_idx');
    t.index(['h3'], 'lighting_outages_h3_idx');
  });
  await gist(knex, 'lighting_outages');
  await allowGeometryTypes(knex, 'lighting_outages', ['POINT', 'LINESTRING', 'MULTILINESTRING']);

  await knex.schema.createTable('road_defects', (t) => {
    sourced(t, knex);
    t.text('kind').notNullable();
    t.timestamp('reported_at', { useTz: true }).notNullable();
    t.timestamp('fixed_at', { useTz: true });
    t.text('street');
    t.specificType('geom', 'geometry(Geometry, 4326)').notNullable();
    t.bigInteger('h3').notNullable();
    t.unique(['source', 'external_id']);
    t.index(['kind', 'reported_at'], 'road_defects_kind_reported_idx');
    t.index(['h3'], 'road_defects_h3_idx');
  });
  await gist(knex, 'road_defects');
  await allowGeometryTypes(knex, 'road_defects', ['POINT', 'LINESTRING', 'MULTILINESTRING']);

  await knex.schema.createTable('youth_facilities', (t) => {
    sourced(t, knex);
    t.text('kind').notNullable();
    t.text('name');
    t.timestamp('opened_at', { useTz: true });
    t.specificType('geom', 'geometry(Geometry, 4326)').notNullable();
    t.bigInteger('h3').notNullable();
    t.unique(['source', 'external_id']);
    t.index(['h3'], 'youth_facilities_h3_idx');
  });
  await gist(knex, 'youth_facilities');
  await allowGeometryTypes(knex, 'youth_facilities', ['POINT', 'POLYGON', 'MULTIPOLYGON']);

  await knex.schema.createTable('population', (t) => {
    sourced(t, knex);
    t.bigInteger('h3').notNullable();
    t.smallint('resolution').notNullable();
    t.integer('residents').notNullable().checkPositive('population_residents_check');
    t.integer('young_residents').notNullable();
    // the cell's centre, so spatial filters work like on every other layer
    t.specificType('geom', 'geometry(Point, 4326)').notNullable();
    t.unique(['source', 'external_id']);
    t.index(['h3'], 'population_h3_idx');
  });
  await gist(knex, 'population');
  await knex.raw('ALTER TABLE population DROP CONSTRAINT population_residents_check, ADD CONSTRAINT population_counts_check CHECK (residents >= 0 AND young_residents >= 0 AND young_residents <= residents)');

  await knex.schema.createTable('posts', (t) => {
    sourced(t, knex);
    t.text('kind').notNullable().checkIn(['modular_post', 'precinct_office', 'police_station'], 'posts_kind_check');
    t.text('name');
    t.integer('walking_radius_m').notNullable().defaultTo(500);
    t.timestamp('opened_at', { useTz: true });
    t.specificType('geom', 'geometry(Point, 4326)').notNullable();
    t.bigInteger('h3').notNullable();
    t.unique(['source', 'external_id']);
  });
  await gist(knex, 'posts');
  await knex.raw('ALTER TABLE posts ADD CONSTRAINT posts_radius_check CHECK (walking_radius_m > 0 AND walking_radius_m <= 5000)');

  await knex.schema.createTable('import_runs', (t) => {
    t.bigIncrements('id').primary();
    t.text('layer').notNullable();
    t.text('format').notNullable();
    t.text('file_name');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.raw('now()'));
    t.timestamp('finished_at', { useTz: true });
    t.integer('inserted').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.integer('unchanged').notNullable().defaultTo(0);
    t.integer('rejected').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['import_runs', 'posts', 'population', 'youth_facilities', 'road_defects', 'lighting_outages', 'incidents', 'areas']) {
    await knex.schema.dropTableIfExists(table);
  }
}
