/** The dashboards' own operations: hexagon maps and hotspot analyses of the city and its districts. */
import type { BenchCase, BenchContext, FloorSql, LoadRequest } from '../types';

/** The SQL parent expression of the stored cell at a resolution (as src/db/aggregates.ts). */
const parentSql = (resolution: number): string => `((h3 & ~(15::bigint << 52)) | (${resolution}::bigint << 52)) | ((1::bigint << (3 * (15 - ${resolution}))) - 1)`;

/** The bare GROUP BY over the same rows: counts per cell, category and night in the window. */
export function groupByFloor(resolution: number, window: (ctx: BenchContext) => { from: string; to: string }): (ctx: BenchContext) => FloorSql {
  return (ctx) => {
    const w = window(ctx);
    return {
      sql: `SELECT ${parentSql(resolution)} AS cell, category, night, count(*)::int FROM incidents WHERE occurred_at >= ? AND occurred_at < ? GROUP BY 1, 2, 3`,
      bindings: [w.from, w.to],
    };
  };
}

export const HEXAGONS_QUERY = `query Hexagons($area: AreaInput!, $resolution: Int!, $window: TimeWindowInput) {
  hexagons(area: $area, resolution: $resolution, window: $window) {
    studyArea { cellCount incidentCount }
    cells { h3 incidents dayIncidents nightIncidents incidentsByCategory { category count } outageNights openRoadDefects youngResidents withinPostReach }
  }
}`;

export const HOTSPOTS_QUERY = `query Hotspots($area: AreaInput!, $resolution: Int!, $window: TimeWindowInput) {
  hotspots(area: $area, resolution: $resolution, window: $window) {
    studyArea { cellCount incidentCount mean standardDeviation }
    hotCellCount coldCellCount
    cells { h3 count z p pFdr bin binFdr }
  }
}`;

/** A city-wide map: the same answers as parallel arrays (`columns`), the form meant for tens of thousands of cells. */
export const HEXAGONS_MAP_QUERY = `query HexagonsMap($area: AreaInput!, $resolution: Int!, $window: TimeWindowInput) {
  hexagons(area: $area, resolution: $resolution, window: $window) {
    studyArea { cellCount incidentCount }
    columns { h3 incidents dayIncidents nightIncidents outageNights openRoadDefects youngResidents withinPostReach }
  }
}`;

export const HOTSPOTS_MAP_QUERY = `query HotspotsMap($area: AreaInput!, $resolution: Int!, $window: TimeWindowInput) {
  hotspots(area: $area, resolution: $resolution, window: $window) {
    studyArea { cellCount incidentCount mean standardDeviation }
    hotCellCount coldCellCount
    columns { h3 count z pFdr binFdr }
  }
}`;

export const POSTS_QUERY = `query Posts($area: AreaInput) {
  posts(filter: { area: $area }) { nodes { id name kind walkingRadiusM } }
}`;

export const cases: BenchCase[] = [
  {
    name: 'hexagons city year res 9',
    target: { p50Ms: 40, floorRatio: 0.5 },
    query: HEXAGONS_MAP_QUERY,
    variables: (ctx) => ({ area: { city: true }, resolution: 9, window: ctx.year }),
    floorSql: groupByFloor(9, (ctx) => ctx.year),
  },
  {
    name: 'hotspots city res 10',
    target: { p50Ms: 80 },
    query: HOTSPOTS_MAP_QUERY,
    variables: (ctx) => ({ area: { city: true }, resolution: 10, window: ctx.year }),
    floorSql: groupByFloor(10, (ctx) => ctx.year),
    iterations: 20,
  },
  {
    name: 'hotspots city res 10 (cells)',
    query: HOTSPOTS_QUERY,
    variables: (ctx) => ({ area: { city: true }, resolution: 10, window: ctx.year }),
    iterations: 10,
  },
  {
    name: 'hexagons city year res 9 (cells)',
    query: HEXAGONS_QUERY,
    variables: (ctx) => ({ area: { city: true }, resolution: 9, window: ctx.year }),
    iterations: 10,
  },
  {
    name: 'hotspots district res 9',
    target: { p50Ms: 15 },
    query: HOTSPOTS_QUERY,
    variables: (ctx) => ({ area: { districtId: ctx.districtIds[0] }, resolution: 9, window: ctx.year }),
  },
  {
    name: 'hexagons district month res 9',
    query: HEXAGONS_QUERY,
    variables: (ctx) => ({ area: { districtId: ctx.districtIds[1] ?? ctx.districtIds[0] }, resolution: 9, window: ctx.month }),
  },
  {
    name: 'posts list',
    query: POSTS_QUERY,
    variables: { area: null },
  },
];

/** The mixed dashboard load: district maps and hotspots over several windows, the city at res 8, post lists. */
export function dashboardLoad(ctx: BenchContext): LoadRequest[] {
  const requests: LoadRequest[] = [];
  const windows = [ctx.year, ctx.month];
  ctx.districtIds.forEach((districtId, i) => {
    const window = windows[i % windows.length];
    requests.push({ name: 'hexagons district res 9', query: HEXAGONS_QUERY, variables: { area: { districtId }, resolution: 9, window } });
    requests.push({ name: 'hotspots district res 9', query: HOTSPOTS_QUERY, variables: { area: { districtId }, resolution: 9, window } });
    requests.push({ name: 'posts list', query: POSTS_QUERY, variables: { area: { districtId } } });
  });
  requests.push({ name: 'hexagons city res 8', query: HEXAGONS_MAP_QUERY, variables: { area: { city: true }, resolution: 8, window: ctx.year } });
  requests.push({ name: 'hotspots city res 8', query: HOTSPOTS_MAP_QUERY, variables: { area: { city: true }, resolution: 8, window: ctx.month } });
  return requests;
}
