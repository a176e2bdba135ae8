/** One set of DataLoaders per request, so a list of N rows asks for its related rows once. */
import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { AreaRow, areaIdsOf, areasByIds, nearestPostsOfIncidents, PostRow, postsByIds } from './reads';
import { HistoryRow, historyOfRecommendations, itemsOfRecommendations, RecommendationItemRow } from './recommendations';

type PointTable = 'incidents' | 'posts' | 'lighting_outages' | 'road_defects' | 'youth_facilities';

export interface Loaders {
  areaById: DataLoader<string, AreaRow | null>;
  postById: DataLoader<string, PostRow | null>;
  /** district id of a row of a point layer, keyed by the row id */
  districtIdOf: (table: PointTable) => DataLoader<string, string | null>;
  precinctIdOfPost: DataLoader<string, string | null>;
  nearestPostOfIncident: DataLoader<string, { postId: string; distanceM: number } | null>;
  /** items of a recommendation, keyed by its id */
  recommendationItems: DataLoader<string, RecommendationItemRow[]>;
  /** history of a recommendation, oldest first, keyed by its id */
  recommendationHistory: DataLoader<string, HistoryRow[]>;
}

/**
 * `knex` reads the layers (the request's read handle, a replica or the primary); `cases` reads
 * the items and history of cases from the primary, so a mutation's answer shows what it wrote.
 */
export function createLoaders(knex: Knex, cases: Knex): Loaders {
  const byTable = new Map<PointTable, DataLoader<string, string | null>>();
  return {
    areaById: new DataLoader(async (ids) => {
      const found = await areasByIds(knex, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    postById: new DataLoader(async (ids) => {
      const found = await postsByIds(knex, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    districtIdOf(table) {
      let loader = byTable.get(table);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const found = await areaIdsOf(knex, table, ids, 'district');
          return ids.map((id) => found.get(id) ?? null);
        });
        byTable.set(table, loader);
      }
      return loader;
    },
    precinctIdOfPost: new DataLoader(async (ids) => {
      const found = await areaIdsOf(knex, 'posts', ids, 'precinct');
      return ids.map((id) => found.get(id) ?? null);
    }),
    nearestPostOfIncident: new DataLoader(async (ids) => {
      const found = await nearestPostsOfIncidents(knex, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    recommendationItems: new DataLoader(async (ids) => {
      const found = await itemsOfRecommendations(cases, ids);
      return ids.map((id) => found.get(id) ?? []);
    }),
    recommendationHistory: new DataLoader(async (ids) => {
      const found = await historyOfRecommendations(cases, ids);
      return ids.map((id) => found.get(id) ?? []);
    }),
  };
}
