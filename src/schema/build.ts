import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { roleAuthChecker } from './auth';
import { AnalysisQueries } from '../resolvers/analysis';
import { HexagonQueries } from '../resolvers/hexagons';
import { ImportMutations } from '../resolvers/imports';
import { RecommendationResolver } from '../resolvers/recommendations';
import { AreaFields, IncidentFields, LayerQueries, LightingOutageFields, PostFields, RoadDefectFields, YouthFacilityFields } from '../resolvers/layers';

/** The whole GraphQL schema: every resolver class is listed here once. */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [LayerQueries, PostFields, IncidentFields, LightingOutageFields, RoadDefectFields, YouthFacilityFields, AreaFields, ImportMutations, AnalysisQueries, HexagonQueries, RecommendationResolver],
    authChecker: roleAuthChecker,
    validate: false,
    emitSchemaFile: false,
  });
}
