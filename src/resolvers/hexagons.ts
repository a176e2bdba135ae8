/** Every cell of a study area with all layers aggregated to it, for maps and tables: argument mapping and one call. */
import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { computeHexagons } from '../analysis/hexagons';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { StudyAreaArgs } from '../schema/analysis';
import { HexagonAggregation } from '../schema/hexagons';

@Resolver()
export class HexagonQueries {
  @Authorized(...rolesFor('Query.hexagons'))
  @Query(() => HexagonAggregation, {
    description:
      'Every H3 cell of a study area (cells whose centre lies in the area, zero-count cells included) with incident counts (total, by category, day and night), outage-nights, open road defects, young residents, walking distance to the nearest youth facility and post reach; also as one GeoJSON FeatureCollection. Every role; below analyst the privacy rules apply (see `privacy`).',
  })
  async hexagons(@Ctx() ctx: RequestContext, @Args() args: StudyAreaArgs): Promise<HexagonAggregation> {
    return computeHexagons(ctx, args);
  }
}
