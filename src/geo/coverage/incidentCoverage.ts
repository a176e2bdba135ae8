/**
 * Incidents within reach of posts, decided per incident: an incident is covered when some post
 * covers its point (pointReach.ts: ST_DWithin on geography for the straight line; for the street
 * network, its own fine cell is among the cells the walk reaches). Counted per cell of a study area
 * (the incident's own cell at the analysis resolution), per category, per post, and per district
 * and precinct of the point (point-in-polygon, stored with the incident).
 *
 * One pass over the incidents of the area and window; only incidents in cells across a circle are
 * measured (see pointReachCells).
 */
import type { AreaCellMap, IncidentColumns, IncidentFilter } from '../incidentColumns';
import { NO_AREA } from '../incidentColumns';
import { postCoversPoint, type PointReachCells, type ReachingPost } from './pointReach';

export interface AreaCoverageTally {
  total: number;
  covered: number;
  /** cells of the study area holding incidents of this area, and those holding a covered one */
  cellCount: number;
  coveredCellCount: number;
}

export interface IncidentCoverage {
  /** per study-area cell: incidents, and those covered */
  total: Float64Array;
  covered: Float64Array;
  categories: string[];
  totalByCategory: Float64Array;
  coveredByCategory: Float64Array;
  /** incidents each post covers (an incident near two posts counts for both) */
  perPost: Float64Array;
  byDistrict: Map<number, AreaCoverageTally>;
  byPrecinct: Map<number, AreaCoverageTally>;
}

export interface IncidentCoverageInput {
  columns: IncidentColumns;
  area: AreaCellMap;
  filter: IncidentFilter;
  reach: PointReachCells;
  posts: readonly ReachingPost[];
}

/** Per-area flags of the study-area cells holding its incidents (1) and covered ones (2). */
class AreaCells {
  private readonly flags = new Map<number, Uint8Array>();
  private readonly counts = new Map<number, { total: number; covered: number }>();
  constructor(private readonly cellCount: number) {}

  add(areaId: number, cell: number, covered: boolean): void {
    if (areaId === NO_AREA) return;
    let f = this.flags.get(areaId);
    let c = this.counts.get(areaId);
    if (!f || !c) {
      f = new Uint8Array(this.cellCount);
      c = { total: 0, covered: 0 };
      this.flags.set(areaId, f);
      this.counts.set(areaId, c);
    }
    f[cell] |= covered ? 3 : 1;
    c.total++;
    if (covered) c.covered++;
  }

  tallies(): Map<number, AreaCoverageTally> {
    const out = new Map<number, AreaCoverageTally>();
    for (const [id, f] of this.flags) {
      let cellCount = 0;
      let coveredCellCount = 0;
      for (let k = 0; k < f.length; k++) {
        if (f[k] & 1) cellCount++;
        if (f[k] & 2) coveredCellCount++;
      }
      out.set(id, { ...this.counts.get(id)!, cellCount, coveredCellCount });
    }
    return out;
  }
}

export function countIncidentCoverage(input: IncidentCoverageInput): IncidentCoverage {
  const { columns, area, filter, reach, posts } = input;
  const rows = columns.rows;
  const categories = [...columns.categories];
  const candidateOfCell = columns.mapArea(reach.cells, reach.resolution).areaIndexOfCell;
  const fineCell = columns.rowCells(reach.resolution);
  const out: IncidentCoverage = {
    total: new Float64Array(area.cellCount),
    covered: new Float64Array(area.cellCount),
    categories,
    totalByCategory: new Float64Array(categories.length),
    coveredByCategory: new Float64Array(categories.length),
    perPost: new Float64Array(posts.length),
    byDistrict: new Map(),
    byPrecinct: new Map(),
  };
  const districts = new AreaCells(area.cellCount);
  const precincts = new AreaCells(area.cellCount);
  const { offsets, posts: postOf, inside } = reach;
  columns.forEachInArea(area, filter, (row, cell) => {
    let covered = false;
    const k = candidateOfCell[fineCell[row]];
    if (k >= 0) {
      for (let e = offsets[k]; e < offsets[k + 1]; e++) {
        const p = postOf[e];
        if (inside[e] === 1 || postCoversPoint(posts[p], { lng: rows.lng[row], lat: rows.lat[row] })) {
          covered = true;
          out.perPost[p]++;
        }
      }
    }
    const c = rows.category[row];
    out.total[cell]++;
    out.totalByCategory[c]++;
    if (covered) {
      out.covered[cell]++;
      out.coveredByCategory[c]++;
    }
    districts.add(rows.district[row], cell, covered);
    precincts.add(rows.precinct[row], cell, covered);
  });
  out.byDistrict = districts.tallies();
  out.byPrecinct = precincts.tallies();
  return out;
}
