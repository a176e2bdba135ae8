/**
 * Vector tiles (Mapbox Vector Tile 2.1, encoded by PostGIS ST_AsMVT in src/db/tiles.ts) of the
 * analyses and the stored layers.
 *
 * - Cell layers: the cells of an analysis, computed by the caller with the very function its
 *   GraphQL query calls (so roles and privacy rules apply by construction), are cached per
 *   layer, parameters, user and data version: a map view asks for a dozen tiles of one answer,
 *   which is computed once. Each tile takes the cells whose outline meets the tile grown by its
 *   buffer (64 of 4096 units), and PostGIS clips them.
 * - Stored layers: the rows of the list query with the same filter (src/analysis/layers.ts).
 * - Post reach: straight-line circles of radius walkingRadiusM / detour factor
 *   (src/geo/coverage/straightLineReach.ts); network reach is the postReach query's.
 */
import { cachedPromise, createCache } from '../cache';
import type { RequestContext } from '../context';
import type { TileFeature, TileProperties } from '../db/tiles';
import { areasTile, dataVersion, lightingOutagesTile, postsInBox, postsTile, riskFeaturesTile, roadDefectsTile, streetsTile, tileOfFeatures, youthFacilitiesTile } from '../db/tiles';
import type { BBox } from '../domain';
import { badInput } from '../errors';
import { DEFAULT_DETOUR_FACTOR, straightLineReachPolygon } from '../geo/coverage/straightLineReach';
import { growEnvelope } from '../geo/geometry';
import { cellPolygon } from '../geo/h3';
import { boxesOverlap, growBox, ringsBounds, TileAddress, tileBounds, tileProblem } from '../geo/tiles';
import type { AreaFilter, LightingOutageFilter, PostFilter, RiskFeatureFilter, RoadDefectFilter, YouthFacilityFilter } from '../schema/inputs';
import { areaListQuery, fixableQuery, postQuery, riskFeatureQuery, roadDefectQuery, youthFacilityQuery } from './layers';

export type { TileAddress, TileProperties };

/** Tile extent and buffer in MVT units, as src/db/tiles.ts encodes them. */
const BUFFER_FRACTION = 64 / 4096;
/** The largest walking radius a post may have (posts_radius_check), in metres. */
const MAX_POST_RADIUS_M = 5_000;

/** Refuses a z/x/y that is no tile. */
export function checkTileAddress(tile: TileAddress): void {
  const problem = tileProblem(tile);
  if (problem) throw badInput('z/x/y', problem);
}

/** A token that changes whenever any layer changes: tile ETags are made from it. */
export function tileDataVersion(ctx: RequestContext): Promise<string> {
  return dataVersion(ctx.knex);
}

/** MVT has no null: a property without a value is left out. */
export function tileProperties(properties: Record<string, string | number | boolean | null>): TileProperties {
  return Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null));
}

export interface TileCell {
  h3: string;
  properties: TileProperties;
}

interface CellFeature extends TileFeature {
  bounds: BBox;
}

/** Computed cells per layer, parameters, user and data version; a changed version is a new key, the old entry ages out. */
const cellFeatureCache = createCache<string, Promise<CellFeature[]>>({ name: 'tile cells', max: 16 });

/**
 * One tile of a cell layer. `parameters` names the computation (the canonical query string):
 * `compute` runs once per parameters, user and data version.
 */
export async function cellLayerTile(ctx: RequestContext, layer: string, tile: TileAddress, parameters: string, compute: () => Promise<TileCell[]>): Promise<Buffer> {
  const key = [layer, ctx.user.role, ctx.user.agency ?? '', ctx.user.id, parameters, await dataVersion(ctx.knex)].join('\n');
  const cells = await cachedPromise(cellFeatureCache, key, async () =>
    (await compute()).map(({ h3, properties }) => {
      const geometry = cellPolygon(h3);
      // the MVT feature id is the H3 index as a number (the h3 property keeps its hex text)
      return { geometry, properties, id: BigInt(`0x${h3}`).toString(), bounds: ringsBounds(geometry.coordinates) };
    }),
  );
  const box = growBox(tileBounds(tile), BUFFER_FRACTION);
  return tileOfFeatures(
    ctx.knex,
    layer,
    tile,
    cells.filter((c) => boxesOverlap(c.bounds, box)),
  );
}

export async function postsLayerTile(ctx: RequestContext, tile: TileAddress, filter: PostFilter): Promise<Buffer> {
  return postsTile(ctx.knex, tile, await postQuery(ctx, filter, ''));
}

/** Straight-line reach circles of the posts of the posts list (same filter) that can reach into the tile. */
export async function postReachLayerTile(ctx: RequestContext, tile: TileAddress, filter: PostFilter): Promise<Buffer> {
  // a post outside the tile can reach into it: read posts in a box grown by the largest radius
  const posts = await postsInBox(ctx.knex, growEnvelope(tileBounds(tile), MAX_POST_RADIUS_M), await postQuery(ctx, filter, ''));
  const features = posts.map((post) => {
    const reach = straightLineReachPolygon(post, post.walkingRadiusM, DEFAULT_DETOUR_FACTOR);
    return {
      geometry: reach.geometry,
      id: post.id,
      properties: tileProperties({
        postId: post.id,
        kind: post.kind.toUpperCase(),
        name: post.name,
        walkingRadiusM: post.walkingRadiusM,
        method: reach.properties.distanceBasis,
        detourFactor: reach.properties.detourFactor,
        effectiveRadiusM: reach.properties.effectiveRadiusMeters,
      }),
    };
  });
  return tileOfFeatures(ctx.knex, 'post_reach', tile, features);
}

export async function lightingOutagesLayerTile(ctx: RequestContext, tile: TileAddress, filter: LightingOutageFilter): Promise<Buffer> {
  return lightingOutagesTile(ctx.knex, tile, await fixableQuery(ctx, filter, ''));
}

export async function roadDefectsLayerTile(ctx: RequestContext, tile: TileAddress, filter: RoadDefectFilter): Promise<Buffer> {
  return roadDefectsTile(ctx.knex, tile, await roadDefectQuery(ctx, filter, ''));
}

export async function youthFacilitiesLayerTile(ctx: RequestContext, tile: TileAddress, filter: YouthFacilityFilter): Promise<Buffer> {
  return youthFacilitiesTile(ctx.knex, tile, await youthFacilityQuery(ctx, filter, ''));
}

export async function riskFeaturesLayerTile(ctx: RequestContext, tile: TileAddress, filter: RiskFeatureFilter): Promise<Buffer> {
  return riskFeaturesTile(ctx.knex, tile, await riskFeatureQuery(ctx, filter, ''));
}

export async function areasLayerTile(ctx: RequestContext, tile: TileAddress, filter: AreaFilter): Promise<Buffer> {
  return areasTile(ctx.knex, tile, areaListQuery(filter, ''));
}

/** The streets of the streets layer (the demo grid, or an OpenStreetMap extract imported through it). */
export function streetsLayerTile(ctx: RequestContext, tile: TileAddress): Promise<Buffer> {
  return streetsTile(ctx.knex, tile);
}
