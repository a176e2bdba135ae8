/** Who am I, and who read raw incident points. */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import { listAuditEntries } from '../db/audit';
import { AuditEntryConnection, AuditLogArgs, Caller } from '../schema/access';
import type { RequestContext } from '../context';
import { badInput } from '../errors';
import { encodeCursor, toPageRequest } from '../analysis/inputs';

@Resolver()
export class AccessQueries {
  @Authorized(...rolesFor('Query.me'))
  @Query(() => Caller, { description: 'The caller of this request: its id, role and agency. Every role.' })
  me(@Ctx() ctx: RequestContext): Caller {
    return { id: ctx.user.id, role: ctx.user.role, agency: ctx.user.agency };
  }

  @Authorized(...rolesFor('Query.auditLog'))
  @Query(() => AuditEntryConnection, { description: 'Every read of raw incident points (who, when, filter, rows), newest first. Admins only.' })
  async auditLog(@Ctx() ctx: RequestContext, @Args() args: AuditLogArgs): Promise<AuditEntryConnection> {
    const page = toPageRequest({ first: args.first, after: args.after }, ctx.config);
    if (args.since && Number.isNaN(args.since.getTime())) throw badInput('since', 'is not a date-time');
    const result = await listAuditEntries(ctx.knex, { first: page.first, afterId: page.afterId, userId: args.user ?? null, since: args.since ?? null });
    const last = result.nodes[result.nodes.length - 1];
    return { nodes: result.nodes, endCursor: last ? encodeCursor(last.id) : null, hasNextPage: result.hasNextPage };
  }
}
