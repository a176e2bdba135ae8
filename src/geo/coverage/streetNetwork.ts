/**
 * Walking distance along a street network: snapping places to the nearest street, bounded
 * shortest paths (Dijkstra 1959) from a place, the reached parts of streets, and which H3 cells
 * a post reaches. Pure: the edges come in as plain data (src/db/streets.ts reads them).
 *
 * Distances from a place to another: the straight "access leg" from the place to its nearest
 * point on a street (at most `maxAccessM`), along the streets, and the access leg from the
 * street to the other place. A place whose nearest street is farther than `maxAccessM` is not
 * on the network (unreachable), which is how a large fenced block or a park shows up.
 *
 * Why Dijkstra here rather than one pgRouting call per post: the network is read once per
 * version and kept in memory, so the reach of 10 000 candidate sites costs milliseconds each
 * instead of a round trip with its rows; pgRouting's pgr_withPointsDD is the reference the
 * integration tests compare these distances with.
 *
 * Coordinates are [lng, lat] (GeoJSON); lengths in metres. Within a few kilometres a local
 * equirectangular projection around the point is accurate to well under 0.1 %.
 */
import { metresPerDegree } from '../geometry';
import { haversineDistanceMeters, type LatLng } from './straightLineReach';
import { cellCentre } from '../h3';
import { straightLineReachCells } from './straightLineReach';

export type LngLat = [number, number];

export interface NetworkEdgeInput {
  /** Vertex ids at the two ends (any integers). */
  readonly source: number;
  readonly target: number;
  /** Walking length in metres (the stored geodesic length). */
  readonly lengthM: number;
  /** The line from source to target, [lng, lat]. */
  readonly coordinates: readonly LngLat[];
}

/** Where a place meets the network: an edge, the position along it, and the straight leg to it. */
export interface NetworkSnap {
  readonly edge: number;
  /** 0 at the edge's source, 1 at its target, by length. */
  readonly fraction: number;
  readonly accessM: number;
  readonly point: LngLat;
}

export interface NetworkReach {
  readonly origin: NetworkSnap;
  /** Walking budget left once at the street: radius minus the origin's access leg. */
  readonly budgetM: number;
  /** Shortest distance along streets from the origin's street point to each reached vertex (index). */
  readonly vertexDistances: ReadonlyMap<number, number>;
}

/** Grid bucket of the segment index, in degrees (~150-220 m at Almaty's latitude). */
const BUCKET_DEG = 0.002;

export class StreetNetwork {
  readonly edgeCount: number;
  readonly vertexCount: number;
  private readonly sources: Int32Array;
  private readonly targets: Int32Array;
  private readonly lengths: Float64Array;
  private readonly lines: readonly (readonly LngLat[])[];
  /** cumulative geometric length at each vertex of each line, scaled so the last equals lengthM */
  private readonly cumulative: Float64Array[];
  private readonly adjacencyOffsets: Int32Array;
  private readonly adjacencyEdges: Int32Array;
  private readonly buckets = new Map<string, number[]>();

  constructor(edges: readonly NetworkEdgeInput[]) {
    const vertexIndex = new Map<number, number>();
    const indexOf = (id: number): number => {
      let i = vertexIndex.get(id);
      if (i === undefined) {
        i = vertexIndex.size;
        vertexIndex.set(id, i);
      }
      return i;
    };
    this.edgeCount = edges.length;
    this.sources = new Int32Array(edges.length);
    this.targets = new Int32Array(edges.length);
    this.lengths = new Float64Array(edges.length);
    this.lines = edges.map((e) => e.coordinates);
    this.cumulative = [];
    edges.forEach((e, k) => {
      if (e.coordinates.length < 2) throw new RangeError(`edge ${k} has fewer than two positions`);
      if (!Number.isFinite(e.lengthM) || e.lengthM < 0) throw new RangeError(`edge ${k} has length ${e.lengthM}`);
      this.sources[k] = indexOf(e.source);
      this.targets[k] = indexOf(e.target);
      this.lengths[k] = e.lengthM;
      const cum = new Float64Array(e.coordinates.length);
      for (let i = 1; i < e.coordinates.length; i++) {
        const [aLng, aLat] = e.coordinates[i - 1];
        const [bLng, bLat] = e.coordinates[i];
        cum[i] = cum[i - 1] + haversineDistanceMeters({ lat: aLat, lng: aLng }, { lat: bLat, lng: bLng });
      }
      const total = cum[cum.length - 1];
      if (total > 0) for (let i = 0; i < cum.length; i++) cum[i] *= e.lengthM / total;
      this.cumulative.push(cum);
      this.indexEdge(k);
    });
    this.vertexCount = vertexIndex.size;
    const degree = new Int32Array(this.vertexCount + 1);
    for (let k = 0; k < edges.length; k++) {
      degree[this.sources[k] + 1]++;
      degree[this.targets[k] + 1]++;
    }
    for (let v = 0; v < this.vertexCount; v++) degree[v + 1] += degree[v];
    this.adjacencyOffsets = degree;
    this.adjacencyEdges = new Int32Array(degree[this.vertexCount]);
    const fill = degree.slice(0, this.vertexCount);
    for (let k = 0; k < edges.length; k++) {
      this.adjacencyEdges[fill[this.sources[k]]++] = k;
      this.adjacencyEdges[fill[this.targets[k]]++] = k;
    }
  }

  private indexEdge(k: number): void {
    let minLng = Infinity;
    let minLat = Infinity;
    let maxLng = -Infinity;
    let maxLat = -Infinity;
    for (const [lng, lat] of this.lines[k]) {
      minLng = Math.min(minLng, lng);
      maxLng = Math.max(maxLng, lng);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    }
    for (let x = Math.floor(minLng / BUCKET_DEG); x <= Math.floor(maxLng / BUCKET_DEG); x++) {
      for (let y = Math.floor(minLat / BUCKET_DEG); y <= Math.floor(maxLat / BUCKET_DEG); y++) {
        const key = `${x}:${y}`;
        const list = this.buckets.get(key);
        if (list) list.push(k);
        else this.buckets.set(key, [k]);
      }
    }
  }

  edgeLength(edge: number): number {
    return this.lengths[edge];
  }

  /** The nearest point on any street within `maxAccessM` of the place, or null when there is none. */
  snap(place: LatLng, maxAccessM: number): NetworkSnap | null {
    const { lng: kx, lat: ky } = metresPerDegree(place.lat);
    const dLng = maxAccessM / kx;
    const dLat = maxAccessM / ky;
    let best: { edge: number; segment: number; t: number; d2: number } | null = null;
    const seen = new Set<number>();
    for (let x = Math.floor((place.lng - dLng) / BUCKET_DEG); x <= Math.floor((place.lng + dLng) / BUCKET_DEG); x++) {
      for (let y = Math.floor((place.lat - dLat) / BUCKET_DEG); y <= Math.floor((place.lat + dLat) / BUCKET_DEG); y++) {
        for (const k of this.buckets.get(`${x}:${y}`) ?? []) {
          if (seen.has(k)) continue;
          seen.add(k);
          const line = this.lines[k];
          for (let i = 1; i < line.length; i++) {
            const ax = (line[i - 1][0] - place.lng) * kx;
            const ay = (line[i - 1][1] - place.lat) * ky;
            const bx = (line[i][0] - place.lng) * kx;
            const by = (line[i][1] - place.lat) * ky;
            const dx = bx - ax;
            const dy = by - ay;
            const len2 = dx * dx + dy * dy;
            let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
            t = Math.min(1, Math.max(0, t));
            const px = ax + t * dx;
            const py = ay + t * dy;
            const d2 = px * px + py * py;
            // ties go to the lower edge index so that the answer does not depend on bucket order
            if (best === null || d2 < best.d2 - 1e-9 || (Math.abs(d2 - best.d2) <= 1e-9 && k < best.edge)) best = { edge: k, segment: i, t, d2 };
          }
        }
      }
    }
    if (best === null || Math.sqrt(best.d2) > maxAccessM) return null;
    const line = this.lines[best.edge];
    const cum = this.cumulative[best.edge];
    const a = line[best.segment - 1];
    const b = line[best.segment];
    const point: LngLat = [a[0] + best.t * (b[0] - a[0]), a[1] + best.t * (b[1] - a[1])];
    const along = cum[best.segment - 1] + best.t * (cum[best.segment] - cum[best.segment - 1]);
    const length = this.lengths[best.edge];
    return { edge: best.edge, fraction: length > 0 ? along / length : 0, accessM: Math.sqrt(best.d2), point };
  }

  /**
   * Every vertex reachable within `radiusM` of walking from the snapped origin (its access leg
   * counts against the radius), with its distance along the streets.
   */
  reach(origin: NetworkSnap, radiusM: number): NetworkReach {
    const budgetM = radiusM - origin.accessM;
    const distances = new Map<number, number>();
    if (budgetM < 0) return { origin, budgetM, vertexDistances: distances };
    const heap = new MinHeap();
    const length = this.lengths[origin.edge];
    heap.push(this.sources[origin.edge], origin.fraction * length);
    heap.push(this.targets[origin.edge], (1 - origin.fraction) * length);
    while (heap.size > 0) {
      const [v, d] = heap.pop();
      if (d > budgetM || distances.has(v)) continue;
      distances.set(v, d);
      for (let i = this.adjacencyOffsets[v]; i < this.adjacencyOffsets[v + 1]; i++) {
        const e = this.adjacencyEdges[i];
        const other = this.sources[e] === v ? this.targets[e] : this.sources[e];
        const next = d + this.lengths[e];
        if (next <= budgetM && !distances.has(other)) heap.push(other, next);
      }
    }
    return { origin, budgetM, vertexDistances: distances };
  }

  /** Distance along streets from the reach's origin point to a snapped place's street point (Infinity if beyond the budget). */
  streetDistance(reach: NetworkReach, target: NetworkSnap): number {
    const e = target.edge;
    const length = this.lengths[e];
    let best = Infinity;
    const ds = reach.vertexDistances.get(this.sources[e]);
    const dt = reach.vertexDistances.get(this.targets[e]);
    if (ds !== undefined) best = Math.min(best, ds + target.fraction * length);
    if (dt !== undefined) best = Math.min(best, dt + (1 - target.fraction) * length);
    if (e === reach.origin.edge) best = Math.min(best, Math.abs(target.fraction - reach.origin.fraction) * length);
    return best;
  }

  /** Whole walking distance (access legs included) from the origin place to the target place. */
  walkingDistance(reach: NetworkReach, target: NetworkSnap): number {
    return reach.origin.accessM + this.streetDistance(reach, target) + target.accessM;
  }

  /**
   * The parts of streets within the walking budget, as lines ([lng, lat]); pieces of one edge
   * may overlap. The service area of a post is these lines grown by the access distance.
   */
  reachedLines(reach: NetworkReach): LngLat[][] {
    const pieces: LngLat[][] = [];
    const { budgetM, origin } = reach;
    if (budgetM < 0) return pieces;
    const touched = new Set<number>([origin.edge]);
    for (const v of reach.vertexDistances.keys()) {
      for (let i = this.adjacencyOffsets[v]; i < this.adjacencyOffsets[v + 1]; i++) touched.add(this.adjacencyEdges[i]);
    }
    for (const e of touched) {
      const length = this.lengths[e];
      if (length === 0) continue;
      const intervals: [number, number][] = [];
      const ds = reach.vertexDistances.get(this.sources[e]);
      const dt = reach.vertexDistances.get(this.targets[e]);
      if (ds !== undefined) intervals.push([0, Math.min(1, (budgetM - ds) / length)]);
      if (dt !== undefined) intervals.push([Math.max(0, 1 - (budgetM - dt) / length), 1]);
      if (e === origin.edge) intervals.push([Math.max(0, origin.fraction - budgetM / length), Math.min(1, origin.fraction + budgetM / length)]);
      for (const [from, to] of mergeIntervals(intervals)) pieces.push(this.substring(e, from, to));
    }
    return pieces;
  }

  /** The part of an edge between two fractions of its length. */
  substring(edge: number, from: number, to: number): LngLat[] {
    const line = this.lines[edge];
    const cum = this.cumulative[edge];
    const length = this.lengths[edge];
    const at = (f: number): LngLat => {
      const target = f * length;
      let i = 1;
      while (i < cum.length - 1 && cum[i] < target) i++;
      const span = cum[i] - cum[i - 1];
      const t = span > 0 ? Math.min(1, Math.max(0, (target - cum[i - 1]) / span)) : 0;
      const a = line[i - 1];
      const b = line[i];
      return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    };
    const out: LngLat[] = [at(from)];
    for (let i = 1; i < line.length - 1; i++) if (cum[i] > from * length && cum[i] < to * length) out.push(line[i]);
    out.push(at(to));
    return out;
  }
}

function mergeIntervals(intervals: [number, number][]): [number, number][] {
  const valid = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of valid) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

class MinHeap {
  private readonly keys: number[] = [];
  private readonly values: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, value: number): void {
    this.keys.push(key);
    this.values.push(value);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.values[parent] <= this.values[i]) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.keys[0], this.values[0]];
    const lastKey = this.keys.pop() as number;
    const lastValue = this.values.pop() as number;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.values[0] = lastValue;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.keys.length && this.values[left] < this.values[smallest]) smallest = left;
        if (right < this.keys.length && this.values[right] < this.values[smallest]) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }

  private swap(i: number, j: number): void {
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
    [this.values[i], this.values[j]] = [this.values[j], this.values[i]];
  }
}

export interface NetworkReachCells {
  /** null when the place is farther than the access distance from every street. */
  readonly originSnap: NetworkSnap | null;
  /** Cells whose centres are within the walking radius along the streets, nearest first. */
  readonly cells: string[];
  readonly distancesM: number[];
}

/**
 * H3 cells at `resolution` whose centres a walker reaches within `radiusM` from the place:
 * access leg + streets + access leg. Only cells within the straight-line circle of `radiusM`
 * can qualify (no route is shorter than the straight line), so those are the ones tested.
 * `snapCache` keeps each cell centre's snap across calls on the same network.
 */
export function networkReachCells(network: StreetNetwork, place: LatLng, radiusM: number, resolution: number, maxAccessM: number, snapCache?: Map<string, NetworkSnap | null>): NetworkReachCells {
  const originSnap = network.snap(place, maxAccessM);
  if (originSnap === null || originSnap.accessM > radiusM) return { originSnap, cells: [], distancesM: [] };
  const reach = network.reach(originSnap, radiusM);
  const circle = straightLineReachCells(place, radiusM, resolution, 1);
  const found: { cell: string; distance: number }[] = [];
  for (const cell of circle.cells) {
    let snap = snapCache?.get(cell);
    if (snap === undefined) {
      const [lng, lat] = cellCentre(cell);
      snap = network.snap({ lat, lng }, maxAccessM);
      snapCache?.set(cell, snap);
    }
    if (snap === null) continue;
    const distance = network.walkingDistance(reach, snap);
    if (distance <= radiusM) found.push({ cell, distance });
  }
  found.sort((a, b) => a.distance - b.distance || (a.cell < b.cell ? -1 : 1));
  return { originSnap, cells: found.map((f) => f.cell), distancesM: found.map((f) => f.distance) };
}

/** The longest straight leg between a place and its nearest street, by default (about a block's depth). */
export const DEFAULT_ACCESS_M = 100;

export interface WalkingSource {
  id: string;
  place: LatLng;
  /** the source's own walking radius (a post's promise) */
  radiusM: number;
}

export interface NearestAlongStreets {
  id: string;
  /** whole walking distance, access legs included */
  walkingM: number;
  /** some source's own radius reaches the target along the streets */
  withinRadius: boolean;
}

/**
 * For each target place, the source nearest to walk to along the streets (searched up to
 * `searchM` of walking from each source) and whether any source's own radius reaches it; null for
 * a target farther than the access distance from every street, or beyond `searchM` of every
 * source. One bounded Dijkstra per source, then a lookup per target and source.
 */
export function nearestAlongStreets(graph: StreetNetwork, sources: readonly WalkingSource[], targets: readonly LatLng[], options: { searchM: number; accessM: number }): (NearestAlongStreets | null)[] {
  const targetSnaps = targets.map((t) => graph.snap(t, options.accessM));
  const out: (NearestAlongStreets | null)[] = targets.map(() => null);
  for (const source of sources) {
    const origin = graph.snap(source.place, options.accessM);
    if (origin === null) continue;
    const reach = graph.reach(origin, Math.max(options.searchM, source.radiusM));
    targetSnaps.forEach((snap, i) => {
      if (snap === null) return;
      const walkingM = graph.walkingDistance(reach, snap);
      if (!Number.isFinite(walkingM)) return;
      const best = out[i];
      const within = walkingM <= source.radiusM;
      if (best === null) out[i] = { id: source.id, walkingM, withinRadius: within };
      else {
        if (walkingM < best.walkingM) out[i] = { id: source.id, walkingM, withinRadius: best.withinRadius || within };
        else if (within) best.withinRadius = true;
      }
    });
  }
  return out;
}
