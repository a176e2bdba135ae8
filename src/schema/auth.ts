import type { AuthChecker } from 'type-graphql';
import type { Role } from '../domain';
import type { RequestContext } from '../resolvers/context';

/**
 * The one place role rules are decided: `@Authorized('analyst', ...)` on a query, mutation or
 * field lists the roles allowed; `admin` may do everything; `@Authorized()` with no roles means
 * any authenticated caller (anything but `public`).
 */
export const roleAuthChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  const role = context.user.role;
  if (role === 'admin') return true;
  if (roles.length === 0) return role !== 'public';
  return roles.includes(role);
};
