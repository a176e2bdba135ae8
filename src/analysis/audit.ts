/** The audit log of reads of raw incident points, newest first, a page at a time (admins only, by the role table). */
import type { RequestContext } from '../context';
import { listAuditEntries } from '../db/audit';
import { badInput } from '../errors';
import type { AuditEntryConnection, AuditLogArgs } from '../schema/access';
import { encodeCursor, toPageRequest } from './inputs';

export async function auditLogPage(ctx: RequestContext, args: AuditLogArgs): Promise<AuditEntryConnection> {
  const page = toPageRequest({ first: args.first, after: args.after }, ctx.config);
  if (args.since && Number.isNaN(args.since.getTime())) throw badInput('since', 'is not a date-time');
  const result = await listAuditEntries(ctx.primary, { first: page.first, afterId: page.afterId, userId: args.user ?? null, since: args.since ?? null });
  const last = result.nodes[result.nodes.length - 1];
  // entries are listed by falling id: the cursor continues below the last one
  return { nodes: result.nodes, endCursor: last ? encodeCursor(last.id) : null, hasNextPage: result.hasNextPage };
}
