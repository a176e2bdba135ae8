import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { requireRoleRule, roleAuthChecker } from './auth';
import { AccessQueries } from '../resolvers/access';
import { AnalysisQueries } from '../resolvers/analysis';
import { HexagonQueries } from '../resolvers/hexagons';
import { ImportMutations } from '../resolvers/imports';
import { AreaFields, IncidentFields, LayerQueries, LightingOutageFields, PostFields, RoadDefectFields, YouthFacilityFields } from '../resolvers/layers';

/** The whole GraphQL schema: every resolver class is listed here once. */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AccessQueries, LayerQueries, PostFields, IncidentFields, LightingOutageFields, RoadDefectFields, YouthFacilityFields, AreaFields, ImportMutations, AnalysisQueries, HexagonQueries],
    authChecker: roleAuthChecker,
    globalMiddlewares: [requireRoleRule],
    validate: false,
    emitSchemaFile: false,
  });
}
