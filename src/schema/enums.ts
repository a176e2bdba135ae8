import { registerEnumType } from 'type-graphql';
import { AGENCIES, AREA_KINDS, INCIDENT_CATEGORIES, POST_KINDS, RECOMMENDATION_ITEM_KINDS, RECOMMENDATION_STATUSES, ROAD_DEFECT_KINDS, ROLES, TIME_PRECISIONS, YOUTH_FACILITY_KINDS } from '../domain';

/** GraphQL enum values are the domain's snake_case names in upper case (THEFT <-> 'theft'). */
export function enumOf<T extends string>(values: readonly T[]): Record<Uppercase<T>, T> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as Record<Uppercase<T>, T>;
}

export const IncidentCategoryEnum = enumOf(INCIDENT_CATEGORIES);
export const RoadDefectKindEnum = enumOf(ROAD_DEFECT_KINDS);
export const YouthFacilityKindEnum = enumOf(YOUTH_FACILITY_KINDS);
export const PostKindEnum = enumOf(POST_KINDS);
export const AreaKindEnum = enumOf(AREA_KINDS);
export const TimePrecisionEnum = enumOf(TIME_PRECISIONS);
export const FixStatusEnum = { OPEN: 'open', FIXED: 'fixed' } as const;

type ValueDescriptions<T extends string> = Record<T, string>;

/** One description per stored value, as GraphQL's valuesConfig wants them (keyed by the upper-case name). */
export function described<T extends string>(descriptions: ValueDescriptions<T>): Record<string, { description: string }> {
  return Object.fromEntries(Object.entries<string>(descriptions).map(([value, description]) => [value.toUpperCase(), { description }]));
}

const CATEGORY_DESCRIPTIONS: ValueDescriptions<(typeof INCIDENT_CATEGORIES)[number]> = {
  domestic_conflict: 'Conflict within a family or household (sensitive).',
  sexual_offence: 'Sexual offence (sensitive).',
  drunkenness: 'Public drunkenness.',
  hooliganism: 'Hooliganism: disorderly, aggressive conduct in public.',
  theft: 'Theft without force.',
  burglary: 'Breaking into a home or premises.',
  robbery: 'Theft with force or the threat of force.',
  assault: 'Assault: bodily harm or its threat.',
  road_collision: 'Road traffic collision.',
  vandalism: 'Damage to property.',
  drugs: 'Drug offences.',
  weapons: 'Possession or use of weapons.',
  fraud: 'Fraud and deception.',
  anti_social_behaviour: 'Anti-social behaviour (police.uk category).',
  public_order: 'Public order offences (police.uk category).',
  vehicle_crime: 'Theft of or from vehicles (police.uk category).',
  other: 'Any other incident.',
};
const DEFECT_DESCRIPTIONS: ValueDescriptions<(typeof ROAD_DEFECT_KINDS)[number]> = {
  pothole: 'Pothole.',
  broken_surface: 'Broken or uneven road surface.',
  missing_sidewalk: 'Street without a sidewalk.',
  missing_crosswalk: 'Crossing place without a marked crosswalk.',
  broken_crosswalk: 'Crosswalk with worn markings or broken signals.',
  missing_sign: 'Missing road sign.',
  other: 'Any other road defect.',
};
const FACILITY_DESCRIPTIONS: ValueDescriptions<(typeof YOUTH_FACILITY_KINDS)[number]> = {
  football_field: 'Football field.',
  sports_ground: 'Open sports ground.',
  youth_club: 'Youth club or centre.',
  playground: 'Playground.',
  gym: 'Gym or sports hall.',
  other: 'Any other youth facility.',
};
const POST_DESCRIPTIONS: ValueDescriptions<(typeof POST_KINDS)[number]> = {
  modular_post: 'Modular police post: a small kiosk with officers on foot nearby.',
  precinct_office: "Precinct inspector's office.",
  police_station: 'Police station of a district.',
};
const AREA_DESCRIPTIONS: ValueDescriptions<(typeof AREA_KINDS)[number]> = {
  district: 'City district (administrative).',
  precinct: 'Police precinct: the area of one precinct inspector, inside a district.',
};
const PRECISION_DESCRIPTIONS: ValueDescriptions<(typeof TIME_PRECISIONS)[number]> = {
  exact: 'The time is known to the minute.',
  day: 'Only the day is known.',
  month: 'Only the month is known (police.uk).',
};

registerEnumType(IncidentCategoryEnum, { name: 'IncidentCategory', valuesConfig: described(CATEGORY_DESCRIPTIONS), description: 'What happened. domestic_conflict and sexual_offence are sensitive.' });
registerEnumType(RoadDefectKindEnum, { name: 'RoadDefectKind', valuesConfig: described(DEFECT_DESCRIPTIONS), description: 'Kind of road defect.' });
registerEnumType(YouthFacilityKindEnum, { name: 'YouthFacilityKind', valuesConfig: described(FACILITY_DESCRIPTIONS), description: 'Kind of youth or sports facility.' });
registerEnumType(PostKindEnum, { name: 'PostKind', valuesConfig: described(POST_DESCRIPTIONS), description: 'Modular post, precinct office or police station.' });
registerEnumType(AreaKindEnum, { name: 'AreaKind', valuesConfig: described(AREA_DESCRIPTIONS), description: 'District or precinct.' });
registerEnumType(TimePrecisionEnum, { name: 'TimePrecision', valuesConfig: described(PRECISION_DESCRIPTIONS), description: 'How precise an incident time is: exact, day, or month (police.uk publishes months only).' });
registerEnumType(FixStatusEnum, {
  name: 'FixStatus',
  valuesConfig: { OPEN: { description: 'Not fixed yet (fixedAt is null).' }, FIXED: { description: 'Fixed (fixedAt is set).' } },
  description: 'OPEN while not fixed; FIXED once fixed_at is set.',
});

export const AgencyEnum = enumOf(AGENCIES);
registerEnumType(AgencyEnum, {
  name: 'Agency',
  description: 'A city service responsible for fixes: lighting, roads, sport_youth, police, mobility, health.',
  valuesConfig: described({
    lighting: 'Street lighting.',
    roads: 'Roads: surfaces, sidewalks, crossings, signs.',
    sport_youth: 'Sport and youth policy: sports grounds, youth clubs.',
    police: 'The police department.',
    mobility: 'Urban mobility: traffic organisation and public transport.',
    health: 'Public health services.',
  }),
});

export const RoleEnum = enumOf(ROLES);
registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'What a caller may do: admin, analyst, working_group, agency (one agency), public.',
  valuesConfig: described({
    admin: 'Everything, including imports, keys and the audit log.',
    analyst: 'Police analysts: raw incident points and every analysis.',
    working_group: 'The working group: aggregates, priorities and cases.',
    agency: "A partner agency: aggregates plus its own agency's cases and fixes.",
    public: 'Anyone without credentials: coarse, suppressed aggregates only.',
  }),
});

export const RecommendationStatusEnum = enumOf(RECOMMENDATION_STATUSES);
registerEnumType(RecommendationStatusEnum, {
  name: 'RecommendationStatus',
  description: 'PROPOSED -> ACCEPTED -> IN_PROGRESS -> DONE (closed, fixed); REJECTED and CANCELLED end a case without a fix. See `nextStatuses` for the allowed moves.',
  valuesConfig: described({
    proposed: 'Recommended by the working group, not yet accepted by the agency.',
    accepted: 'Accepted by the responsible agency.',
    in_progress: 'Work has started.',
    done: 'Fixed: closed with the date of the fix.',
    rejected: 'Declined by the agency or the working group.',
    cancelled: 'Withdrawn without a fix.',
  }),
});

export const RecommendationItemKindEnum = enumOf(RECOMMENDATION_ITEM_KINDS);
registerEnumType(RecommendationItemKindEnum, {
  name: 'RecommendationItemKind',
  description: 'A lighting outage, a road defect, an H3 cell lacking youth facilities, a feature of an imported factor layer, the hot cells of a forecast, or a near-repeat area.',
  valuesConfig: described({
    lighting_outage: 'A stored lighting outage, by id.',
    road_defect: 'A stored road defect, by id.',
    youth_gap_cell: 'An H3 cell whose young residents lack a youth facility within reach.',
    risk_feature: 'A feature of an imported factor layer (see `riskFeatures`), by id: a bar, an abandoned building, ...',
    forecast_cell: 'The hot cells of a forecast (`forecastHotspots`), with its method and forecast period.',
    near_repeat_area: 'Cells under elevated near-repeat risk (`nearRepeat`), with the risk window; listed to analysts and admins only.',
  }),
});
