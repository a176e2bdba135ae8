import { GraphQLError } from 'graphql';
import type { AuthChecker, MiddlewareFn } from 'type-graphql';
import { ruleFor } from '../auth/roleRules';
import type { Role } from '../domain';
import type { RequestContext } from '../resolvers/context';

/** A public caller is told to sign in; a signed-in caller without the role is refused. */
export function accessDenied(role: Role, what: string): GraphQLError {
  return role === 'public'
    ? new GraphQLError(`${what} needs an authenticated caller with a suitable role`, { extensions: { code: 'UNAUTHENTICATED' } })
    : new GraphQLError(`${what} is not available to the ${role} role`, { extensions: { code: 'FORBIDDEN' } });
}

/**
 * The one place role rules are decided: `@Authorized('analyst', ...)` on a query, mutation or
 * field lists the roles allowed (from src/auth/roleRules.ts); `admin` may do everything;
 * `@Authorized()` with no roles means any authenticated caller (anything but `public`).
 */
export const roleAuthChecker: AuthChecker<RequestContext, Role> = ({ context, info }, roles) => {
  const role = context.user.role;
  if (role === 'admin') return true;
  const allowed = roles.length === 0 ? role !== 'public' : roles.includes(role);
  if (!allowed) throw accessDenied(role, `${info.parentType.name}.${info.fieldName}`);
  return true;
};

/**
 * Fails closed: a Query or Mutation field without an entry in the role table (a new query merged
 * without its rule) is refused to everyone but admin.
 */
export const requireRoleRule: MiddlewareFn<RequestContext> = ({ context, info }, next) => {
  const parent = info.parentType.name;
  if ((parent === 'Query' || parent === 'Mutation') && context.user.role !== 'admin' && !ruleFor(`${parent}.${info.fieldName}`)) {
    throw new GraphQLError(`${parent}.${info.fieldName} has no role rule yet and is open to admins only`, { extensions: { code: 'FORBIDDEN' } });
  }
  return next();
};
