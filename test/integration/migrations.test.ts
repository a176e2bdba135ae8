/** Migrations go both ways, and the spatial indexes really are GIST. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { dropDatabase } from '../../src/db/connection';

const CLI = path.resolve(__dirname, '../../dist/src/cli/main.js');
const scratchUrl = process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/hotspots_migrations_${process.pid}`);

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: scratchUrl }, encoding: 'utf8' });
}

afterAll(async () => {
  await dropDatabase(scratchUrl);
});

const MIGRATIONS = fs.readdirSync(path.resolve(__dirname, '../../migrations')).filter((f) => f.endsWith('.ts')).length;

it('migrates up, rolls back to zero and up again, with GIST indexes on every layer', async () => {
  expect(cli('migrate')).toMatch(new RegExp(`applied ${MIGRATIONS} migration`));
  expect(cli('rollback', '--all')).toMatch(new RegExp(`rolled back ${MIGRATIONS} migration`));
  expect(cli('migrate')).toMatch(new RegExp(`applied ${MIGRATIONS} migration`));
  const knex = knexFactory({ client: 'pg', connection: scratchUrl });
  try {
    const { rows } = await knex.raw("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE '%_geom_gist'");
    const byTable = new Map((rows as { tablename: string; indexdef: string }[]).map((r) => [r.tablename, r.indexdef]));
    for (const table of ['incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'population', 'posts', 'areas', 'streets', 'risk_features', 'street_edges', 'street_vertices']) {
      expect(byTable.get(table)).toMatch(/USING gist \(geom\)/);
    }
    const unique = await knex.raw("SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'u' AND pg_get_constraintdef(oid) = 'UNIQUE (source, external_id)'");
    expect((unique.rows as { t: string }[]).map((r) => r.t).sort()).toEqual(['areas', 'incidents', 'lighting_outages', 'population', 'posts', 'risk_features', 'road_defects', 'streets', 'youth_facilities']);
    const routing = await knex.raw("SELECT 1 FROM pg_extension WHERE extname = 'pgrouting'");
    expect(routing.rows).toHaveLength(1);
  } finally {
    await knex.destroy();
  }
});
