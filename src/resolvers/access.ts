/** Who am I, and who read raw incident points: argument mapping and one call each. */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { auditLogPage } from '../analysis/audit';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { AuditEntryConnection, AuditLogArgs, Caller } from '../schema/access';

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
    return auditLogPage(ctx, args);
  }
}
