/** Looking ahead: kernel density, near repeats and hotspot forecasts; argument mapping and one call each (src/analysis). */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { computeDensitySurface } from '../analysis/densitySurface';
import { computeNearRepeat } from '../analysis/nearRepeat';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { DensitySurface, DensitySurfaceArgs } from '../schema/densitySurface';
import { NearRepeatAnalysis, NearRepeatArgs } from '../schema/nearRepeat';

@Resolver()
export class ForecastingQueries {
  @Authorized(...rolesFor('Query.densitySurface'))
  @Query(() => DensitySurface, {
    description:
      "Kernel density of incidents over a study area (quartic as Esri's Kernel Density, or Gaussian; fixed bandwidth or Silverman's rule), per km² and per 1,000 residents at each cell centre, with contours. Below the analyst role it smooths the released cell counts of the release lattice.",
  })
  async densitySurface(@Ctx() ctx: RequestContext, @Args() args: DensitySurfaceArgs): Promise<DensitySurface> {
    return computeDensitySurface(ctx, args);
  }

  @Authorized(...rolesFor('Query.nearRepeat'))
  @Query(() => NearRepeatAnalysis, {
    description:
      "Near-repeat analysis: the Knox test of space-time clustering as Ratcliffe's Near Repeat Calculator (distance bands x time bands, same location, expected counts by Monte Carlo permutation of the dates, Knox ratios, pseudo p raw and FDR-adjusted), and the places of the last days now under elevated near-repeat risk.",
  })
  async nearRepeat(@Ctx() ctx: RequestContext, @Args() args: NearRepeatArgs): Promise<NearRepeatAnalysis> {
    return computeNearRepeat(ctx, args);
  }
}
