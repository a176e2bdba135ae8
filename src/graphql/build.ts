import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { requireRoleRule, roleAuthChecker } from '../auth/authChecker';
import { AccessQueries } from '../resolvers/access';
import { AnalysisQueries } from '../resolvers/analysis';
import { CoverageQueries } from '../resolvers/coverage';
import { EmergingHotSpotQueries } from '../resolvers/emerging';
import { ForecastingQueries } from '../resolvers/forecasting';
import { HexagonQueries } from '../resolvers/hexagons';
import { RiskQueries } from '../resolvers/risk';
import { ImportMutations } from '../resolvers/imports';
import { RecommendationResolver } from '../resolvers/recommendations';
import { VocabularyQueries } from '../resolvers/i18n';
import { localiseSchema } from './localise';
import { AreaFields, IncidentFields, LayerQueries, LightingOutageFields, PostFields, RoadDefectFields, YouthFacilityFields } from '../resolvers/layers';

/** The whole GraphQL schema: every resolver class is listed here once. */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      AccessQueries,
      LayerQueries,
      PostFields,
      IncidentFields,
      LightingOutageFields,
      RoadDefectFields,
      YouthFacilityFields,
      AreaFields,
      ImportMutations,
      AnalysisQueries,
      EmergingHotSpotQueries,
      HexagonQueries,
      CoverageQueries,
      RiskQueries,
      ForecastingQueries,
      RecommendationResolver,
      VocabularyQueries,
    ],
    authChecker: roleAuthChecker,
    globalMiddlewares: [requireRoleRule],
    validate: false,
    emitSchemaFile: false,
  });
  // type-graphql gives the root types no description; the API documents itself from the top
  const query = schema.getQueryType();
  if (query)
    query.description =
      'Reads: every layer as a paginated list (first, after, filter), single records by id, and analyses over an explicit H3 study area (hexagons, hotspots, clusters). Also as vector tiles under /tiles and as GeoJSON or CSV under /export.';
  const mutation = schema.getMutationType();
  if (mutation) mutation.description = 'Writes: imports of records into each layer, idempotent by (source, externalId); each call is all-or-nothing when atomic.';
  // labels beside every enum and bin, area names and warnings in the caller's language
  return localiseSchema(schema);
}
