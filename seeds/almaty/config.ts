/**
 * The assumptions of the demo city in one place: populations, shares, profiles and the
 * planted effects. Every number here is a modelling choice for a demonstration, stated in
 * seeds/README.md; none is an official statistic.
 */
import type { IncidentCategory, RoadDefectKind, YouthFacilityKind } from '../../src/domain';

export const DEMO_SOURCE = 'demo';
export const DEFAULT_SEED = 20241101;
export const DEFAULT_INCIDENT_COUNT = 60_000;
export const MAX_INCIDENT_COUNT = 1_000_000;
export const DEFAULT_START = new Date('2024-11-01T00:00:00+05:00');
export const DEFAULT_END = new Date('2026-11-01T00:00:00+05:00');
/** Any generated coordinate lies inside this [minLng, minLat, maxLng, maxLat]. */
export const CITY_BOUNDS: [number, number, number, number] = [76.7, 43.0, 77.25, 43.45];

export const H3_RES = 9;
/** No residents south of this latitude (the mountains); a linear ramp up to POP_FULL_LAT. */
export const POP_MIN_LAT = 43.18;
export const POP_FULL_LAT = 43.21;

export interface DistrictProfile {
  /** residents assigned to the district (roughly the 2025 city figures, rounded) */
  residents: number;
  /** share of 14-24 year olds */
  youthShare: number;
  /** how often street lights fail here relative to the city (older or newer networks) */
  lightingFailure: number;
  /** how often sidewalks or crosswalks are missing relative to the city */
  missingInfrastructure: number;
  /** chance that a planned youth facility actually exists here (1 = as everywhere) */
  youthFacilityCoverage: number;
}

/** Keyed by name_en in the districts file. Total 2,300,000. */
export const DISTRICT_PROFILES: Record<string, DistrictProfile> = {
  Alatau: { residents: 370_000, youthShare: 0.162, lightingFailure: 1.8, missingInfrastructure: 2.6, youthFacilityCoverage: 0.35 },
  Almaly: { residents: 235_000, youthShare: 0.132, lightingFailure: 0.7, missingInfrastructure: 0.5, youthFacilityCoverage: 1 },
  Auezov: { residents: 335_000, youthShare: 0.142, lightingFailure: 1.0, missingInfrastructure: 0.8, youthFacilityCoverage: 1 },
  Bostandyk: { residents: 410_000, youthShare: 0.148, lightingFailure: 0.9, missingInfrastructure: 0.7, youthFacilityCoverage: 1 },
  Zhetysu: { residents: 195_000, youthShare: 0.141, lightingFailure: 1.2, missingInfrastructure: 1.1, youthFacilityCoverage: 0.9 },
  Medeu: { residents: 245_000, youthShare: 0.134, lightingFailure: 0.9, missingInfrastructure: 0.7, youthFacilityCoverage: 1 },
  Nauryzbay: { residents: 215_000, youthShare: 0.152, lightingFailure: 1.6, missingInfrastructure: 2.0, youthFacilityCoverage: 0.6 },
  Turksib: { residents: 295_000, youthShare: 0.145, lightingFailure: 1.4, missingInfrastructure: 1.3, youthFacilityCoverage: 0.75 },
};

/** Modular posts per district: 39 in all, exactly 5 in Alatau (under-served for its size). */
export const MODULAR_POSTS_TOTAL = 39;
export const MODULAR_POSTS_ALATAU = 5;
/** One precinct office per this many residents, at least 3 and at most 10 per district. */
export const RESIDENTS_PER_PRECINCT = 42_000;

export const WALKING_RADIUS_M = { modular_post: 500, precinct_office: 400, police_station: 500 } as const;

/** Zones with few residents whatever the density model says. */
export const LOW_DENSITY_ZONES: { name: string; center: [number, number]; radiusM: number; factor: number }[] = [
  { name: 'Almaty International Airport', center: [77.04, 43.352], radiusM: 1800, factor: 0.03 },
  { name: 'Main Botanical Garden', center: [76.912, 43.222], radiusM: 600, factor: 0.1 },
  { name: 'Central Park', center: [76.967, 43.26], radiusM: 350, factor: 0.15 },
];

export type HotAreaKind = 'market' | 'transit_hub' | 'nightlife' | 'growth_district';
export interface HotAreaSpec {
  name: string;
  kind: HotAreaKind;
  district: string;
  center: [number, number];
  radiusM: number;
  multiplier: number;
}

/**
 * The planted hot areas. Cells whose centre lies within radiusM get their incident intensity
 * multiplied, all categories alike, so the multiplier is the expected ratio of incidents per
 * resident against the same place without it. Residents there are never thinned out as
 * non-residential patches (markets and hubs are where people are).
 */
export const HOT_AREAS: HotAreaSpec[] = [
  { name: 'Zelyony Bazaar market', kind: 'market', district: 'Medeu', center: [76.9535, 43.2628], radiusM: 500, multiplier: 3.0 },
  { name: 'Barakholka market, Rayimbek Avenue', kind: 'market', district: 'Alatau', center: [76.8535, 43.2635], radiusM: 650, multiplier: 2.5 },
  { name: 'Sayakhat bus station transit hub', kind: 'transit_hub', district: 'Zhetysu', center: [76.9445, 43.2765], radiusM: 500, multiplier: 2.5 },
  { name: 'Nightlife streets, central Almaly', kind: 'nightlife', district: 'Almaly', center: [76.9385, 43.2575], radiusM: 500, multiplier: 3.0 },
  { name: 'Fast-grown micro-district, north Alatau', kind: 'growth_district', district: 'Alatau', center: [76.86, 43.3], radiusM: 900, multiplier: 2.0 },
];

/**
 * The fast-grown micro-district: residents weighted up, younger, without youth facilities,
 * and its incident intensity rises over the window as people move in (the district grew by
 * 50,000 residents in two years).
 */
export const GROWTH_AREA = {
  center: [76.86, 43.3] as [number, number],
  /** residents are concentrated within this radius */
  radiusM: 1400,
  densityFactor: 3.0,
  youthShare: 0.18,
  /** intensity factor at the start of the window, rising linearly to 1 at its end */
  startFactor: 0.7,
  grewBy: 50_000,
};

/** Places where planned youth facilities were never built (real gaps, mostly in Alatau). */
export const YOUTH_GAP_ZONES: { name: string; center: [number, number]; radiusM: number }[] = [
  { name: 'Fast-grown micro-district, north Alatau', center: [76.86, 43.3], radiusM: 1700 },
  { name: 'North-west Alatau', center: [76.8, 43.3], radiusM: 1300 },
  { name: 'South Nauryzbay', center: [76.83, 43.2], radiusM: 900 },
];

/** A student campus: more young residents. */
export const CAMPUS = { name: 'Al-Farabi university campus', center: [76.92, 43.225] as [number, number], radiusM: 700, youthShare: 0.26 };

/** Planted effects on incidents, applied as multipliers of the per-resident baseline. */
export const EFFECTS = {
  lighting: {
    radiusM: 150,
    multiplier: 2.5,
    description: 'outdoor incidents within 150 m of a lighting outage, while it is unfixed and dark (sunset to sunrise, suncalc)',
  },
  roadDefect: {
    radiusM: 150,
    multiplier: 2.0,
    kinds: ['missing_sidewalk', 'missing_crosswalk'] as RoadDefectKind[],
    categories: ['road_collision', 'robbery'] as IncidentCategory[],
    description: 'road collisions and robberies within 150 m of an open missing_sidewalk or missing_crosswalk defect',
  },
  youthGap: {
    distanceM: 800,
    multiplier: 1.8,
    categories: ['hooliganism', 'vandalism', 'drunkenness'] as IncidentCategory[],
    description: 'hooliganism, vandalism and drunkenness in cells whose centre is more than 800 m from every youth facility',
  },
  hotAreaExcluded: [] as IncidentCategory[],
};

/** Relative frequency per resident; sums to 1 (before planted effects). */
export const CATEGORY_RATES: Record<IncidentCategory, number> = {
  theft: 0.26,
  fraud: 0.09,
  domestic_conflict: 0.09,
  hooliganism: 0.07,
  drunkenness: 0.07,
  road_collision: 0.07,
  assault: 0.05,
  robbery: 0.04,
  burglary: 0.04,
  vandalism: 0.04,
  vehicle_crime: 0.04,
  public_order: 0.03,
  anti_social_behaviour: 0.03,
  drugs: 0.025,
  sexual_offence: 0.01,
  weapons: 0.008,
  other: 0.037,
};

/** Probability that an incident of the category happened outdoors (null flag for 'other'). */
export const OUTDOOR_PROBABILITY: Record<IncidentCategory, number | null> = {
  theft: 0.65,
  fraud: 0,
  domestic_conflict: 0,
  hooliganism: 0.9,
  drunkenness: 0.85,
  road_collision: 1,
  assault: 0.6,
  robbery: 0.9,
  burglary: 0,
  vandalism: 0.95,
  vehicle_crime: 1,
  public_order: 0.9,
  anti_social_behaviour: 0.85,
  drugs: 0.7,
  sexual_offence: 0.35,
  weapons: 0.6,
  other: null,
};

/** Local hour profiles (Almaty time), relative weights for hours 0..23. */
const GENERAL_HOURS = [1.6, 1.2, 0.9, 0.7, 0.5, 0.5, 0.7, 1.2, 1.8, 2.2, 2.5, 2.7, 2.9, 3.0, 3.0, 3.1, 3.4, 3.9, 4.4, 4.6, 4.3, 3.6, 2.8, 2.1];
const NIGHT_HOURS = [3.0, 2.6, 2.0, 1.5, 1.0, 0.6, 0.5, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, 2.6, 3.2, 3.8, 4.4, 4.8, 4.8, 4.4, 3.8];
const ROAD_HOURS = [0.6, 0.4, 0.3, 0.3, 0.3, 0.6, 1.4, 2.8, 3.4, 2.6, 2.2, 2.2, 2.4, 2.4, 2.5, 2.8, 3.3, 3.8, 3.9, 3.2, 2.4, 1.8, 1.3, 0.9];
const DAY_HOURS = [0.3, 0.2, 0.2, 0.2, 0.2, 0.3, 0.6, 1.2, 2.2, 3.2, 3.6, 3.8, 3.7, 3.6, 3.6, 3.5, 3.3, 3.0, 2.6, 2.1, 1.6, 1.1, 0.7, 0.4];
const HOME_HOURS = [2.2, 1.6, 1.1, 0.8, 0.5, 0.4, 0.6, 1.0, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 2.0, 2.4, 3.0, 3.7, 4.4, 4.7, 4.5, 3.8, 3.0];

export const HOUR_PROFILES: Record<IncidentCategory, number[]> = {
  theft: GENERAL_HOURS,
  fraud: DAY_HOURS,
  domestic_conflict: HOME_HOURS,
  hooliganism: NIGHT_HOURS,
  drunkenness: NIGHT_HOURS,
  road_collision: ROAD_HOURS,
  assault: NIGHT_HOURS,
  robbery: NIGHT_HOURS,
  burglary: DAY_HOURS,
  vandalism: NIGHT_HOURS,
  vehicle_crime: GENERAL_HOURS,
  public_order: NIGHT_HOURS,
  anti_social_behaviour: NIGHT_HOURS,
  drugs: NIGHT_HOURS,
  sexual_offence: NIGHT_HOURS,
  weapons: NIGHT_HOURS,
  other: GENERAL_HOURS,
};

/** Day-of-week weights, Sunday first (Date.getUTCDay of the local date). */
export const WEEKDAY_WEIGHTS = [1.05, 0.93, 0.93, 0.95, 0.97, 1.1, 1.15];
/** Seasonal amplitude: intensity 1 + A cos(2 pi (dayOfYear - 200) / 365.25), peak mid-July. */
export const SEASONAL_AMPLITUDE = 0.12;

/** Report channels; near a modular post more reports come from walk-ins. */
export const SOURCE_WEIGHTS = {
  default: { call_112: 0.58, patrol: 0.17, social_media: 0.1, website: 0.09, post_visit: 0.06 },
  nearPost: { call_112: 0.48, patrol: 0.15, social_media: 0.09, website: 0.08, post_visit: 0.2 },
  fraud: { call_112: 0.45, website: 0.3, social_media: 0.15, post_visit: 0.05, patrol: 0.05 },
} as const;
/** A cell counts as near a modular post within this distance of its centre. */
export const NEAR_POST_M = 500;

export const LIGHTING_OUTAGE_COUNT = 1_100;
export const ROAD_DEFECT_COUNT = 1_400;
export const YOUTH_FACILITY_TARGET = 420;

export const ROAD_DEFECT_SHARES: Record<RoadDefectKind, number> = {
  pothole: 0.34,
  broken_surface: 0.18,
  missing_sidewalk: 0.16,
  missing_crosswalk: 0.11,
  broken_crosswalk: 0.08,
  missing_sign: 0.09,
  other: 0.04,
};

/** Median days until fixed, share never fixed within the data, and whether it is a segment. */
export const ROAD_DEFECT_LIFETIMES: Record<RoadDefectKind, { medianDays: number; neverFixed: number; segment: boolean }> = {
  pothole: { medianDays: 21, neverFixed: 0.03, segment: false },
  broken_surface: { medianDays: 60, neverFixed: 0.08, segment: true },
  missing_sidewalk: { medianDays: 320, neverFixed: 0.35, segment: true },
  missing_crosswalk: { medianDays: 150, neverFixed: 0.25, segment: false },
  broken_crosswalk: { medianDays: 40, neverFixed: 0.05, segment: false },
  missing_sign: { medianDays: 25, neverFixed: 0.04, segment: false },
  other: { medianDays: 30, neverFixed: 0.05, segment: false },
};

export const YOUTH_FACILITY_SHARES: Record<YouthFacilityKind, number> = {
  playground: 0.3,
  sports_ground: 0.25,
  football_field: 0.18,
  gym: 0.12,
  youth_club: 0.1,
  other: 0.05,
};

export const YOUTH_FACILITY_LABELS: Record<YouthFacilityKind, string> = {
  playground: 'Playground',
  sports_ground: 'Sports ground',
  football_field: 'Football field',
  gym: 'Gym',
  youth_club: 'Youth club',
  other: 'Youth centre',
};

/**
 * Street names used as labels for outages and defects. Real Almaty streets, but the label is
 * not matched to the geometry: it is demo data.
 */
export const STREET_NAMES = [
  'Abay Avenue',
  'Al-Farabi Avenue',
  'Rayimbek Avenue',
  'Tole Bi Street',
  'Dostyk Avenue',
  'Nazarbayev Avenue',
  'Seifullin Avenue',
  'Suyunbay Avenue',
  'Momyshuly Street',
  'Sain Street',
  'Zhandosov Street',
  'Timiryazev Street',
  'Satpayev Street',
  'Abylai Khan Avenue',
  'Zhibek Zholy Avenue',
  'Gogol Street',
  'Kabanbay Batyr Street',
  'Bogenbay Batyr Street',
  'Nauryzbay Batyr Street',
  'Zheltoksan Street',
  'Baitursynov Street',
  'Auezov Street',
  'Rozybakiev Street',
  'Utepov Street',
  'Tolebayev Street',
  'Makatayev Street',
  'Zhansugurov Street',
  'Bekmakhanov Street',
  'Kuldzhinsky Tract',
  'Ryskulov Avenue',
  'Yassaui Street',
  'Shalyapin Street',
  'Navoi Street',
  'Kazybek Bi Street',
  'Pushkin Street',
  'Zhumaliev Street',
  'Turgut Ozal Street',
  'Utegen Batyr Street',
  'Toraigyrov Street',
];
