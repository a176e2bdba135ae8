/** Risk factors, the risk surface and ranked fixes: argument mapping and one call each. */
import { Authorized, Args, Ctx, Query, Resolver } from 'type-graphql';
import { computeFixPriorities } from '../analysis/fixPriorities';
import { computeRiskFactors } from '../analysis/riskFactors';
import { computeRiskSurface } from '../analysis/riskSurface';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { FixPriorityArgs, FixPriorityList, RiskFactorAnalysis, RiskModelArgs, RiskSurface } from '../schema/risk';

@Resolver()
export class RiskQueries {
  @Authorized(...rolesFor('Query.riskFactors'))
  @Query(() => RiskFactorAnalysis, {
    description:
      'Which environmental factors (lighting outages, each road-defect kind, youth-facility gaps) go with incident counts per cell, how strongly and how surely: Spearman rho, Poisson or negative-binomial regression with an exposure offset, relative risks with 95 % intervals, BIC selection and a residual spatial autocorrelation check. Associations, not causes.',
  })
  async riskFactors(@Ctx() ctx: RequestContext, @Args() args: RiskModelArgs): Promise<RiskFactorAnalysis> {
    return computeRiskFactors(ctx, args);
  }

  @Authorized(...rolesFor('Query.riskSurface'))
  @Query(() => RiskSurface, { description: "Each cell's relative risk from the selected model (and expected and observed counts), for mapping; also as a GeoJSON FeatureCollection." })
  async riskSurface(@Ctx() ctx: RequestContext, @Args() args: RiskModelArgs): Promise<RiskSurface> {
    return computeRiskSurface(ctx, args);
  }

  @Authorized(...rolesFor('Query.fixPriorities'))
  @Query(() => FixPriorityList, {
    description:
      'Every open lighting outage, open road defect and youth-facility gap cell ranked by expected incidents prevented per year (relative risk from the fitted model x incidents near it), with the parts of the score, the responsible agency, days open and the nearest post. Change the weights to see the ranking change.',
  })
  async fixPriorities(@Ctx() ctx: RequestContext, @Args() args: FixPriorityArgs): Promise<FixPriorityList> {
    return computeFixPriorities(ctx, args);
  }
}
