/** Walking-distance coverage of posts and siting of new ones: argument mapping and one call each. */
import { Authorized, Args, Ctx, Query, Resolver } from 'type-graphql';
import { computeCoverage } from '../analysis/coverage';
import { computePostReach } from '../analysis/postReach';
import { computeMinimumSites, computeSiteSuggestion } from '../analysis/siting';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { CoverageAnalysis, CoverageArgs, MinimumSites, PostReach, PostReachArgs, SiteSuggestion, SitingArgs, SuggestSitesArgs } from '../schema/coverage';

@Resolver()
export class CoverageQueries {
  @Authorized(...rolesFor('Query.coverage'))
  @Query(() => CoverageAnalysis, {
    description:
      'Who and what is within walking reach of police posts in an area: shares of residents, young residents, incidents (by category) and significant hot spot cells, overall, per district and per precinct (with residents and incidents per precinct office), per post, and the hot spot cells no post reaches. States the reach method, radius and detour factor.',
  })
  async coverage(@Ctx() ctx: RequestContext, @Args() args: CoverageArgs): Promise<CoverageAnalysis> {
    return computeCoverage(ctx, args);
  }

  @Authorized(...rolesFor('Query.postReach'))
  @Query(() => [PostReach], { description: 'Walking reach of one post (postId) or of every post in an area: the service area as GeoJSON, with the method, radius and detour factor.' })
  async postReach(@Ctx() ctx: RequestContext, @Args() args: PostReachArgs): Promise<PostReach[]> {
    return computePostReach(ctx, args);
  }

  @Authorized(...rolesFor('Query.suggestPostSites'))
  @Query(() => SiteSuggestion, {
    description:
      'Chooses `count` new post sites among candidates that bring the most demand within walking reach, existing posts kept (maximal covering location problem, Church and ReVelle 1974): sites in order with marginal gains, coverage before and after, solver, bound and whether optimality is proven.',
  })
  async suggestPostSites(@Ctx() ctx: RequestContext, @Args() args: SuggestSitesArgs): Promise<SiteSuggestion> {
    return computeSiteSuggestion(ctx, args);
  }

  @Authorized(...rolesFor('Query.minimumPostSites'))
  @Query(() => MinimumSites, {
    description:
      'The fewest new sites among candidates that bring every significant hot spot cell of the area within walking reach, existing posts kept (location set covering, Toregas et al. 1971), with a lower bound and whether the answer is proven optimal.',
  })
  async minimumPostSites(@Ctx() ctx: RequestContext, @Args() args: SitingArgs): Promise<MinimumSites> {
    return computeMinimumSites(ctx, args);
  }
}
