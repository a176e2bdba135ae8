/**
 * Who may call what: the single source of truth for roles. Every Query and Mutation field of the
 * schema has an entry here (test/integration/auth.test.ts fails for a field without one, and the
 * server refuses such a field to everyone but admin), and resolvers declare
 * `@Authorized(...rolesFor('Query.x'))` from it. `admin` may always do everything.
 */
import type { Role } from '../domain';
import { ROLES } from '../domain';

export interface RoleRule {
  /** Roles allowed besides admin. */
  roles: readonly Role[];
  /** The rule in words, as docs/security.md shows it. */
  rule: string;
  /** An operation that exercises the field (the role test sends it as every role). */
  sample: string;
  variables?: Record<string, unknown>;
}

const EVERYONE = ROLES;
const ANALYSTS: readonly Role[] = ['analyst'];
// listed explicitly: an empty list would mean any signed-in role to @Authorized
const ADMINS: readonly Role[] = ['admin'];

const BBOX = '[76.90, 43.22, 76.96, 43.26]';
const AGGREGATE = 'aggregates for every role; below analyst counts under the threshold are suppressed, resolution, window and categories follow the release rules';
const NOT_VICTIMS = 'every role (infrastructure, not victims\u2019 data)';
const IMPORT_SAMPLE = (mutation: string) => `mutation { ${mutation}(records: [], atomic: true) { inserted rejected } }`;

export const ROLE_RULES = {
  'Query.me': { roles: EVERYONE, rule: 'every role: who the request acts as', sample: '{ me { id role agency } }' },
  'Query.incidents': {
    roles: ANALYSTS,
    rule: 'analyst: raw incident points (sensitive categories never returned); every page read is audited',
    sample: '{ incidents(first: 1) { nodes { id category geometry } } }',
  },
  'Query.lightingOutages': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ lightingOutages(first: 1) { nodes { id geometry } } }' },
  'Query.roadDefects': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ roadDefects(first: 1) { nodes { id geometry } } }' },
  'Query.youthFacilities': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ youthFacilities(first: 1) { nodes { id geometry } } }' },
  'Query.posts': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ posts(first: 1) { nodes { id geometry } } }' },
  'Query.post': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ post(id: "1") { id } }' },
  'Query.population': { roles: EVERYONE, rule: 'every role (synthetic or census residents per cell, not victims\u2019 data)', sample: '{ population(first: 1) { nodes { h3 residents } } }' },
  'Query.areas': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ areas(first: 1) { nodes { id name } } }' },
  'Query.area': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ area(id: "1") { id } }' },
  'Query.hexagons': { roles: EVERYONE, rule: AGGREGATE, sample: `{ hexagons(area: { bbox: ${BBOX} }, resolution: 8) { cells { h3 incidents suppressed } } }` },
  'Query.hotspots': { roles: EVERYONE, rule: AGGREGATE, sample: `{ hotspots(area: { bbox: ${BBOX} }, resolution: 8) { cells { h3 count z } } }` },
  'Query.clusters': { roles: EVERYONE, rule: AGGREGATE, sample: `{ clusters(area: { bbox: ${BBOX} }, resolution: 8) { cells { h3 count cluster } } }` },
  'Query.auditLog': { roles: ADMINS, rule: 'admin only', sample: '{ auditLog(first: 1) { nodes { userId operation rowCount } } }' },
  'Mutation.importIncidents': { roles: ANALYSTS, rule: 'analyst (police load their own incident records) and admin', sample: IMPORT_SAMPLE('importIncidents') },
  'Mutation.importLightingOutages': { roles: ADMINS, rule: 'admin only (bulk loads of city data)', sample: IMPORT_SAMPLE('importLightingOutages') },
  'Mutation.importRoadDefects': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importRoadDefects') },
  'Mutation.importYouthFacilities': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importYouthFacilities') },
  'Mutation.importPopulation': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importPopulation') },
  'Mutation.importPosts': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importPosts') },
  'Mutation.importAreas': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importAreas') },
  // fields of object types that put a victim's location or words within reach
  'Incident.geometry': { roles: ANALYSTS, rule: 'analyst: the point location', sample: '{ incidents(first: 1) { nodes { geometry } } }' },
  'Incident.h3': { roles: ANALYSTS, rule: 'analyst: the fine cell is a location to a few metres', sample: '{ incidents(first: 1) { nodes { h3 } } }' },
  'Incident.description': { roles: ANALYSTS, rule: 'analyst: free text may name people and places', sample: '{ incidents(first: 1) { nodes { description } } }' },
} satisfies Record<string, RoleRule>;

export type RuledField = keyof typeof ROLE_RULES;

export function ruleFor(field: string): RoleRule | undefined {
  return (ROLE_RULES as Record<string, RoleRule>)[field];
}

/** The roles to list in `@Authorized(...)` for a field. */
export function rolesFor(field: RuledField): Role[] {
  return [...ROLE_RULES[field].roles];
}

/** Whether a role may call a field under its rule (admin always may). */
export function roleMayCall(rule: RoleRule, role: Role): boolean {
  return role === 'admin' || rule.roles.includes(role);
}
