import { GraphQLError } from 'graphql';
import { AuthChecker, getMetadataStorage, MiddlewareFn } from 'type-graphql';
import { ruleFor } from './roleRules';
import type { Role } from '../domain';
import type { RequestContext } from '../context';

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
  if (!roleAllowed(context.user.role, roles)) throw accessDenied(context.user.role, `${info.parentType.name}.${info.fieldName}`);
  return true;
};

/** The rule of `@Authorized`, also used by tiles and exports that name the roles they serve. */
export function roleAllowed(role: Role, roles: readonly Role[]): boolean {
  if (role === 'admin') return true;
  if (roles.length === 0) return role !== 'public';
  return roles.includes(role);
}

/**
 * The roles `@Authorized` gives a Query field (read once the schema is built), or null when it
 * has none: tiles that mirror a query refuse whom the query refuses.
 */
export function queryFieldRoles(fieldName: string): readonly Role[] | null {
  const query = getMetadataStorage().queries.find((q) => q.schemaName === fieldName);
  return query?.roles ? (query.roles as Role[]) : null;
}

/**
 * Fails closed: a Query or Mutation field without an entry in the role table (a new query merged
 * without its rule) is refused to everyone but admin.
 */
export const requireRoleRule: MiddlewareFn<RequestContext> = ({ context, info }, next) => {
  const parent = info.parentType.name;
  if ((parent === 'Query' || parent === 'Mutation') && context.user.role !== 'admin' && !ruleFor(`${parent}.${info.fieldName}`)) {
    throw new GraphQLError(`${parent}.${info.fieldName} has no role rule yet and is open to admins only`, { extensions: { code: 'FORBIDDEN' } });
  }
  // every root field is counted by the request's compute budget: heavy work of any field waits
  // until all of them have charged their cost or finished (src/compute/budget.ts)
  if ((parent === 'Query' || parent === 'Mutation') && context.budget) return context.budget.trackRootField(next);
  return next();
};
