import type { Knex } from 'knex';

/**
 * Factor layers the user imports for the risk models (Risk Terrain Modeling's "any risk factor":
 * bars and liquor shops, bus stops, abandoned buildings, ATMs, ...). One table for every such
 * layer: each feature names its factor (a short slug), and a feature is present from `opened_at`
 * (or always) until `closed_at` (or still). Versioned like the other layers, so cached models and
 * aggregates see an import at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_features', (t) => {
    t.bigIncrements('id').primary();
    t.text('source').notNullable();
    t.text('external_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('factor').notNullable();
    t.text('label');
    t.timestamp('opened_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.specificType('geom', 'geometry(Geometry, 4326)').notNullable();
    // cell of the point, of the middle of a line, or of a point on the surface of a polygon
    t.bigInteger('h3').notNullable();
    t.unique(['source', 'external_id']);
    t.index(['factor'], 'risk_features_factor_idx');
  });
  await knex.schema.alterTable('risk_features', (t) => {
    t.index(['geom'], 'risk_features_geom_gist', 'gist');
  });
  await knex.raw(`ALTER TABLE risk_features ADD CONSTRAINT risk_features_factor_check CHECK (factor ~ '^[a-z][a-z0-9_]{0,47}$')`);
  await knex.raw('ALTER TABLE risk_features ADD CONSTRAINT risk_features_period_check CHECK (closed_at IS NULL OR opened_at IS NULL OR closed_at > opened_at)');
  await knex.raw("ALTER TABLE risk_features ADD CONSTRAINT risk_features_geom_type CHECK (GeometryType(geom) IN ('POINT','LINESTRING','MULTILINESTRING','POLYGON','MULTIPOLYGON'))");
  await knex('layer_versions').insert({ layer: 'risk_features', version: 0 });
  await knex.raw('CREATE TRIGGER risk_features_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON risk_features FOR EACH STATEMENT EXECUTE FUNCTION bump_layer_version()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('risk_features');
  await knex('layer_versions').where({ layer: 'risk_features' }).delete();
}
