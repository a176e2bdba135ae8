/**
 * The vector tile layers: a registry one can add to. Cell layers (hexagons, hotspots, clusters)
 * compute their cells with the very functions the GraphQL queries call, with the request's own
 * context (user and role), so the same parameters, roles and privacy rules apply by
 * construction; PostGIS then clips and encodes them. Layers of stored features read the same
 * filtered queries as the GraphQL lists. Incident points are never a tile layer.
 */
import { computeClusters } from '../analysis/clusters';
import { computeDensitySurface } from '../analysis/densitySurface';
import { computeForecastHotspots } from '../analysis/forecast';
import { computeHexagons } from '../analysis/hexagons';
import { computeNearRepeat } from '../analysis/nearRepeat';
import { computeHotspots } from '../analysis/hotspots';
import {
  areasLayerTile,
  cellLayerTile,
  lightingOutagesLayerTile,
  postReachLayerTile,
  postsLayerTile,
  riskFeaturesLayerTile,
  streetsLayerTile,
  roadDefectsLayerTile,
  TileAddress,
  TileCell,
  tileProperties,
  youthFacilitiesLayerTile,
} from '../analysis/tiles';
import type { RequestContext } from '../context';
import type { Role } from '../domain';
import { AREA_KINDS, INCIDENT_CATEGORIES, POST_KINDS, ROAD_DEFECT_KINDS, YOUTH_FACILITY_KINDS } from '../domain';
import { WeightsEnum } from '../schema/analysis';
import { DensityKernelEnum } from '../schema/densitySurface';
import { ForecastMethodEnum, ForecastPeriodEnum } from '../schema/forecast';
import { FixStatusEnum } from '../schema/enums';
import type { LightingOutageFilter } from '../schema/inputs';
import { areaParam, canonicalParams, dateParam, enumListParam, enumParam, intParam, listParam, QueryParams, windowParam } from './params';

export interface TileLayer {
  name: string;
  /** The GraphQL query the layer mirrors: its parameters, and its @Authorized roles apply to the tiles too. */
  query: string;
  description: string;
  /** MVT geometry type of the features (TileJSON and QGIS show it). */
  geometryType: 'Polygon' | 'Point' | 'LineString' | 'Point, LineString' | 'Point, Polygon' | 'Point, LineString, Polygon';
  /** Feature property -> what it means (TileJSON vector_layers fields). */
  fields: Record<string, string>;
  /** Query-string parameters the layer understands, each mirroring a GraphQL argument. */
  parameters: Record<string, string>;
  minzoom: number;
  maxzoom: number;
  /** Roles that may fetch the layer, on top of the query's own @Authorized roles; null: no further rule. */
  roles: readonly Role[] | null;
  render: (ctx: RequestContext, tile: TileAddress, params: QueryParams) => Promise<Buffer>;
}

const AREA_PARAMETERS = {
  bbox: 'Study area as minLng,minLat,maxLng,maxLat (default: the city bounds).',
  districtId: 'Study area: a district id (see the areas query).',
  precinctId: 'Study area: a precinct id.',
  polygon: 'Study area: a GeoJSON Polygon or MultiPolygon, URL-encoded.',
  resolution: 'H3 resolution, 7 to 11 (default 9).',
  from: 'Window start, ISO 8601, inclusive.',
  to: 'Window end, ISO 8601, exclusive.',
  categories: 'Incident categories counted, comma-separated (e.g. THEFT,ROBBERY); all when left out.',
};
const STATISTIC_PARAMETERS = { ...AREA_PARAMETERS, k: 'Neighbourhood grid-disk radius, 1 to 5 (default 1).', weights: 'BINARY, GAUSSIAN or BISQUARE (default BINARY).' };
const FEATURE_AREA = {
  bbox: 'Only features in this box (minLng,minLat,maxLng,maxLat).',
  districtId: 'Only features in this district.',
  precinctId: 'Only features in this precinct.',
  polygon: 'Only features in this GeoJSON Polygon or MultiPolygon, URL-encoded.',
};
const FIXABLE_PARAMETERS = { ...FEATURE_AREA, from: 'Open at some moment after this date-time.', to: 'Reported before this date-time.', status: 'OPEN or FIXED.' };

interface CellArgsOfTile {
  area: NonNullable<ReturnType<typeof areaParam>>;
  resolution: number;
  window?: ReturnType<typeof windowParam>;
  categories?: string[];
}

function studyAreaArgs(ctx: RequestContext, params: QueryParams): CellArgsOfTile {
  const bbox: number[] = [...ctx.config.cityBounds];
  return {
    area: areaParam(params) ?? { bbox },
    resolution: intParam(params, 'resolution', 9),
    window: windowParam(params),
    categories: enumListParam(params, 'categories', INCIDENT_CATEGORIES),
  };
}

function statisticArgs(ctx: RequestContext, params: QueryParams) {
  return {
    ...studyAreaArgs(ctx, params),
    k: intParam(params, 'k', 1),
    weights: enumParam(params, 'weights', Object.values(WeightsEnum)) ?? 'binary',
    permutations: 0,
  };
}

/** One tile of a cell layer: the cells are computed once per parameters, user and data version (src/analysis/tiles.ts). */
function cellTile(ctx: RequestContext, layer: string, tile: TileAddress, params: QueryParams, compute: () => Promise<TileCell[]>): Promise<Buffer> {
  return cellLayerTile(ctx, layer, tile, canonicalParams(params), compute);
}

/** The filter of outages and defects: open at some moment of the window, by status. */
function fixableFilter(params: QueryParams): LightingOutageFilter {
  return { area: areaParam(params), window: windowParam(params), status: enumParam(params, 'status', Object.values(FixStatusEnum)) };
}

export const TILE_LAYERS: TileLayer[] = [
  {
    name: 'hotspots',
    query: 'hotspots',
    description: 'Getis-Ord Gi* hot and cold spots of incident counts per H3 cell (as the hotspots query).',
    geometryType: 'Polygon',
    fields: {
      h3: 'H3 cell (hex).',
      count: 'Incidents in the cell and window.',
      z: 'Gi* z-score (absent where undefined).',
      p: 'Two-sided p from the normal distribution.',
      pFdr: 'Benjamini-Hochberg adjusted p.',
      bin: '-3..3: sign of z times the confidence reached (3: 99 %, 2: 95 %, 1: 90 %).',
      binFdr: 'As bin, with False Discovery Rate correction (Esri).',
    },
    parameters: STATISTIC_PARAMETERS,
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) =>
      cellTile(ctx, 'hotspots', tile, params, async () => {
        const answer = await computeHotspots(ctx, statisticArgs(ctx, params));
        return answer.cells.map((c) => ({ h3: c.h3, properties: tileProperties({ h3: c.h3, count: c.count, z: c.z, p: c.p, pFdr: c.pFdr, bin: c.bin, binFdr: c.binFdr }) }));
      }),
  },
  {
    name: 'clusters',
    query: 'clusters',
    description: "Local Moran's I clusters (HH, LL) and outliers (HL, LH) of incident counts per H3 cell (as the clusters query).",
    geometryType: 'Polygon',
    fields: {
      h3: 'H3 cell (hex).',
      count: 'Incidents in the cell and window.',
      i: 'Local Moran I_i.',
      z: 'z of I_i under randomisation.',
      p: 'Two-sided p.',
      pFdr: 'Benjamini-Hochberg adjusted p.',
      quadrant: 'HH, LL, HL or LH.',
      cluster: 'The quadrant when significant at 0.05, otherwise NS.',
      clusterFdr: 'The quadrant when the FDR-adjusted p is below 0.05, otherwise NS.',
    },
    parameters: STATISTIC_PARAMETERS,
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) =>
      cellTile(ctx, 'clusters', tile, params, async () => {
        const answer = await computeClusters(ctx, statisticArgs(ctx, params));
        return answer.cells.map((c) => ({
          h3: c.h3,
          properties: tileProperties({ h3: c.h3, count: c.count, i: c.i, z: c.z, p: c.p, pFdr: c.pFdr, quadrant: c.quadrant, cluster: c.cluster, clusterFdr: c.clusterFdr }),
        }));
      }),
  },
  {
    name: 'hexagons',
    query: 'hexagons',
    description: 'Every H3 cell of the study area with incidents, outage-nights, open road defects, population, youth facility distance and post reach (as the hexagons query).',
    geometryType: 'Polygon',
    fields: {
      h3: 'H3 cell (hex).',
      incidents: 'Incidents in the cell and window.',
      dayIncidents: 'Incidents between sunrise and sunset.',
      nightIncidents: 'Incidents between sunset and sunrise.',
      unknownTimeIncidents: 'Incidents whose time is not exact.',
      outageNights: 'Outage-nights of street lighting in the window.',
      openRoadDefects: 'Road defects open at the window end.',
      residents: 'Residents.',
      youngResidents: 'Residents aged 14-24.',
      nearestYouthFacilityM: 'Estimated walking distance to the nearest youth facility, metres (straight line times the detour factor).',
      withinPostReach: 'Whether the cell centre lies within walking reach of a post.',
    },
    parameters: AREA_PARAMETERS,
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) =>
      cellTile(ctx, 'hexagons', tile, params, async () => {
        const answer = await computeHexagons(ctx, studyAreaArgs(ctx, params));
        return answer.cells.map((c) => ({
          h3: c.h3,
          properties: tileProperties({
            h3: c.h3,
            incidents: c.incidents,
            dayIncidents: c.dayIncidents,
            nightIncidents: c.nightIncidents,
            unknownTimeIncidents: c.unknownTimeIncidents,
            outageNights: c.outageNights,
            openRoadDefects: c.openRoadDefects,
            residents: c.residents,
            youngResidents: c.youngResidents,
            nearestYouthFacilityM: c.nearestYouthFacilityM,
            withinPostReach: c.withinPostReach,
          }),
        }));
      }),
  },
  {
    name: 'density',
    query: 'densitySurface',
    description: 'Kernel density of incidents at each H3 cell centre (as the densitySurface query; its contours are in the GraphQL answer and the GeoJSON export).',
    geometryType: 'Polygon',
    fields: { h3: 'H3 cell (hex).', perKm2: 'Incidents per km² (kernel density).', per1000Residents: 'Incidents per 1,000 residents (ratio of kernel surfaces; absent where few residents).' },
    parameters: { ...AREA_PARAMETERS, kernel: 'QUARTIC (default) or GAUSSIAN.', bandwidthMeters: "Bandwidth in metres, 50 to 5000 (default: Silverman's rule)." },
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) =>
      cellTile(ctx, 'density', tile, params, async () => {
        const bandwidth = params.bandwidthMeters === undefined ? undefined : Number(params.bandwidthMeters);
        const answer = await computeDensitySurface(ctx, { ...studyAreaArgs(ctx, params), kernel: enumParam(params, 'kernel', Object.values(DensityKernelEnum)) ?? 'quartic', bandwidthMeters: bandwidth });
        return answer.cells.map((c) => ({ h3: c.h3, properties: tileProperties({ h3: c.h3, perKm2: c.perKm2, per1000Residents: c.per1000Residents }) }));
      }),
  },
  {
    name: 'near_repeat',
    query: 'nearRepeat',
    description: 'Cells now under elevated near-repeat risk: within the radius of the significant Knox bands of an incident of the last days (as the nearRepeat query; analysts).',
    geometryType: 'Polygon',
    fields: { h3: 'H3 cell (hex).', sources: 'Recent incidents whose risk area covers the cell centre.', until: 'End of the latest risk window, ISO 8601.' },
    parameters: {
      ...AREA_PARAMETERS,
      distanceBandMeters: 'Distance band, metres (default 100).',
      distanceBands: 'Distance bands (default 4).',
      timeBandDays: 'Time band, days (default 7).',
      timeBands: 'Time bands (default 4).',
      permutations: 'Permutations, 99 to 9999 (default 999).',
    },
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) =>
      cellTile(ctx, 'near_repeat', tile, params, async () => {
        const { categories, ...area } = studyAreaArgs(ctx, params);
        const answer = await computeNearRepeat(ctx, {
          ...area,
          categories,
          distanceBandMeters: intParam(params, 'distanceBandMeters', 100),
          distanceBands: intParam(params, 'distanceBands', 4),
          timeBandDays: intParam(params, 'timeBandDays', 7),
          timeBands: intParam(params, 'timeBands', 4),
          sameLocationMeters: 0,
          permutations: intParam(params, 'permutations', 999),
          alpha: 0.05,
          significance: 'fdr',
        });
        return answer.cells.map((c) => ({ h3: c.h3, properties: tileProperties({ h3: c.h3, sources: c.sources, until: c.until.toISOString() }) }));
      }),
  },
  {
    name: 'forecast',
    query: 'forecastHotspots',
    description: 'Hotspot forecast for the next period: expected incidents, rank and the hot cells of each H3 cell (as the forecastHotspots query).',
    geometryType: 'Polygon',
    fields: { h3: 'H3 cell (hex).', expected: 'Expected incidents in the forecast period.', rank: 'Rank (1 highest).', hot: 'Among the top areaShare of the area.' },
    parameters: {
      ...AREA_PARAMETERS,
      period: 'DAY, WEEK (default) or MONTH (below analyst MONTH, the default there).',
      method: 'LAST_PERIOD, LONG_TERM_AVERAGE, RECENT_KDE, SELF_EXCITING (default) or NEGATIVE_BINOMIAL.',
      historyPeriods: 'Periods of history.',
      areaShare: '0.01, 0.02 (default) or 0.05.',
    },
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) =>
      cellTile(ctx, 'forecast', tile, params, async () => {
        const { area, resolution, categories } = studyAreaArgs(ctx, params);
        const answer = await computeForecastHotspots(ctx, {
          area,
          resolution,
          categories,
          period: enumParam(params, 'period', Object.values(ForecastPeriodEnum)),
          method:
            ForecastMethodEnum[
              (
                enumParam(
                  params,
                  'method',
                  Object.keys(ForecastMethodEnum).map((k) => k.toLowerCase()),
                ) ?? 'self_exciting'
              ).toUpperCase() as keyof typeof ForecastMethodEnum
            ],
          historyPeriods: params.historyPeriods === undefined ? undefined : intParam(params, 'historyPeriods', 0),
          areaShare: params.areaShare === undefined ? 0.02 : Number(params.areaShare),
        });
        return answer.cells.map((c) => ({ h3: c.h3, properties: tileProperties({ h3: c.h3, expected: c.expected, rank: c.rank, hot: c.hot }) }));
      }),
  },
  {
    name: 'posts',
    query: 'posts',
    description: 'Police posts: modular posts, precinct offices and police stations (as the posts query).',
    geometryType: 'Point',
    fields: {
      id: 'Post id (the post query).',
      kind: 'MODULAR_POST, PRECINCT_OFFICE or POLICE_STATION.',
      name: 'Name.',
      walkingRadiusM: 'Walking radius promised around the post, metres.',
      openedAt: 'Opening date-time, ISO 8601.',
    },
    parameters: { ...FEATURE_AREA, kinds: 'Post kinds, comma-separated (e.g. MODULAR_POST).' },
    minzoom: 0,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) => postsLayerTile(ctx, tile, { area: areaParam(params), kinds: enumListParam(params, 'kinds', POST_KINDS) }),
  },
  {
    name: 'post_reach',
    query: 'posts',
    description: "Walking reach of each post: here a straight-line circle of radius walkingRadiusM / detour factor (method 'straightLine'), until street-network reach is loaded.",
    geometryType: 'Polygon',
    fields: {
      postId: 'Post id.',
      kind: 'Post kind.',
      name: 'Post name.',
      walkingRadiusM: 'Walking radius, metres.',
      method: 'How the reach was made: straightLine (circle of walkingRadiusM / detourFactor).',
      detourFactor: 'Pedestrian detour factor used for the straight-line reach.',
      effectiveRadiusM: 'Radius of the circle, metres.',
    },
    parameters: { ...FEATURE_AREA, kinds: 'Post kinds, comma-separated.' },
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    // straight-line circles; network service areas are in the postReach query (one polygon per post, computed on demand)
    render: (ctx, tile, params) => postReachLayerTile(ctx, tile, { area: areaParam(params), kinds: enumListParam(params, 'kinds', POST_KINDS) }),
  },
  {
    name: 'lighting_outages',
    query: 'lightingOutages',
    description: 'Street-lighting outages, points and street segments (as the lightingOutages query).',
    geometryType: 'Point, LineString',
    fields: { id: 'Outage id.', status: 'OPEN or FIXED.', street: 'Street.', reportedAt: 'Reported, ISO 8601.', fixedAt: 'Fixed, ISO 8601 (absent while dark).' },
    parameters: FIXABLE_PARAMETERS,
    minzoom: 10,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) => lightingOutagesLayerTile(ctx, tile, fixableFilter(params)),
  },
  {
    name: 'road_defects',
    query: 'roadDefects',
    description: 'Road defects: potholes, broken surfaces, missing sidewalks and crosswalks (as the roadDefects query).',
    geometryType: 'Point, LineString',
    fields: { id: 'Defect id.', kind: 'Defect kind.', status: 'OPEN or FIXED.', street: 'Street.', reportedAt: 'Reported, ISO 8601.', fixedAt: 'Fixed, ISO 8601 (absent while open).' },
    parameters: { ...FIXABLE_PARAMETERS, kinds: 'Defect kinds, comma-separated (e.g. POTHOLE).' },
    minzoom: 10,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) => roadDefectsLayerTile(ctx, tile, { ...fixableFilter(params), kinds: enumListParam(params, 'kinds', ROAD_DEFECT_KINDS) }),
  },
  {
    name: 'youth_facilities',
    query: 'youthFacilities',
    description: 'Youth and sports facilities, points and grounds (as the youthFacilities query).',
    geometryType: 'Point, Polygon',
    fields: { id: 'Facility id.', kind: 'Facility kind.', name: 'Name.', openedAt: 'Opened, ISO 8601.' },
    parameters: { ...FEATURE_AREA, kinds: 'Facility kinds, comma-separated (e.g. FOOTBALL_FIELD).' },
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) => youthFacilitiesLayerTile(ctx, tile, { area: areaParam(params), kinds: enumListParam(params, 'kinds', YOUTH_FACILITY_KINDS) }),
  },
  {
    name: 'risk_features',
    query: 'riskFeatures',
    description: 'Features of the imported factor layers for the risk models (as the riskFeatures query): points, lines and polygons.',
    geometryType: 'Point, LineString, Polygon',
    fields: {
      id: 'Feature id.',
      factor: 'Factor name (imported:<factor> in riskFactors).',
      label: 'The factor in words.',
      openedAt: 'Present from, ISO 8601 (absent: always).',
      closedAt: 'Present until, ISO 8601 (absent: still).',
    },
    parameters: { ...FEATURE_AREA, factors: 'Factor names, comma-separated (e.g. bars,bus_stop); all when left out.', presentAt: 'Only features present at this ISO 8601 instant.' },
    minzoom: 8,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) => riskFeaturesLayerTile(ctx, tile, { presentAt: dateParam(params, 'presentAt'), area: areaParam(params), factors: listParam(params, 'factors') }),
  },
  {
    name: 'areas',
    query: 'areas',
    description: 'District and precinct boundaries (as the areas query); with the hexagons, they are the base map.',
    geometryType: 'Polygon',
    fields: { id: 'Area id (districtId / precinctId of other queries).', kind: 'DISTRICT or PRECINCT.', name: 'Name.', nameRu: 'Name in Russian.', nameKk: 'Name in Kazakh.', parentId: 'District of a precinct.' },
    parameters: { kind: 'DISTRICT or PRECINCT.', parentId: 'Precincts of this district.' },
    minzoom: 0,
    maxzoom: 15,
    roles: null,
    render: (ctx, tile, params) => areasLayerTile(ctx, tile, { kind: enumParam(params, 'kind', AREA_KINDS), parentId: params.parentId }),
  },
  {
    name: 'streets',
    // streets are infrastructure like the areas: whoever may read areas (everyone) may read them
    query: 'areas',
    description: 'Streets of the streets layer (the demo grid, or an imported OpenStreetMap extract): the offline base map of the map page.',
    geometryType: 'LineString',
    fields: { id: 'Street id.', name: 'Street name.', highway: 'OpenStreetMap highway class (residential, secondary, ...).' },
    parameters: {},
    minzoom: 10,
    maxzoom: 16,
    roles: null,
    render: (ctx, tile) => streetsLayerTile(ctx, tile),
  },
];

export function tileLayer(name: string): TileLayer | undefined {
  return TILE_LAYERS.find((l) => l.name === name);
}
