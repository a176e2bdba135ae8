import type { AreaRecord, IncidentCategory, IncidentRecord, LightingOutageRecord, PopulationRecord, PostRecord, RoadDefectKind, RoadDefectRecord, StreetRecord, YouthFacilityRecord } from '../../src/domain';

export interface DemoCityOptions {
  /** PRNG seed; same seed, same city (default 20241101) */
  seed?: number;
  /** incidents to generate (default 60,000, at most 1,000,000) */
  incidentCount?: number;
  /** start of the incident window (default 2024-11-01 00:00 Almaty time) */
  start?: Date;
  /** end of the incident window, exclusive (default 2026-11-01 00:00 Almaty time) */
  end?: Date;
  /** the districts GeoJSON (default seeds/almaty-districts.geojson) */
  districtsPath?: string;
}

export interface PlantedHotArea {
  name: string;
  /** [lng, lat] */
  center: [number, number];
  radiusM: number;
  multiplier: number;
  /** market, transit_hub, nightlife or growth_district */
  kind: string;
  /** name_en of the district the centre lies in */
  district: string;
}

export interface PlantedEffects {
  /** ×multiplier for outdoor incidents within radiusM of a lighting outage while unfixed and dark */
  lighting: { radiusM: number; multiplier: number; description: string };
  /** ×multiplier for the categories within radiusM of an open defect of the kinds */
  roadDefect: { radiusM: number; multiplier: number; kinds: RoadDefectKind[]; categories: IncidentCategory[]; description: string };
  /** ×multiplier for the categories in cells whose centre is farther than distanceM from every facility */
  youthGap: { distanceM: number; multiplier: number; categories: IncidentCategory[]; description: string };
  /** categories the hot-area multipliers do not apply to */
  hotAreaExcluded: IncidentCategory[];
  /** the fast-grown micro-district: intensity rises linearly from startFactor to 1 over the window */
  growth: { center: [number, number]; radiusM: number; startFactor: number; grewBy: number };
}

export interface DemoCity {
  areas: AreaRecord[];
  posts: PostRecord[];
  population: PopulationRecord[];
  incidents: IncidentRecord[];
  lightingOutages: LightingOutageRecord[];
  roadDefects: RoadDefectRecord[];
  youthFacilities: YouthFacilityRecord[];
  /** the walking network: a street grid over Alatau with missing links (see streets.ts) */
  streets: StreetRecord[];
  planted: {
    description: string;
    hotAreas: PlantedHotArea[];
    effects: PlantedEffects;
    /** zones where planned youth facilities were never built */
    youthGapZones: { name: string; center: [number, number]; radiusM: number }[];
    /** H3 cells (resolution 9) counted as youth-facility gaps by the generator */
    youthGapCells: string[];
  };
  meta: {
    seed: number;
    start: Date;
    end: Date;
    incidentCount: number;
    h3Resolution: number;
    /** ODbL attribution of the district boundaries */
    attribution: string;
  };
}
