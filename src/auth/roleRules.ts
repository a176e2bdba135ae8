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
const RISK_RELEASE: readonly Role[] = ['analyst', 'working_group', 'agency'];
const RISK_LATTICE = 'a whole district or the city, resolution 9, default reach, 12 whole ended calendar months, all categories';
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
  'Query.vocabulary': { roles: EVERYONE, rule: 'every role: the labels of the enums in a language', sample: '{ vocabulary(lang: RU) { enum values { value label } } }' },
  'Query.lastMonthWithData': { roles: EVERYONE, rule: 'every role: the month of the public view (a month, never a count)', sample: '{ lastMonthWithData { month label } }' },
  'Query.areas': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ areas(first: 1) { nodes { id name } } }' },
  'Query.riskFeatures': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ riskFeatures(first: 1) { nodes { id factor geometry } } }' },
  'Query.riskFeatureLayers': { roles: EVERYONE, rule: NOT_VICTIMS, sample: `{ riskFeatureLayers(area: { bbox: ${BBOX} }) { factor featureCount presentCount } }` },
  'Query.area': { roles: EVERYONE, rule: NOT_VICTIMS, sample: '{ area(id: "1") { id } }' },
  'Query.hexagons': { roles: EVERYONE, rule: AGGREGATE, sample: `{ hexagons(area: { bbox: ${BBOX} }, resolution: 8) { cells { h3 incidents suppressed } } }` },
  'Query.hotspots': { roles: EVERYONE, rule: AGGREGATE, sample: `{ hotspots(area: { bbox: ${BBOX} }, resolution: 8) { cells { h3 count z } } }` },
  'Query.clusters': { roles: EVERYONE, rule: AGGREGATE, sample: `{ clusters(area: { bbox: ${BBOX} }, resolution: 8) { cells { h3 count cluster } } }` },
  'Query.densitySurface': {
    roles: EVERYONE,
    rule: 'every role; below analyst the surface smooths the released cell counts of the release lattice (resolution 8, one ended month, all categories), so it is a function of released numbers only',
    sample: `{ densitySurface(area: { bbox: ${BBOX} }, resolution: 8) { bandwidthMeters cells { h3 perKm2 } } }`,
  },
  'Query.nearRepeat': {
    roles: ANALYSTS,
    rule: 'analyst: built from exact positions and dates of incidents (pairs within metres and days, and the recent incidents themselves as risk places); sensitive categories never analysed',
    sample: `{ nearRepeat(area: { bbox: ${BBOX} }, permutations: 99) { method } }`,
  },
  'Query.forecastHotspots': {
    roles: EVERYONE,
    rule: 'every role; below analyst the history is the release lattice (resolution 8, whole ended months of released counts, all categories), so the forecast is a function of released numbers only',
    sample: `{ forecastHotspots(area: { bbox: ${BBOX} }, resolution: 8, period: MONTH, historyPeriods: 6) { method cells { h3 expected } } }`,
  },
  'Query.forecastBacktest': {
    roles: EVERYONE,
    rule: 'every role; below analyst on the release lattice, as forecastHotspots (scores from released counts)',
    sample: `{ forecastBacktest(area: { bbox: ${BBOX} }, resolution: 8, period: MONTH, historyPeriods: 6, origins: 2) { chosen } }`,
  },
  'Query.auditLog': { roles: ADMINS, rule: 'admin only', sample: '{ auditLog(first: 1) { nodes { userId operation rowCount } } }' },
  'Mutation.importIncidents': { roles: ANALYSTS, rule: 'analyst (police load their own incident records) and admin', sample: IMPORT_SAMPLE('importIncidents') },
  'Mutation.importLightingOutages': { roles: ADMINS, rule: 'admin only (bulk loads of city data)', sample: IMPORT_SAMPLE('importLightingOutages') },
  'Mutation.importRoadDefects': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importRoadDefects') },
  'Mutation.importYouthFacilities': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importYouthFacilities') },
  'Mutation.importPopulation': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importPopulation') },
  'Mutation.importPosts': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importPosts') },
  'Mutation.importAreas': { roles: ADMINS, rule: 'admin only', sample: IMPORT_SAMPLE('importAreas') },
  'Mutation.importRiskFeatures': { roles: ANALYSTS, rule: 'analyst (the data team imports factor layers) and admin', sample: IMPORT_SAMPLE('importRiskFeatures') },
  'Query.emergingHotSpots': {
    roles: ANALYSTS,
    rule: 'analyst: per-cell monthly or weekly counts have no release lattice yet below analyst',
    sample: `{ emergingHotSpots(area: { bbox: ${BBOX} }, resolution: 3) { method } }`,
  },
  'Query.coverage': {
    roles: ANALYSTS,
    rule: 'analyst: incident counts within a chosen radius of chosen posts could be differenced below analyst',
    sample: `{ coverage(area: { bbox: ${BBOX} }, radius: 0) { postCount } }`,
  },
  'Query.postReach': { roles: EVERYONE, rule: 'every role: service areas of posts (infrastructure, no incident data)', sample: `{ postReach(area: { bbox: ${BBOX} }, radius: 400) { postId } }` },
  'Query.suggestPostSites': {
    roles: ANALYSTS,
    rule: 'analyst: coverage before and after counts incidents and hot spots',
    sample: `{ suggestPostSites(area: { bbox: ${BBOX} }, count: 1, radius: 0) { solver } }`,
  },
  'Query.minimumPostSites': {
    roles: ANALYSTS,
    rule: 'analyst: built on significant hot spot cells of true counts',
    sample: `{ minimumPostSites(area: { bbox: ${BBOX} }, radius: 0) { count } }`,
  },
  'Query.riskFactors': {
    roles: RISK_RELEASE,
    rule: `analyst; working_group and agency on the risk release lattice (${RISK_LATTICE}): model-level figures (coefficients, relative risks, fit), no per-cell counts`,
    sample: `{ riskFactors(area: { bbox: ${BBOX} }, resolution: 3) { caveat } }`,
  },
  'Query.riskSurface': {
    roles: RISK_RELEASE,
    rule: `analyst; working_group and agency on the risk release lattice (${RISK_LATTICE}): relative risk and expected count per cell, observed counts null`,
    sample: `{ riskSurface(area: { bbox: ${BBOX} }, resolution: 3) { method } }`,
  },
  'Query.fixPriorities': {
    roles: RISK_RELEASE,
    rule: `analyst; working_group and agency on the risk release lattice (${RISK_LATTICE}), with the incidents near each item as a band and scores from released numbers; an agency sees its own agency's items only`,
    sample: `{ fixPriorities(area: { bbox: ${BBOX} }, resolution: 3) { method } }`,
  },
  'Query.recommendations': {
    roles: ['analyst', 'working_group', 'agency'],
    rule: "analyst, working_group, agency (an agency sees its own agency's cases only)",
    sample: '{ recommendations(first: 1) { totalCount } }',
  },
  'Query.recommendation': {
    roles: ['analyst', 'working_group', 'agency'],
    rule: "analyst, working_group, agency (another agency's case is FORBIDDEN)",
    sample: '{ recommendation(id: "999999999") { id } }',
  },
  'Query.agencyStatistics': { roles: ['analyst', 'working_group', 'agency'], rule: 'analyst, working_group, agency', sample: '{ agencyStatistics { asOf } }' },
  'Query.recommendationsEvaluation': {
    roles: ['analyst', 'working_group', 'agency'],
    rule: "analyst, working_group, agency (an agency pools its own agency's cases only)",
    sample: '{ recommendationsEvaluation(resolution: 3) { conclusive } }',
  },
  'Mutation.createRecommendation': {
    roles: ['working_group'],
    rule: 'working_group',
    sample: 'mutation { createRecommendation(input: { title: "", agency: LIGHTING }) { id } }',
  },
  'Mutation.updateRecommendation': { roles: ['working_group'], rule: 'working_group', sample: 'mutation { updateRecommendation(id: "999999999", input: { title: "x" }) { id } }' },
  'Mutation.changeRecommendationStatus': {
    roles: ['working_group', 'agency'],
    rule: "working_group; agency on its own agency's cases",
    sample: 'mutation { changeRecommendationStatus(id: "999999999", status: ACCEPTED) { id } }',
  },
  'Mutation.closeRecommendation': { roles: ['working_group'], rule: 'working_group', sample: 'mutation { closeRecommendation(id: "999999999", fixedAt: "2025-01-01T00:00:00Z") { id } }' },
  'Mutation.commentOnRecommendation': {
    roles: ['working_group', 'agency'],
    rule: "working_group; agency on its own agency's cases",
    sample: 'mutation { commentOnRecommendation(id: "999999999", comment: "x") { id } }',
  },
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
