/** Mapping profiles stored by name (migration 20261203000010_import_profiles). */
import type { Knex } from 'knex';

export interface StoredImportProfile {
  name: string;
  layer: string;
  profile: unknown;
  updatedAt: Date;
}

/** Saves (or replaces) a profile under a name; true when it replaced one. */
export async function saveImportProfile(knex: Knex, name: string, layer: string, profile: unknown): Promise<boolean> {
  const existed = (await knex('import_profiles').where({ name }).first('name')) !== undefined;
  await knex('import_profiles')
    .insert({ name, layer, profile: JSON.stringify(profile), updated_at: knex.fn.now() })
    .onConflict('name')
    .merge(['layer', 'profile', 'updated_at']);
  return existed;
}

export async function importProfileByName(knex: Knex, name: string): Promise<StoredImportProfile | null> {
  const row = (await knex('import_profiles').where({ name }).first('name', 'layer', 'profile', 'updated_at')) as { name: string; layer: string; profile: unknown; updated_at: Date } | undefined;
  return row ? { name: row.name, layer: row.layer, profile: row.profile, updatedAt: row.updated_at } : null;
}

export async function listImportProfiles(knex: Knex): Promise<StoredImportProfile[]> {
  const rows = (await knex('import_profiles').orderBy('name').select('name', 'layer', 'profile', 'updated_at')) as { name: string; layer: string; profile: unknown; updated_at: Date }[];
  return rows.map((row) => ({ name: row.name, layer: row.layer, profile: row.profile, updatedAt: row.updated_at }));
}
