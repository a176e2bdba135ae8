/**
 * Which points lie within a post's straight-line reach, decided for the point itself: a point is
 * covered by a post when its geodesic distance on the WGS84 ellipsoid is at most the effective
 * radius r / f, exactly the rule of PostGIS `ST_DWithin(point::geography, post::geography, r / f)`
 * (PostGIS measures geography distances with GeographicLib's geodesic inverse, Karney 2013;
 * `geographiclib-geodesic` is the same algorithm by the same author).
 *
 * Distances are only computed where they can matter. Around each post, the cells of a fine
 * resolution are sorted by the haversine distance d of their centre: a cell with d + c below the
 * radius (c bounds the cell's circumradius) lies wholly inside and all its points are covered; a
 * cell with d - c beyond it lies wholly outside; only the ring of cells across the circle is tested
 * point by point. A slack of 0.6 % + 1 m covers the difference between the sphere of the haversine
 * and the ellipsoid (at most about 0.5 %), so the shortcut never decides a point the exact test
 * would decide otherwise.
 */
import { Geodesic } from 'geographiclib-geodesic';
import { cellCentre, edgeLength, gridDiskDistances, originToDirectedEdges, pointToCell } from '../h3';
import { haversineDistanceMeters, type LatLng } from './straightLineReach';

/** Sphere-versus-ellipsoid slack of the shortcut: relative, then absolute (metres). */
const RELATIVE_SLACK = 0.006;
const ABSOLUTE_SLACK_M = 1;
/** A hexagon's circumradius equals its edge; cells near the post's differ by a few per cent at most. */
const CIRCUMRADIUS_MARGIN = 1.2;

export interface ReachingPost extends LatLng {
  /** effective straight-line radius in metres (walking radius / detour factor) */
  readonly radiusM: number;
}

/** Candidate cells of a set of posts: for each cell, the posts whose circle it meets and whether it lies wholly inside. */
export interface PointReachCells {
  readonly resolution: number;
  readonly cells: string[];
  /** cell k's entries are [offsets[k], offsets[k + 1]) of posts and inside */
  readonly offsets: Int32Array;
  readonly posts: Int32Array;
  /** 1 when the whole cell is within the post's radius (no point needs a test) */
  readonly inside: Uint8Array;
}

/** Geodesic distance in metres on the WGS84 ellipsoid (GeographicLib), as PostGIS geography measures it. */
export function geodesicDistanceMeters(a: LatLng, b: LatLng): number {
  return Geodesic.WGS84.Inverse(a.lat, a.lng, b.lat, b.lng, Geodesic.DISTANCE).s12 as number;
}

/** Whether a point lies within the post's radius: ST_DWithin on geography. */
export function postCoversPoint(post: ReachingPost, point: LatLng): boolean {
  // cheap rejections first: far outside or well inside on the sphere decides without the ellipsoid
  const d = haversineDistanceMeters(post, point);
  if (d > post.radiusM * (1 + RELATIVE_SLACK) + ABSOLUTE_SLACK_M) return false;
  if (d < post.radiusM * (1 - RELATIVE_SLACK) - ABSOLUTE_SLACK_M) return true;
  return geodesicDistanceMeters(post, point) <= post.radiusM;
}

/** The cells at `resolution` that meet some post's circle, with the posts they meet. */
export function pointReachCells(posts: readonly ReachingPost[], resolution: number): PointReachCells {
  const entries = new Map<string, { post: number; inside: boolean }[]>();
  posts.forEach((post, postIndex) => {
    if (!(post.radiusM >= 0)) throw new RangeError(`post ${postIndex}: radius must be >= 0, got ${post.radiusM}`);
    const origin = pointToCell([post.lng, post.lat], resolution);
    let shortest = Infinity;
    let longest = 0;
    for (const edge of originToDirectedEdges(origin)) {
      const e = edgeLength(edge, 'm');
      shortest = Math.min(shortest, e);
      longest = Math.max(longest, e);
    }
    const c = longest * CIRCUMRADIUS_MARGIN;
    const outer = post.radiusM * (1 + RELATIVE_SLACK) + ABSOLUTE_SLACK_M;
    const inner = post.radiusM * (1 - RELATIVE_SLACK) - ABSOLUTE_SLACK_M;
    // ring k's centres are at least 1.5 e k from the origin's centre, the post within e of it
    let k = Math.max(1, Math.ceil((outer + c + shortest) / (1.5 * shortest)));
    for (;;) {
      const found: { cell: string; inside: boolean }[] = [];
      let outerRingMeets = false;
      gridDiskDistances(origin, k).forEach((ring, ringIndex) => {
        for (const cell of ring) {
          const [lng, lat] = cellCentre(cell);
          const d = haversineDistanceMeters(post, { lat, lng });
          if (d - c > outer) continue;
          found.push({ cell, inside: d + c < inner });
          if (ringIndex === k) outerRingMeets = true;
        }
      });
      if (outerRingMeets) {
        k++;
        continue;
      }
      for (const f of found) {
        let list = entries.get(f.cell);
        if (!list) entries.set(f.cell, (list = []));
        list.push({ post: postIndex, inside: f.inside });
      }
      break;
    }
  });
  const cells = [...entries.keys()].sort();
  const offsets = new Int32Array(cells.length + 1);
  let total = 0;
  cells.forEach((cell, i) => {
    total += entries.get(cell)!.length;
    offsets[i + 1] = total;
  });
  const postIndex = new Int32Array(total);
  const inside = new Uint8Array(total);
  cells.forEach((cell, i) => {
    entries.get(cell)!.forEach((e, j) => {
      postIndex[offsets[i] + j] = e.post;
      inside[offsets[i] + j] = e.inside ? 1 : 0;
    });
  });
  return { resolution, cells, offsets, posts: postIndex, inside };
}

/** Candidate cells of posts that reach whole cells (the street-network walk): every point of a reached cell is covered. */
export function cellReach(reachedCells: readonly (readonly string[])[], resolution: number): PointReachCells {
  const entries = new Map<string, number[]>();
  reachedCells.forEach((cells, post) => {
    for (const cell of cells) {
      let list = entries.get(cell);
      if (!list) entries.set(cell, (list = []));
      list.push(post);
    }
  });
  const cells = [...entries.keys()].sort();
  const offsets = new Int32Array(cells.length + 1);
  const posts: number[] = [];
  cells.forEach((cell, i) => {
    posts.push(...entries.get(cell)!);
    offsets[i + 1] = posts.length;
  });
  return { resolution, cells, offsets, posts: Int32Array.from(posts), inside: new Uint8Array(posts.length).fill(1) };
}
