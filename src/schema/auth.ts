import type { AuthChecker } from 'type-graphql';
import type { Role } from '../domain';
import type { RequestContext } from '../resolvers/context';

/**
 * The one place role rules are decided: `@Authorized('analyst', ...)` on a query, mutation or
 * field lists the roles allowed; `admin` may do everything; `@Authorized()` with no roles means
 * any authenticated caller (anything but `public`).
 */
export const roleAuthChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => roleAllowed(context.user.role, roles);

/** The rule of `@Authorized`, also used by tiles and exports that name the roles they serve. */
export function roleAllowed(role: Role, roles: readonly Role[]): boolean {
  if (role === 'admin') return true;
  if (roles.length === 0) return role !== 'public';
  return roles.includes(role);
}
