/** The audit log: who read raw incident points, when, with what filter, and how many rows. */
import type { Knex } from 'knex';
import type { RequestUser } from '../domain';

export interface AuditEntry {
  id: string;
  at: Date;
  userId: string;
  role: string;
  operation: string;
  filter: unknown;
  rowCount: number;
}

export async function recordRead(knex: Knex, reader: RequestUser, operation: string, filter: unknown, rowCount: number): Promise<void> {
  await knex('audit_log').insert({ user_id: reader.id, role: reader.role, operation, filter: JSON.stringify(filter ?? null), row_count: rowCount });
}

export interface AuditQuery {
  first: number;
  afterId: string | null;
  userId: string | null;
  since: Date | null;
}

/** Newest first; `afterId` continues below that id. */
export async function listAuditEntries(knex: Knex, q: AuditQuery): Promise<{ nodes: AuditEntry[]; hasNextPage: boolean }> {
  const query = knex('audit_log')
    .select('*')
    .orderBy('id', 'desc')
    .limit(q.first + 1);
  if (q.afterId) query.where('id', '<', q.afterId);
  if (q.userId) query.where('user_id', q.userId);
  if (q.since) query.where('at', '>=', q.since);
  const rows = (await query) as Record<string, unknown>[];
  return {
    hasNextPage: rows.length > q.first,
    nodes: rows.slice(0, q.first).map((r) => ({
      id: String(r.id),
      at: r.at as Date,
      userId: r.user_id as string,
      role: r.role as string,
      operation: r.operation as string,
      filter: r.filter,
      rowCount: r.row_count as number,
    })),
  };
}
