/** The demo city modelled on Almaty: what `hotspots seed` stores. */
export { generateDemoCity } from './generateDemoCity';
export { iterateIncidents, buildIncidentModel } from './incidents';
export type { DemoCity, DemoCityOptions, PlantedHotArea, PlantedEffects } from './types';
export { DEMO_SOURCE, DEFAULT_SEED, DEFAULT_INCIDENT_COUNT, DEFAULT_START, DEFAULT_END, MAX_INCIDENT_COUNT, CITY_BOUNDS } from './config';
export { OSM_ATTRIBUTION, defaultDistrictsPath } from './districts';
