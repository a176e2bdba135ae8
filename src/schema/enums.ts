import { registerEnumType } from 'type-graphql';
import { AGENCIES, AREA_KINDS, INCIDENT_CATEGORIES, POST_KINDS, RECOMMENDATION_ITEM_KINDS, RECOMMENDATION_STATUSES, ROAD_DEFECT_KINDS, ROLES, TIME_PRECISIONS, YOUTH_FACILITY_KINDS } from '../domain';

/** GraphQL enum values are the domain's snake_case names in upper case (THEFT <-> 'theft'). */
function enumOf<T extends string>(values: readonly T[]): Record<Uppercase<T>, T> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as Record<Uppercase<T>, T>;
}

export const IncidentCategoryEnum = enumOf(INCIDENT_CATEGORIES);
export const RoadDefectKindEnum = enumOf(ROAD_DEFECT_KINDS);
export const YouthFacilityKindEnum = enumOf(YOUTH_FACILITY_KINDS);
export const PostKindEnum = enumOf(POST_KINDS);
export const AreaKindEnum = enumOf(AREA_KINDS);
export const TimePrecisionEnum = enumOf(TIME_PRECISIONS);
export const FixStatusEnum = { OPEN: 'open', FIXED: 'fixed' } as const;

registerEnumType(IncidentCategoryEnum, { name: 'IncidentCategory', description: 'What happened. domestic_conflict and sexual_offence are sensitive.' });
registerEnumType(RoadDefectKindEnum, { name: 'RoadDefectKind', description: 'Kind of road defect.' });
registerEnumType(YouthFacilityKindEnum, { name: 'YouthFacilityKind', description: 'Kind of youth or sports facility.' });
registerEnumType(PostKindEnum, { name: 'PostKind', description: 'Modular post, precinct office or police station.' });
registerEnumType(AreaKindEnum, { name: 'AreaKind', description: 'District or precinct.' });
registerEnumType(TimePrecisionEnum, { name: 'TimePrecision', description: 'How precise an incident time is: exact, day, or month (police.uk publishes months only).' });
registerEnumType(FixStatusEnum, { name: 'FixStatus', description: 'OPEN while not fixed; FIXED once fixed_at is set.' });

export const AgencyEnum = enumOf(AGENCIES);
export const RoleEnum = enumOf(ROLES);
export const RecommendationStatusEnum = enumOf(RECOMMENDATION_STATUSES);
export const RecommendationItemKindEnum = enumOf(RECOMMENDATION_ITEM_KINDS);
registerEnumType(AgencyEnum, { name: 'Agency', description: 'City service responsible for a fix.' });
registerEnumType(RoleEnum, { name: 'Role', description: 'What a caller may do: admin, analyst, working_group, agency (one agency), public.' });
registerEnumType(RecommendationStatusEnum, {
  name: 'RecommendationStatus',
  description: 'PROPOSED -> ACCEPTED -> IN_PROGRESS -> DONE (closed, fixed); REJECTED and CANCELLED end a case without a fix. See `nextStatuses` for the allowed moves.',
});
registerEnumType(RecommendationItemKindEnum, { name: 'RecommendationItemKind', description: 'A lighting outage, a road defect, or an H3 cell lacking youth facilities.' });
