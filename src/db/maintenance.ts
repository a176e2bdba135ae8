/**
 * Questions and upkeep about the database as a whole, for the server and the CLI: is it
 * reachable (`/readyz`), does it hold any areas yet (`hotspots demo` seeds an empty database),
 * and fresh planner statistics after a bulk load.
 */
import type { Knex } from 'knex';

/** Resolves when the database answers a trivial query; rejects when it cannot be reached. */
export async function pingDatabase(knex: Knex): Promise<void> {
  await knex.raw('SELECT 1');
}

/**
 * Which database this is, down to its incarnation: the cluster's system identifier, the
 * database's oid and the oid of `layer_versions` (a re-created database or a re-migrated one
 * starts its versions again at 0, and must not meet the answers cached for the old one).
 */
export async function databaseIdentity(knex: Knex): Promise<string> {
  const { rows } = await knex.raw(
    `SELECT (SELECT system_identifier FROM pg_control_system())::text AS system, (SELECT oid FROM pg_database WHERE datname = current_database())::text AS db, to_regclass('layer_versions')::oid::text AS versions`,
  );
  const row = rows[0] as { system: string; db: string; versions: string | null };
  return `${row.system}/${row.db}/${row.versions ?? 0}`;
}

/** How many areas (districts and precincts) are stored. */
export async function storedAreaCount(knex: Knex): Promise<number> {
  const [{ count }] = (await knex('areas').count('* as count')) as { count: string }[];
  return Number(count);
}

/** Refreshes the planner's statistics of every table (after loading many rows at once). */
export async function analyzeDatabase(knex: Knex): Promise<void> {
  await knex.raw('ANALYZE');
}
