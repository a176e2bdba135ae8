/** Stored API keys: hashes only, with the role and agency they grant. */
import type { Knex } from 'knex';
import type { Agency, Role } from '../domain';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  agency: Agency | null;
  createdAt: Date;
  revokedAt: Date | null;
}

function mapKey(row: Record<string, unknown>): ApiKeyRow {
  return {
    id: String(row.id),
    name: row.name as string,
    prefix: row.prefix as string,
    role: row.role as Role,
    agency: (row.agency as Agency | null) ?? null,
    createdAt: row.created_at as Date,
    revokedAt: (row.revoked_at as Date | null) ?? null,
  };
}

export async function insertApiKey(knex: Knex, key: { name: string; keyHash: string; prefix: string; role: Role; agency: Agency | null }): Promise<ApiKeyRow> {
  const [row] = (await knex('api_keys').insert({ name: key.name, key_hash: key.keyHash, prefix: key.prefix, role: key.role, agency: key.agency }).returning('*')) as Record<string, unknown>[];
  return mapKey(row);
}

/** Marks the key revoked; false when no unrevoked key has that name. */
export async function revokeApiKey(knex: Knex, name: string): Promise<boolean> {
  const updated = await knex('api_keys').where({ name }).whereNull('revoked_at').update({ revoked_at: knex.fn.now() });
  return updated > 0;
}

export async function listApiKeys(knex: Knex): Promise<ApiKeyRow[]> {
  return ((await knex('api_keys').select('*').orderBy('id')) as Record<string, unknown>[]).map(mapKey);
}

/** The live (unrevoked) key with this hash. */
export async function findActiveApiKey(knex: Knex, keyHash: string): Promise<ApiKeyRow | null> {
  const row = (await knex('api_keys').where({ key_hash: keyHash }).whereNull('revoked_at').first()) as Record<string, unknown> | undefined;
  return row ? mapKey(row) : null;
}
