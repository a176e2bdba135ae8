/** Hotspot analyses over an explicit study area of H3 cells: argument mapping and one call each. */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { computeClusters } from '../analysis/clusters';
import { computeHotspots } from '../analysis/hotspots';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { ClusterAnalysis, HotspotAnalysis, SpatialStatisticArgs } from '../schema/analysis';

@Resolver()
export class AnalysisQueries {
  @Authorized(...rolesFor('Query.hotspots'))
  @Query(() => HotspotAnalysis, {
    description: 'Getis-Ord Gi* hot and cold spots of incident counts per H3 cell over an explicit study area (as Esri Hot Spot Analysis and R spdep localG with include.self).',
  })
  async hotspots(@Ctx() ctx: RequestContext, @Args() args: SpatialStatisticArgs): Promise<HotspotAnalysis> {
    return computeHotspots(ctx, args);
  }

  @Authorized(...rolesFor('Query.clusters'))
  @Query(() => ClusterAnalysis, {
    description: "Local Moran's I (Anselin 1995) clusters (HH, LL) and outliers (HL, LH) of incident counts per H3 cell, row-standardised weights without the cell itself (as R spdep localmoran).",
  })
  async clusters(@Ctx() ctx: RequestContext, @Args() args: SpatialStatisticArgs): Promise<ClusterAnalysis> {
    return computeClusters(ctx, args);
  }
}
