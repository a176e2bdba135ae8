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

/** How many areas (districts and precincts) are stored. */
export async function storedAreaCount(knex: Knex): Promise<number> {
  const [{ count }] = (await knex('areas').count('* as count')) as { count: string }[];
  return Number(count);
}

/** Refreshes the planner's statistics of every table (after loading many rows at once). */
export async function analyzeDatabase(knex: Knex): Promise<void> {
  await knex.raw('ANALYZE');
}
