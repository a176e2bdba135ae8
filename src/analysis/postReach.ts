/**
 * The service area of posts (postReach): for one post or every post in an area, the walking
 * reach as a polygon with the method, radius and detour factor.
 *
 * Method: along the street network, the streets reached within the radius from the post's
 * nearest street (bounded Dijkstra, src/geo/coverage/streetNetwork.ts) plus the post's access
 * leg, buffered by the access distance in PostGIS (src/db/streets.ts, serviceAreaPolygons);
 * otherwise a straight-line circle of radius / detour factor. See docs/coverage.md.
 */
import type { RequestContext } from '../context';
import { growEnvelope } from '../db/aggregates';
import { coveragePosts, coveragePostsByIds, type CoveragePost } from '../db/coverage';
import { serviceAreaPolygons } from '../db/streets';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../domain';
import { badInput, notFound } from '../errors';
import { haversineDistanceMeters, straightLineReachPolygon } from '../geo/coverage';
import { pointToCell } from '../geo/h3';
import type { StudyAreaArgs } from '../schema/analysis';
import type { PostReach, PostReachArgs } from '../schema/coverage';
import { FINE_RESOLUTION } from './coverage';
import { toId } from './inputs';
import { resolveStudyArea } from './studyArea';
import { describeReach, MAX_WALKING_RADIUS_M, postPlace, radiusOf, resolveReach, siteReachCells } from './walkingReach';

/** postReach: the service area of each post. */
export async function computePostReach(ctx: RequestContext, args: PostReachArgs): Promise<PostReach[]> {
  const given = [args.postId, args.area].filter((v) => v !== undefined && v !== null);
  if (given.length !== 1) throw badInput('postId', 'give exactly one of postId and area');
  let posts: CoveragePost[];
  let envelope: BBox;
  let placeCells: string[];
  if (args.postId !== undefined && args.postId !== null) {
    const postId = toId(args.postId, 'postId');
    posts = await coveragePostsByIds(ctx.knex, [postId]);
    if (posts.length === 0) throw notFound('post', postId);
    envelope = growEnvelope([posts[0].lng, posts[0].lat, posts[0].lng, posts[0].lat], MAX_WALKING_RADIUS_M);
    placeCells = [pointToCell([posts[0].lng, posts[0].lat], 11)];
  } else {
    const area = await resolveStudyArea(ctx, { area: args.area!, resolution: 9 } as StudyAreaArgs);
    envelope = area.envelope;
    posts = (await coveragePosts(ctx.knex, { envelope, end: new Date() })).filter((p) => area.index.has(pointToCell([p.lng, p.lat], 9)));
    placeCells = area.cells;
  }
  const settings = await resolveReach(ctx, args, envelope, placeCells);
  const reach = describeReach(settings);
  const answer = (post: (typeof posts)[number], serviceArea: PolygonGeometry | MultiPolygonGeometry | null, street: { reachedStreetM: number | null; accessLegM: number | null }) => {
    const radiusM = radiusOf(settings, post);
    return { postId: post.id, name: post.name, kind: post.kind, reach, radiusM, serviceArea, ...street, reachedCellCount: siteReachCells(settings, postPlace(post), radiusM, FINE_RESOLUTION).cells.length };
  };
  if (settings.method === 'straightLine') {
    return posts.map((post) => answer(post, straightLineReachPolygon(postPlace(post), radiusOf(settings, post), settings.detourFactor).geometry as PolygonGeometry, { reachedStreetM: null, accessLegM: null }));
  }
  const graph = settings.network!.graph;
  const lineSets = posts.map((post) => {
    const snap = graph.snap(postPlace(post), settings.accessM);
    if (!snap) return { snap, lines: [] as [number, number][][] };
    const reached = graph.reach(snap, radiusOf(settings, post));
    const lines = graph.reachedLines(reached);
    return { snap, lines: snap.accessM > 0 ? [...lines, [[post.lng, post.lat], snap.point] as [number, number][]] : lines };
  });
  const polygons = await serviceAreaPolygons(
    ctx.knex,
    lineSets.map((s) => s.lines),
    settings.accessM,
  );
  return posts.map((post, i) => {
    const { snap, lines } = lineSets[i];
    let length = 0;
    // the last line is the post's own access leg, not street
    const streetLines = snap && snap.accessM > 0 ? lines.slice(0, -1) : lines;
    for (const line of streetLines) {
      for (let k = 1; k < line.length; k++) length += haversineDistanceMeters({ lng: line[k - 1][0], lat: line[k - 1][1] }, { lng: line[k][0], lat: line[k][1] });
    }
    return answer(post, polygons[i], { reachedStreetM: snap ? length : null, accessLegM: snap ? snap.accessM : null });
  });
}
