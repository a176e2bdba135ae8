/**
 * The vocabulary of the product: layers, categories and kinds, and the shape of one record of
 * each layer as it enters the system (after parsing, before storage). Shared by imports,
 * GraphQL mutations, the demo generator and the database layer, so that one list decides
 * what a valid category or kind is.
 */

export const INCIDENT_CATEGORIES = [
  'domestic_conflict',
  'sexual_offence',
  'drunkenness',
  'hooliganism',
  'theft',
  'burglary',
  'robbery',
  'assault',
  'road_collision',
  'vandalism',
  'drugs',
  'weapons',
  'fraud',
  'anti_social_behaviour',
  'public_order',
  'vehicle_crime',
  'other',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/** Where an incident report came from. Free text is allowed; these are the usual channels. */
export const INCIDENT_SOURCES = ['call_112', 'website', 'social_media', 'post_visit', 'patrol', 'police_uk'] as const;

export const ROAD_DEFECT_KINDS = ['pothole', 'broken_surface', 'missing_sidewalk', 'missing_crosswalk', 'broken_crosswalk', 'missing_sign', 'other'] as const;
export type RoadDefectKind = (typeof ROAD_DEFECT_KINDS)[number];

export const YOUTH_FACILITY_KINDS = ['football_field', 'sports_ground', 'youth_club', 'playground', 'gym', 'other'] as const;
export type YouthFacilityKind = (typeof YOUTH_FACILITY_KINDS)[number];

export const POST_KINDS = ['modular_post', 'precinct_office', 'police_station'] as const;
export type PostKind = (typeof POST_KINDS)[number];

export const AREA_KINDS = ['district', 'precinct'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

/**
 * Who a request acts as. Ordered from most to least trusted; unauthenticated requests are
 * `public`. `agency` users belong to one responsible agency and see only its cases and fixes.
 */
export const ROLES = ['admin', 'analyst', 'working_group', 'agency', 'public'] as const;
export type Role = (typeof ROLES)[number];

/** City services that fix what the working group recommends. */
export const AGENCIES = ['lighting', 'roads', 'sport_youth', 'police', 'mobility', 'health'] as const;
export type Agency = (typeof AGENCIES)[number];

/** The caller of one request, as authentication established it. */
export interface RequestUser {
  /** Token subject or API key name; `anonymous` for public requests. */
  id: string;
  role: Role;
  /** Set for `agency` users: the only agency whose cases and fixes they see. */
  agency: Agency | null;
}

export const ANONYMOUS_USER: RequestUser = { id: 'anonymous', role: 'public', agency: null };

export const LAYERS = ['incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'population', 'posts', 'areas', 'streets', 'risk_features'] as const;
export type Layer = (typeof LAYERS)[number];

/** Default walking radius of a post, metres (the service model's 300-500 m promise). */
export const DEFAULT_WALKING_RADIUS_M = 500;

/** GeoJSON geometry as stored and returned; coordinates are [lng, lat] (RFC 7946). */
export type Position = [number, number];
export interface PointGeometry {
  type: 'Point';
  coordinates: Position;
}
export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}
export interface MultiLineStringGeometry {
  type: 'MultiLineString';
  coordinates: Position[][];
}
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type Geometry = PointGeometry | LineStringGeometry | MultiLineStringGeometry | PolygonGeometry | MultiPolygonGeometry;

interface SourcedRecord {
  source: string;
  externalId: string;
}

export interface IncidentRecord extends SourcedRecord {
  occurredAt: Date;
  category: IncidentCategory;
  /** null when the report does not say */
  outdoor: boolean | null;
  geometry: PointGeometry;
  description: string | null;
  /** how precise occurredAt is; omitted means 'exact' */
  timePrecision?: TimePrecision;
}

export const TIME_PRECISIONS = ['exact', 'day', 'month'] as const;
export type TimePrecision = (typeof TIME_PRECISIONS)[number];

export interface LightingOutageRecord extends SourcedRecord {
  reportedAt: Date;
  /** null while the street is still dark */
  fixedAt: Date | null;
  geometry: PointGeometry | LineStringGeometry | MultiLineStringGeometry;
  street: string | null;
}

export interface RoadDefectRecord extends SourcedRecord {
  kind: RoadDefectKind;
  reportedAt: Date;
  fixedAt: Date | null;
  geometry: PointGeometry | LineStringGeometry | MultiLineStringGeometry;
  street: string | null;
}

export interface YouthFacilityRecord extends SourcedRecord {
  kind: YouthFacilityKind;
  name: string | null;
  openedAt: Date | null;
  geometry: PointGeometry | PolygonGeometry | MultiPolygonGeometry;
}

export interface PopulationRecord extends SourcedRecord {
  /** H3 cell as the h3-js hex string */
  h3: string;
  residents: number;
  /** young people aged 14-24 */
  youngResidents: number;
}

export interface PostRecord extends SourcedRecord {
  kind: PostKind;
  name: string | null;
  walkingRadiusM: number;
  geometry: PointGeometry;
  openedAt: Date | null;
}

export interface AreaRecord extends SourcedRecord {
  kind: AreaKind;
  name: string;
  nameRu: string | null;
  nameKk: string | null;
  /** external id of the district a precinct lies in */
  parentExternalId: string | null;
  geometry: PolygonGeometry | MultiPolygonGeometry;
  attribution: string | null;
}

/** A street line people may walk along; the routable graph is built from these after an import. */
export interface StreetRecord extends SourcedRecord {
  name: string | null;
  /** OpenStreetMap highway=* class (residential, footway, ...) when known */
  highway: string | null;
  /** false for lines that must not be routed over (motorways, closed construction) */
  walkable: boolean;
  geometry: LineStringGeometry;
}

/**
 * A feature of a factor layer the user imported for the risk models (bars, bus stops, abandoned
 * buildings, ...): present from openedAt (or always) until closedAt (or still).
 */
export interface RiskFeatureRecord extends SourcedRecord {
  /** the factor's name: a slug of lower-case letters, digits and underscores, starting with a letter */
  factor: string;
  /** the factor's name in words, for answers */
  label: string | null;
  openedAt: Date | null;
  closedAt: Date | null;
  geometry: Geometry;
}

/** Names of imported factors: what the table's check constraint accepts. */
export const RISK_FEATURE_FACTOR_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

export interface LayerRecordMap {
  incidents: IncidentRecord;
  lighting_outages: LightingOutageRecord;
  road_defects: RoadDefectRecord;
  youth_facilities: YouthFacilityRecord;
  population: PopulationRecord;
  posts: PostRecord;
  areas: AreaRecord;
  streets: StreetRecord;
  risk_features: RiskFeatureRecord;
}

/** Bounding box [minLng, minLat, maxLng, maxLat]. */
export type BBox = [number, number, number, number];

/**
 * Status of a working-group recommendation. `done` is the closed, fixed state; `rejected` and
 * `cancelled` end a case without a fix.
 */
export const RECOMMENDATION_STATUSES = ['proposed', 'accepted', 'in_progress', 'done', 'rejected', 'cancelled'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

/** Statuses in which a recommendation still waits for its fix. */
export const OPEN_RECOMMENDATION_STATUSES: readonly RecommendationStatus[] = ['proposed', 'accepted', 'in_progress'];

/** The workflow: which statuses may follow each status. Terminal statuses have none. */
export const NEXT_RECOMMENDATION_STATUSES: Record<RecommendationStatus, readonly RecommendationStatus[]> = {
  proposed: ['accepted', 'rejected', 'cancelled'],
  accepted: ['in_progress', 'done', 'cancelled'],
  in_progress: ['done', 'accepted', 'cancelled'],
  done: [],
  rejected: [],
  cancelled: [],
};

/**
 * What a recommendation is about: a stored outage or defect, an H3 cell lacking youth facilities,
 * a feature of an imported factor layer, the hot cells of a forecast, or a near-repeat area.
 */
export const RECOMMENDATION_ITEM_KINDS = ['lighting_outage', 'road_defect', 'youth_gap_cell', 'risk_feature', 'forecast_cell', 'near_repeat_area'] as const;
export type RecommendationItemKind = (typeof RECOMMENDATION_ITEM_KINDS)[number];

/** What a forecast or near-repeat item keeps of its analysis. */
export interface AnalysisItemDetail {
  resolution: number;
  /** the area as asked, in words */
  area: string;
  /** forecast: expected count per attached cell; near repeat: incidents whose risk reaches it, and when the risk ends (ISO) */
  values: number[];
  until?: string[];
  /** words: the period, the share, the release lattice, the bands */
  note: string;
}

/** A forecast or near-repeat item as attached: the cells (hex), the method, the window and what the analysis said. */
export interface AnalysisSnapshot {
  cells: string[];
  method: string;
  windowFrom: Date;
  windowTo: Date;
  detail: AnalysisItemDetail;
}
