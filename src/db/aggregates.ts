/** Aggregations by H3 cell for the analyses. Cells travel as bigint in SQL and hex strings out. */
import type { Knex } from 'knex';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../domain';
import { growEnvelope } from '../geo/geometry';
import { countIncidentCoverage, type IncidentCoverage, type PointReachCells, type ReachingPost } from '../geo/coverage';
import { bigintToCell, cellToChildren } from '../geo/h3';
import { AreaCellMap, AreaIncidentCounts, AreaIncidentEvents, IncidentColumns } from '../geo/incidentColumns';
import { createCache } from '../cache';
import { cellColumn } from './cells';
import { incidentColumns, memoByLayerVersion } from './layerCache';

/**
 * SQL for the parent of a stored population cell at resolution `?` (bound twice). Population
 * records are areas (a cell's residents), so a finer record is summed into the coarser cell that
 * holds it by H3's own hierarchy; points never use it: they keep their own cell (./cells.ts).
 */
const PARENT_SQL = '((h3 & ~(15::bigint << 52)) | (?::bigint << 52)) | ((1::bigint << (3 * (15 - ?))) - 1)';

export async function areaGeometry(knex: Knex, areaId: string): Promise<PolygonGeometry | MultiPolygonGeometry | null> {
  const row = await knex('areas').where({ id: areaId }).first(knex.raw('ST_AsGeoJSON(geom)::json AS geometry'));
  return row ? (row.geometry as MultiPolygonGeometry) : null;
}

/** Every district's polygons as one MultiPolygon (the city as the API knows it), or null when none is stored. */
export async function districtsGeometry(knex: Knex): Promise<{ geometry: MultiPolygonGeometry; districtCount: number } | null> {
  const rows = (await knex('areas').where({ kind: 'district' }).orderBy('id').select(knex.raw('ST_AsGeoJSON(geom)::json AS geometry'))) as { geometry: MultiPolygonGeometry }[];
  if (rows.length === 0) return null;
  return { geometry: { type: 'MultiPolygon', coordinates: rows.flatMap((r) => r.geometry.coordinates) }, districtCount: rows.length };
}

export interface IncidentCountQuery {
  resolution: number;
  /** only rows in this box are read: the study area's extent, grown by a cell */
  envelope: BBox;
  from: Date | null;
  to: Date | null;
  categories: string[] | null;
}

export interface CellCount {
  cell: string;
  category: string;
  /** null when the incident's time is not exact */
  night: boolean | null;
  count: number;
}

/**
 * Incidents grouped by (parent cell at the resolution, category, night) inside the envelope.
 * Answered from the in-memory incident columns (see layerCache.ts), which equal the rows of
 * `SELECT <parent>, category, night, count(*) FROM incidents WHERE geom && envelope AND ...
 * GROUP BY 1, 2, 3` at the current version of the incidents.
 */
export async function incidentCountsByCell(knex: Knex, q: IncidentCountQuery): Promise<CellCount[]> {
  const columns = await incidentColumns(knex);
  return columns.groupInEnvelope(q.resolution, q.envelope, { from: q.from?.getTime() ?? null, to: q.to?.getTime() ?? null, categories: q.categories });
}

/** The same grouping in SQL: what the columns replace, kept as the benchmark's floor and the tests' reference. */
export async function incidentCountsByCellSql(knex: Knex, q: IncidentCountQuery): Promise<CellCount[]> {
  const query = knex('incidents')
    .select(knex.raw(`${cellColumn(q.resolution)} AS cell`), 'category', 'night', knex.raw('count(*)::int AS count'))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .groupByRaw('1, 2, 3');
  if (q.from) query.where('occurred_at', '>=', q.from);
  if (q.to) query.where('occurred_at', '<', q.to);
  if (q.categories) query.whereIn('category', q.categories);
  const rows = (await query) as { cell: string; category: string; night: boolean | null; count: number }[];
  return rows.map((r) => ({ cell: bigintToCell(r.cell), category: r.category, night: r.night, count: r.count }));
}

export interface AreaIncidentQuery {
  /** the study area's cells, all at `resolution`; pass the same array again to reuse its lookup */
  cells: readonly string[];
  resolution: number;
  from: Date | null;
  to: Date | null;
  categories: string[] | null;
  /** also day, night, unknown time and per category (else `total` only) */
  detail: boolean;
}

interface AreaLookup {
  map: AreaCellMap;
  /** names this (columns, cells, resolution) in the keys of `areaCounts`; never reused */
  id: number;
}

/**
 * The lookup of each study area, per version of the incident columns. Weak on both keys (the
 * columns of one version, the study area's cells array, identical across requests through the
 * study-area cache) so it goes with them; an LRU cannot hold weak keys.
 */
const areaLookups = new WeakMap<IncidentColumns, { id: number; byCells: WeakMap<readonly string[], AreaLookup> }>();
let nextLookupId = 1;

const COUNTS_PER_AREA = 16;
/** as many study areas as the study-area cache keeps (src/analysis/studyArea.ts) */
const COUNTED_AREAS = 64;
/**
 * Counts by (area lookup, window, categories, detail): an area's id stands for one version of the
 * incidents, so a write is seen at once. As many entries as 16 windows of each of 64 areas.
 */
const areaCounts = createCache<string, AreaIncidentCounts>({ name: 'incident counts per study area', max: COUNTS_PER_AREA * COUNTED_AREAS });
/** the id of the columns whose counts `areaCounts` holds (an id, so old columns are not kept alive) */
let countedColumnsId = 0;

function copyCounts(c: AreaIncidentCounts): AreaIncidentCounts {
  return {
    total: c.total.slice(),
    day: c.day.slice(),
    night: c.night.slice(),
    unknownTime: c.unknownTime.slice(),
    categories: [...c.categories],
    byCategory: c.byCategory ? c.byCategory.slice() : null,
  };
}

function areaLookup(columns: IncidentColumns, lookups: { byCells: WeakMap<readonly string[], AreaLookup> }, cells: readonly string[], resolution: number): AreaLookup {
  let lookup = lookups.byCells.get(cells);
  if (!lookup || lookup.map.resolution !== resolution) {
    lookup = { map: columns.mapArea(cells, resolution), id: nextLookupId++ };
    lookups.byCells.set(cells, lookup);
  }
  return lookup;
}

/**
 * Incidents per cell of a study area, in the order of `cells`: every incident whose parent at
 * the resolution is one of the cells. The lookup from stored cells to area positions is built
 * once per cells array and data version, and the counts of recent windows are kept (dashboards
 * ask the same views again and again); callers get their own copy.
 */
export async function incidentCountsInArea(knex: Knex, q: AreaIncidentQuery): Promise<AreaIncidentCounts> {
  const columns = await incidentColumns(knex);
  let lookups = areaLookups.get(columns);
  if (!lookups) {
    lookups = { id: nextLookupId++, byCells: new WeakMap() };
    areaLookups.set(columns, lookups);
  }
  if (lookups.id !== countedColumnsId) {
    // a new version of the incidents: the counts of the old one can never be asked for again
    areaCounts.clear();
    countedColumnsId = lookups.id;
  }
  const lookup = areaLookup(columns, lookups, q.cells, q.resolution);
  const key = `${lookup.id}|${q.from?.getTime() ?? ''}|${q.to?.getTime() ?? ''}|${q.categories ? [...q.categories].sort().join(',') : '*'}|${q.detail}`;
  let counts = areaCounts.get(key);
  if (!counts) {
    counts = columns.countInArea(lookup.map, { from: q.from?.getTime() ?? null, to: q.to?.getTime() ?? null, categories: q.categories }, q.detail);
    areaCounts.set(key, counts);
  }
  return copyCounts(counts);
}

/**
 * The incidents of a study area's cells in a window as points (position, time, area cell), in time
 * order, from the in-memory columns; for analyses of points (near repeats, kernel density, forecasts).
 */
export async function incidentEventsInArea(knex: Knex, q: Omit<AreaIncidentQuery, 'detail'>): Promise<AreaIncidentEvents> {
  const columns = await incidentColumns(knex);
  let lookups = areaLookups.get(columns);
  if (!lookups) {
    lookups = { id: nextLookupId++, byCells: new WeakMap() };
    areaLookups.set(columns, lookups);
  }
  const lookup = areaLookup(columns, lookups, q.cells, q.resolution);
  return columns.eventsInArea(lookup.map, { from: q.from?.getTime() ?? null, to: q.to?.getTime() ?? null, categories: q.categories });
}

// moved to src/geo/geometry.ts (a formula, not a query); re-exported while callers still import it from here
export { growEnvelope } from '../geo/geometry';

export interface LayerWindowQuery {
  resolution: number;
  envelope: BBox;
  from: Date | null;
  /** the window's end; null means now */
  to: Date | null;
}

export interface CellValue {
  cell: string;
  value: number;
}

/**
 * Outage-nights per cell: for each lighting outage overlapping the window, the days (fractional)
 * of overlap between [reported_at, coalesce(fixed_at, window end or now)) and the window.
 * Each outage counts wholly at its representative point's own cell: a segment counts at the
 * cell of its middle point, not along its length.
 */
async function outageNightsByCellQuery(knex: Knex, q: LayerWindowQuery): Promise<CellValue[]> {
  const end = q.to ?? new Date();
  const rows = (await knex('lighting_outages')
    .select(
      knex.raw(`${cellColumn(q.resolution)} AS cell`),
      knex.raw(`sum(greatest(0, extract(epoch FROM (least(coalesce(fixed_at, ?::timestamptz), ?::timestamptz) - greatest(reported_at, coalesce(?::timestamptz, reported_at)))) / 86400))::float8 AS value`, [
        end,
        end,
        q.from,
      ]),
    )
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .where('reported_at', '<', end)
    .modify((b) => {
      if (q.from) b.where((w) => w.whereNull('fixed_at').orWhere('fixed_at', '>', q.from!));
    })
    .groupByRaw('1')) as { cell: string; value: number }[];
  return rows.map((r) => ({ cell: bigintToCell(r.cell), value: Number(r.value) }));
}

export interface CellKindCount {
  cell: string;
  kind: string;
  count: number;
}

/**
 * Road defects open at the window's end (now when the window has no end): reported before it
 * and not fixed before it. Counted at the representative point's own cell.
 */
async function openRoadDefectsByCellQuery(knex: Knex, q: LayerWindowQuery): Promise<CellKindCount[]> {
  const end = q.to ?? new Date();
  const rows = (await knex('road_defects')
    .select(knex.raw(`${cellColumn(q.resolution)} AS cell`), 'kind', knex.raw('count(*)::int AS count'))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)
    .where('reported_at', '<', end)
    .where((w) => w.whereNull('fixed_at').orWhere('fixed_at', '>=', end))
    .groupByRaw('1, 2')) as { cell: string; kind: string; count: number }[];
  return rows.map((r) => ({ cell: bigintToCell(r.cell), kind: r.kind, count: r.count }));
}

export interface CellPopulation {
  cell: string;
  residents: number;
  youngResidents: number;
}

/**
 * Residents per cell at `resolution`. The population table holds each record at its own
 * resolution (9 in the demo). Records at the analysis resolution or finer are summed into
 * their parent (the same parent expression as for points); a record coarser than the analysis
 * resolution is split evenly among its 7^(r - stored) children (an assumption of uniform
 * density inside the stored cell), so the values can be fractional.
 */
async function populationByCellQuery(knex: Knex, q: { resolution: number; envelope: BBox }): Promise<CellPopulation[]> {
  // the record's geometry is its cell's centre: grow the box so that coarser cells whose
  // children reach into the area are read too (a resolution-7 edge is about 1.2 km)
  const envelope = growEnvelope(q.envelope, 2_500);
  const rows = (await knex('population')
    .select(
      knex.raw(`CASE WHEN resolution >= ? THEN ${PARENT_SQL} ELSE h3 END AS cell`, [q.resolution, q.resolution, q.resolution]),
      'resolution',
      knex.raw('sum(residents)::float8 AS residents'),
      knex.raw('sum(young_residents)::float8 AS young'),
    )
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', envelope)
    .groupByRaw('1, 2')) as { cell: string; resolution: number; residents: number; young: number }[];
  const out: CellPopulation[] = [];
  for (const r of rows) {
    const cell = bigintToCell(r.cell);
    if (r.resolution >= q.resolution) {
      out.push({ cell, residents: Number(r.residents), youngResidents: Number(r.young) });
    } else {
      const children = cellToChildren(cell, q.resolution);
      for (const child of children) out.push({ cell: child, residents: Number(r.residents) / children.length, youngResidents: Number(r.young) / children.length });
    }
  }
  return out;
}

export interface PointLocation {
  lng: number;
  lat: number;
}

/**
 * Youth facilities as points (ST_PointOnSurface for polygons), opened before `end` (or with no
 * opening date), in the box; the whole layer when `envelope` is null.
 */
async function youthFacilityPointsQuery(knex: Knex, q: { envelope: BBox | null; end: Date }): Promise<PointLocation[]> {
  const query = knex('youth_facilities')
    .select(knex.raw('ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat'))
    .where((w) => w.whereNull('opened_at').orWhere('opened_at', '<', q.end));
  if (q.envelope) query.whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope);
  const rows = (await query) as { lng: number; lat: number }[];
  return rows.map((r) => ({ lng: Number(r.lng), lat: Number(r.lat) }));
}

export interface PostReachPoint extends PointLocation {
  walkingRadiusM: number;
}

/** Posts opened before `end` (or with no opening date) in the box, with their walking radius. */
async function postPointsQuery(knex: Knex, q: { envelope: BBox; end: Date }): Promise<PostReachPoint[]> {
  const rows = (await knex('posts')
    .select(knex.raw('ST_X(geom) AS lng, ST_Y(geom) AS lat'), 'walking_radius_m')
    .where((w) => w.whereNull('opened_at').orWhere('opened_at', '<', q.end))
    .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', q.envelope)) as { lng: number; lat: number; walking_radius_m: number }[];
  return rows.map((r) => ({ lng: Number(r.lng), lat: Number(r.lat), walkingRadiusM: Number(r.walking_radius_m) }));
}

export interface IncidentCoverageQuery {
  resolution: number;
  from: Date | null;
  to: Date | null;
  categories: string[] | null;
  /** the study area's cells at `resolution` */
  areaCells: readonly string[];
  /** the posts' candidate cells (src/geo/coverage/pointReach.ts) */
  reach: PointReachCells;
  posts: readonly ReachingPost[];
}

/**
 * Incidents within reach of posts, from the in-memory incident columns, decided for each
 * incident's own point (countIncidentCoverage): only incidents whose own cell at the resolution
 * lies in the study area count, as for the other analyses.
 */
export async function incidentCoverage(knex: Knex, q: IncidentCoverageQuery): Promise<IncidentCoverage> {
  const columns = await incidentColumns(knex);
  const filter = { from: q.from?.getTime() ?? null, to: q.to?.getTime() ?? null, categories: q.categories };
  return countIncidentCoverage({ columns, area: columns.mapArea(q.areaCells, q.resolution), filter, reach: q.reach, posts: q.posts });
}

/** Parts of an answer from the small layers, reused while the layer keeps its version. */
function memoKey(name: string, q: object): string {
  return `${name}:${JSON.stringify(q)}`;
}

/**
 * Outage-nights per cell (see outageNightsByCellQuery). Reused while the outages are unchanged
 * when the window has an end; a window open to now changes with the clock and is always read.
 */
export async function outageNightsByCell(knex: Knex, q: LayerWindowQuery): Promise<CellValue[]> {
  if (!q.to) return outageNightsByCellQuery(knex, q);
  return (await memoByLayerVersion(knex, 'lighting_outages', memoKey('outageNights', q), () => outageNightsByCellQuery(knex, q))).slice();
}

/** Open road defects per cell and kind (see openRoadDefectsByCellQuery), reused like outage-nights. */
export async function openRoadDefectsByCell(knex: Knex, q: LayerWindowQuery): Promise<CellKindCount[]> {
  if (!q.to) return openRoadDefectsByCellQuery(knex, q);
  return (await memoByLayerVersion(knex, 'road_defects', memoKey('openRoadDefects', q), () => openRoadDefectsByCellQuery(knex, q))).slice();
}

/** Residents per cell (see populationByCellQuery), reused while the population is unchanged. */
export async function populationByCell(knex: Knex, q: { resolution: number; envelope: BBox }): Promise<CellPopulation[]> {
  return (await memoByLayerVersion(knex, 'population', memoKey('population', q), () => populationByCellQuery(knex, q))).slice();
}

/** Youth facility points (see youthFacilityPointsQuery), reused while the facilities are unchanged. */
export async function youthFacilityPoints(knex: Knex, q: { envelope: BBox | null; end: Date }): Promise<PointLocation[]> {
  return (await memoByLayerVersion(knex, 'youth_facilities', memoKey('facilities', q), () => youthFacilityPointsQuery(knex, q))).slice();
}

/** Posts with their reach (see postPointsQuery), reused while the posts are unchanged. */
export async function postPoints(knex: Knex, q: { envelope: BBox; end: Date }): Promise<PostReachPoint[]> {
  return (await memoByLayerVersion(knex, 'posts', memoKey('posts', q), () => postPointsQuery(knex, q))).slice();
}
