/** Tiles refuse whom the GraphQL query they mirror refuses: the roles come from @Authorized itself. */
import 'reflect-metadata';
import { Authorized, buildSchema, Query, Resolver } from 'type-graphql';
import { queryFieldRoles, roleAllowed, roleAuthChecker } from '../../../src/auth/authChecker';

@Resolver()
class RoleProbeQueries {
  @Authorized('analyst', 'working_group')
  @Query(() => String, { description: 'Analysts only.' })
  roleProbeRestricted(): string {
    return 'x';
  }

  @Query(() => String, { description: 'Everyone.' })
  roleProbeOpen(): string {
    return 'x';
  }
}

it('reads the roles of @Authorized queries and none of open ones', async () => {
  await buildSchema({ resolvers: [RoleProbeQueries], authChecker: roleAuthChecker, validate: false });
  expect(queryFieldRoles('roleProbeRestricted')).toEqual(['analyst', 'working_group']);
  expect(queryFieldRoles('roleProbeOpen')).toBeNull();
  expect(queryFieldRoles('noSuchQuery')).toBeNull();
});

it('applies the @Authorized rule: admin always, listed roles, public never for an empty list', () => {
  expect(roleAllowed('admin', ['analyst'])).toBe(true);
  expect(roleAllowed('analyst', ['analyst'])).toBe(true);
  expect(roleAllowed('public', ['analyst'])).toBe(false);
  expect(roleAllowed('agency', [])).toBe(true);
  expect(roleAllowed('public', [])).toBe(false);
});
