/**
 * Walking reach of posts and candidate sites as sets of H3 cells, shared by coverage, postReach,
 * siting and fixPriorities.
 *
 * Method: along the loaded street network (bounded Dijkstra in memory, src/geo/coverage/
 * streetNetwork.ts, in pgRouting's graph layout; access legs from a place to its nearest street
 * count toward the radius, as pgr_withPointsDD does), or a straight-line (haversine) circle of
 * radius / detour factor where no network covers the area. AUTO picks the network when at least
 * 80 % of a sample of the area's cell centres lie within the access distance of a street.
 * See docs/coverage.md.
 *
 * Reach is the expensive part, so it is cached per (network version, method, place, radius,
 * parameters, resolution): a post that did not move keeps its cells across requests.
 */
import { Cache, cachedPromise, createCache } from '../cache';
import type { RequestContext } from '../context';
import { growEnvelope } from '../db/aggregates';
import type { CoveragePost } from '../db/coverage';
import { streetEdges, streetEdgesIn, streetNetworkVersion } from '../db/streets';
import type { BBox } from '../domain';
import { badInput } from '../errors';
import { networkReachCells, type NetworkSnap, straightLineReachCells, StreetNetwork, type LatLng } from '../geo/coverage';
import { cellCentre } from '../geo/h3';
import { text, withTexts } from '../i18n/texts';
import type { AnalysisWarning } from '../schema/analysis';
import type { ReachArgs, ReachMethodUsed } from '../schema/coverage';

export const MAX_WALKING_RADIUS_M = 5_000;

export interface ReachSettings {
  method: 'network' | 'straightLine';
  /** the radius asked for; null means each post's own */
  radiusOverride: number | null;
  detourFactor: number;
  accessM: number;
  network: LoadedNetwork | null;
  warnings: AnalysisWarning[];
}

export interface LoadedNetwork {
  version: string;
  graph: StreetNetwork;
  /** each cell centre's snap onto this network (cells of every resolution; ids differ) */
  snaps: Map<string, NetworkSnap | null>;
}

/** The street graph of the current network version, kept per process; concurrent requests share one load. */
const networkCache = createCache<string, Promise<LoadedNetwork>>({ name: 'street network graph', max: 1 });
/** The snaps kept with a graph are dropped at this many (the geo search takes a plain Map). */
const SNAP_CACHE_LIMIT = 2_000_000;

async function currentNetwork(ctx: RequestContext): Promise<LoadedNetwork> {
  const version = await streetNetworkVersion(ctx.knex);
  return cachedPromise(networkCache, version, async () => {
    const edges = await streetEdges(ctx.knex);
    return { version, graph: new StreetNetwork(edges), snaps: new Map<string, NetworkSnap | null>() };
  });
}

/** AUTO takes the network when at least this share of the area's cell centres lie within the access distance of a street. */
export const AUTO_NETWORK_MIN_SHARE = 0.8;
const AUTO_SAMPLE = 2_000;

/**
 * Checks the reach arguments and picks the method. AUTO: the street network when it covers the
 * area (at least 80 % of a sample of the area's cell centres are within the access distance of a
 * street), otherwise the straight line, with a warning saying why.
 */
export async function resolveReach(ctx: RequestContext, args: ReachArgs, envelope: BBox, areaCells: readonly string[]): Promise<ReachSettings> {
  const radius = args.radius ?? null;
  if (radius !== null && (!Number.isFinite(radius) || radius <= 0 || radius > MAX_WALKING_RADIUS_M)) {
    throw badInput('radius', `must be above 0 and at most ${MAX_WALKING_RADIUS_M} metres, got ${radius}`);
  }
  if (!Number.isFinite(args.detourFactor) || args.detourFactor < 1 || args.detourFactor > 3) {
    throw badInput('detourFactor', `must be from 1 to 3 (a street route is never shorter than the straight line), got ${args.detourFactor}`);
  }
  if (!Number.isFinite(args.accessDistance) || args.accessDistance < 0 || args.accessDistance > 500) {
    throw badInput('accessDistance', `must be from 0 to 500 metres, got ${args.accessDistance}`);
  }
  const base = { radiusOverride: radius, detourFactor: args.detourFactor, accessM: args.accessDistance, warnings: [] as AnalysisWarning[] };
  if (args.method === 'straightLine') return { ...base, method: 'straightLine', network: null };
  const hasStreets = await streetEdgesIn(ctx.knex, envelope);
  if (!hasStreets) {
    if (args.method === 'network') {
      throw badInput('method', 'no street network is loaded in this area: import street lines (hotspots import streets <file.geojson>) or use STRAIGHT_LINE');
    }
    return {
      ...base,
      method: 'straightLine',
      network: null,
      warnings: [{ code: 'NO_STREET_NETWORK', message: `AUTO: no street network is loaded in this area, so reach is a straight-line circle of radius / ${args.detourFactor}`, cells: [] }],
    };
  }
  const network = await currentNetwork(ctx);
  if (args.method === 'auto') {
    const step = Math.max(1, Math.floor(areaCells.length / AUTO_SAMPLE));
    let sampled = 0;
    let onNetwork = 0;
    for (let i = 0; i < areaCells.length; i += step) {
      const [lng, lat] = cellCentre(areaCells[i]);
      sampled++;
      if (network.graph.snap({ lat, lng }, args.accessDistance) !== null) onNetwork++;
    }
    const share = sampled > 0 ? onNetwork / sampled : 0;
    if (share < AUTO_NETWORK_MIN_SHARE) {
      return {
        ...base,
        method: 'straightLine',
        network: null,
        warnings: [
          {
            code: 'PARTIAL_STREET_NETWORK',
            message: `AUTO: only ${(share * 100).toFixed(0)} % of the area's cell centres are within ${args.accessDistance} m of a loaded street (${AUTO_NETWORK_MIN_SHARE * 100} % needed), so reach is a straight-line circle of radius / ${args.detourFactor}; ask for NETWORK to use the streets anyway`,
            cells: [],
          },
        ],
      };
    }
  }
  return { ...base, method: 'network', network };
}

export function describeReach(settings: ReachSettings): ReachMethodUsed {
  const radius = settings.radiusOverride === null ? text('analysis.reach.eachPost') : text('analysis.reach.metres', { metres: settings.radiusOverride });
  if (settings.method === 'network') {
    return withTexts<ReachMethodUsed>({
      method: 'network',
      radiusM: settings.radiusOverride,
      detourFactor: null,
      accessDistanceM: settings.accessM,
      description: text('analysis.reach.network', { edges: settings.network?.graph.edgeCount ?? 0, radius, access: settings.accessM }),
    });
  }
  return withTexts<ReachMethodUsed>({
    method: 'straightLine',
    radiusM: settings.radiusOverride,
    detourFactor: settings.detourFactor,
    accessDistanceM: null,
    description: text('analysis.reach.straightLine', { detour: settings.detourFactor, radius }),
  });
}

/** Reached cells by place and parameters; the network's version is part of the key of network reach. */
const reachCache: Cache<string, string[]> = createCache({ name: 'walking reach cells', max: 200_000 });

export interface ReachedCells {
  cells: string[];
  /** network method: the straight leg from the place to its street; null when off the network */
  accessLegM: number | null;
}

/** Cells (centres) within walking reach of a place at a resolution, cached. */
export function siteReachCells(settings: ReachSettings, place: LatLng, radiusM: number, resolution: number): ReachedCells {
  const network = settings.network;
  const key =
    settings.method === 'network' ? `n|${network!.version}|${place.lng},${place.lat}|${radiusM}|${settings.accessM}|${resolution}` : `s|${place.lng},${place.lat}|${radiusM}|${settings.detourFactor}|${resolution}`;
  if (settings.method === 'straightLine') {
    const hit = reachCache.get(key);
    if (hit) return { cells: hit, accessLegM: null };
    const cells = straightLineReachCells(place, radiusM, resolution, settings.detourFactor).cells;
    reachCache.set(key, cells);
    return { cells, accessLegM: null };
  }
  if (network!.snaps.size > SNAP_CACHE_LIMIT) network!.snaps.clear();
  const hit = reachCache.get(key);
  if (hit) {
    const snap = network!.graph.snap(place, settings.accessM);
    return { cells: hit, accessLegM: snap ? snap.accessM : null };
  }
  const reached = networkReachCells(network!.graph, place, radiusM, resolution, settings.accessM, network!.snaps);
  reachCache.set(key, reached.cells);
  return { cells: reached.cells, accessLegM: reached.originSnap ? reached.originSnap.accessM : null };
}

/** A post's walking radius under the settings: the one asked for, or the post's own. */
export function radiusOf(settings: ReachSettings, post: CoveragePost): number {
  return settings.radiusOverride ?? post.walkingRadiusM;
}

export function postPlace(post: CoveragePost): LatLng {
  return { lat: post.lat, lng: post.lng };
}

/** Posts whose radius reaches into the box: the others cannot cover anything in it. */
export function postsReachingBox(posts: CoveragePost[], settings: ReachSettings, envelope: BBox): CoveragePost[] {
  return posts.filter((p) => {
    const [minLng, minLat, maxLng, maxLat] = growEnvelope(envelope, radiusOf(settings, p));
    return p.lng >= minLng && p.lng <= maxLng && p.lat >= minLat && p.lat <= maxLat;
  });
}
