/** Looking ahead: kernel density, near repeats and hotspot forecasts; argument mapping and one call each (src/analysis). */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { computeDensitySurface } from '../analysis/densitySurface';
import { computeForecastBacktest, computeForecastHotspots } from '../analysis/forecast';
import { computeNearRepeat } from '../analysis/nearRepeat';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { DensitySurface, DensitySurfaceArgs } from '../schema/densitySurface';
import { ForecastBacktest, ForecastBacktestArgs, ForecastHotspotsArgs, HotspotForecast } from '../schema/forecast';
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

  @Authorized(...rolesFor('Query.forecastHotspots'))
  @Query(() => HotspotForecast, {
    description:
      'Hotspot forecast for the next day, week or month: each cell’s expected count and rank by one method (baselines, the self-exciting point process, or a negative binomial model). Below the analyst role on the release lattice (resolution 8, monthly released counts).',
  })
  async forecastHotspots(@Ctx() ctx: RequestContext, @Args() args: ForecastHotspotsArgs): Promise<HotspotForecast> {
    return computeForecastHotspots(ctx, args);
  }

  @Authorized(...rolesFor('Query.forecastBacktest'))
  @Query(() => ForecastBacktest, {
    description:
      'Rolling-origin backtest of every forecast method, scored by PAI, PEI and RRI at 1, 2 and 5 % of the area (as the NIJ Real-Time Crime Forecasting Challenge); names the method chosen and every baseline’s scores.',
  })
  async forecastBacktest(@Ctx() ctx: RequestContext, @Args() args: ForecastBacktestArgs): Promise<ForecastBacktest> {
    return computeForecastBacktest(ctx, args);
  }
}
