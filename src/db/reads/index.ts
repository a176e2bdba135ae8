/**
 * Read queries for every layer: area and time filters, cursor pagination by id, GeoJSON out.
 * Geometries from users arrive here already validated and are bound as parameters, never
 * spliced into SQL. One file per layer or concept; this index is what the rest of the code imports.
 */
export { areaCondition, areaExists } from './listing';
export type { AreaSpec, TimeWindow, PageRequest, PageResult, Listing } from './listing';
export { listIncidents } from './incidents';
export type { IncidentRow, IncidentQuery, PointReader } from './incidents';
export { listLightingOutages, listRoadDefects } from './fixables';
export type { LightingOutageRow, RoadDefectRow, FixableQuery } from './fixables';
export { listYouthFacilities, listPosts, listPopulation, listAreas } from './places';
export type { YouthFacilityRow, PostRow, PopulationRow, AreaRow } from './places';
export { riskFeaturePresentCondition, listRiskFeatures, riskFeatureLayers } from './riskFeatures';
export type { RiskFeatureRow, RiskFeatureQuery, RiskFeatureLayerRow } from './riskFeatures';
export { areasByIds, postsByIds, areaIdsOf, nearestPostsOfIncidents } from './lookups';
