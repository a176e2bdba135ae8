import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLResolveInfo } from 'graphql';
import { ROLE_RULES } from '../../../src/auth/roleRules';
import { requireRoleRule } from '../../../src/auth/authChecker';
import type { RequestContext } from '../../../src/context';
import type { Role } from '../../../src/domain';

function call(role: Role, parent: string, fieldName: string): Promise<unknown> {
  const next = jest.fn(async () => 'resolved');
  const action = { context: { user: { id: 'x', role, agency: null } } as RequestContext, info: { parentType: { name: parent }, fieldName } as unknown as GraphQLResolveInfo, root: {}, args: {} };
  return (async () => requireRoleRule(action, next))();
}

describe('fail-closed role middleware', () => {
  it('refuses a query without a role rule to everyone but admin', async () => {
    await expect(call('analyst', 'Query', 'somethingMergedLater')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(call('public', 'Mutation', 'somethingMergedLater')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(call('admin', 'Query', 'somethingMergedLater')).resolves.toBe('resolved');
  });

  it('lets ruled queries and fields of other types through to @Authorized', async () => {
    await expect(call('public', 'Query', 'hexagons')).resolves.toBe('resolved');
    await expect(call('public', 'Area', 'name')).resolves.toBe('resolved');
  });
});

describe('docs/security.md', () => {
  it('states the rule of every entry of the role table', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../docs/security.md'), 'utf8');
    const missing = Object.keys(ROLE_RULES).filter((field) => !doc.includes(`\`${field}\``));
    expect(missing).toEqual([]);
  });
});
