/** Emerging hot spots: argument mapping and one call (src/analysis/emerging.ts). */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { computeEmergingHotSpots } from '../analysis/emerging';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { EmergingHotSpotAnalysis, EmergingHotSpotArgs } from '../schema/emerging';

@Resolver()
export class EmergingHotSpotQueries {
  @Authorized(...rolesFor('Query.emergingHotSpots'))
  @Query(() => EmergingHotSpotAnalysis, {
    description:
      "Emerging hot spot analysis: Gi* of each cell at every week or month of the window, a Mann-Kendall trend of its z-scores, and Esri's category (new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical hot or cold spot, or no pattern). Without a window, all stored incidents' whole steps are analysed.",
  })
  async emergingHotSpots(@Ctx() ctx: RequestContext, @Args() args: EmergingHotSpotArgs): Promise<EmergingHotSpotAnalysis> {
    return computeEmergingHotSpots(ctx, args);
  }
}
