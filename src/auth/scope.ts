/**
 * Which agency's cases and fixes a caller sees: the one rule for every query of cases, fixes and
 * work lists, applied in the query (src/db) from this value, never by filtering in a resolver.
 */
import type { Agency, RequestUser } from '../domain';

export type AgencyScope = { kind: 'all' } | { kind: 'agency'; agency: Agency } | { kind: 'none' };

export function agencyScope(user: RequestUser): AgencyScope {
  switch (user.role) {
    case 'admin':
    case 'analyst':
    case 'working_group':
      return { kind: 'all' };
    case 'agency':
      // an agency user without an agency sees nothing rather than everything
      return user.agency ? { kind: 'agency', agency: user.agency } : { kind: 'none' };
    case 'public':
      return { kind: 'none' };
  }
}
