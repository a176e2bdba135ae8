import type { Knex } from 'knex';
import type { Layer } from '../domain';

export async function startImportRun(knex: Knex, layer: Layer, format: string, fileName: string | null): Promise<number> {
  const [row] = await knex('import_runs').insert({ layer, format, file_name: fileName }).returning('id');
  return Number(row.id);
}

export async function finishImportRun(knex: Knex, id: number, counts: { inserted: number; updated: number; unchanged: number; rejected: number }): Promise<void> {
  await knex('import_runs').where({ id }).update({ inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, rejected: counts.rejected, finished_at: knex.fn.now() });
}
