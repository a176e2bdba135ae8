import { GraphQLError } from 'graphql';
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
  const allowed = roles.length === 0 ? role !== 'public' : roles.includes(role);
  if (allowed) return true;
  // type-graphql's own refusal carries code UNAUTHORIZED, which the API does not use: say which of ours
  if (role === 'public') throw new GraphQLError('Sign in to do this', { extensions: { code: 'UNAUTHENTICATED' } });
  throw new GraphQLError(`The role ${role} may not do this`, { extensions: { code: 'FORBIDDEN' } });
};
