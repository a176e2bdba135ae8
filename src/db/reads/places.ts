/** Youth facilities, posts, population and areas. `mapPost`, `POST_COLUMNS`, `mapArea` and `areaSelect` also serve lookups.ts. */
import type { Knex } from 'knex';
import type { Geometry } from '../../domain';
import { bigintToCell, cellPolygon } from '../../geo/h3';
import { areaCondition, geo, listing, type AreaSpec, type Listing } from './listing';

export interface YouthFacilityRow {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  name: string | null;
  openedAt: Date | null;
  geometry: Geometry;
}

export function listYouthFacilities(knex: Knex, q: { area: AreaSpec | null; kinds: string[] | null }): Listing<YouthFacilityRow> {
  return listing(
    () => {
      const query = knex('youth_facilities').select('id', 'source', 'external_id', 'kind', 'name', 'opened_at', knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.kinds) query.whereIn('kind', q.kinds);
      return query;
    },
    'id',
    (row) => ({
      id: String(row.id),
      source: row.source as string,
      externalId: row.external_id as string,
      kind: row.kind as string,
      name: row.name as string | null,
      openedAt: row.opened_at as Date | null,
      geometry: row.geometry as Geometry,
    }),
  );
}

export interface PostRow {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  name: string | null;
  walkingRadiusM: number;
  openedAt: Date | null;
  geometry: Geometry;
}

export function mapPost(row: Record<string, unknown>): PostRow {
  return {
    id: String(row.id),
    source: row.source as string,
    externalId: row.external_id as string,
    kind: row.kind as string,
    name: row.name as string | null,
    walkingRadiusM: Number(row.walking_radius_m),
    openedAt: row.opened_at as Date | null,
    geometry: row.geometry as Geometry,
  };
}

export const POST_COLUMNS = ['id', 'source', 'external_id', 'kind', 'name', 'walking_radius_m', 'opened_at'];

export function listPosts(knex: Knex, q: { area: AreaSpec | null; kinds: string[] | null }): Listing<PostRow> {
  return listing(
    () => {
      const query = knex('posts').select(...POST_COLUMNS, knex.raw(geo()));
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      if (q.kinds) query.whereIn('kind', q.kinds);
      return query;
    },
    'id',
    mapPost,
  );
}

export interface PopulationRow {
  id: string;
  source: string;
  h3: string;
  resolution: number;
  residents: number;
  youngResidents: number;
  boundary: Geometry;
}

export function listPopulation(knex: Knex, q: { area: AreaSpec | null }): Listing<PopulationRow> {
  return listing(
    () => {
      const query = knex('population').select('id', 'source', 'h3', 'resolution', 'residents', 'young_residents');
      if (q.area) query.whereRaw(areaCondition(knex, 'geom', q.area));
      return query;
    },
    'id',
    (row) => {
      const h3 = bigintToCell(row.h3 as string);
      return {
        id: String(row.id),
        source: row.source as string,
        h3,
        resolution: Number(row.resolution),
        residents: Number(row.residents),
        youngResidents: Number(row.young_residents),
        boundary: cellPolygon(h3),
      };
    },
  );
}

export interface AreaRow {
  id: string;
  source: string;
  externalId: string;
  kind: string;
  name: string;
  nameRu: string | null;
  nameKk: string | null;
  attribution: string | null;
  parentId: string | null;
  areaKm2: number;
  geometry: Geometry;
}

const AREA_COLUMNS = ['id', 'source', 'external_id', 'kind', 'name', 'name_ru', 'name_kk', 'attribution', 'parent_id'];

export function mapArea(row: Record<string, unknown>): AreaRow {
  return {
    id: String(row.id),
    source: row.source as string,
    externalId: row.external_id as string,
    kind: row.kind as string,
    name: row.name as string,
    nameRu: row.name_ru as string | null,
    nameKk: row.name_kk as string | null,
    attribution: row.attribution as string | null,
    parentId: row.parent_id === null ? null : String(row.parent_id),
    areaKm2: Number(row.area_km2),
    geometry: row.geometry as Geometry,
  };
}

export function areaSelect(knex: Knex): Knex.QueryBuilder {
  return knex('areas').select(...AREA_COLUMNS.map((c) => `areas.${c}`), knex.raw('ST_Area(areas.geom::geography) / 1e6 AS area_km2'), knex.raw(geo('areas.geom')));
}

export function listAreas(knex: Knex, q: { kind: string | null; parentId: string | null }): Listing<AreaRow> {
  return listing(
    () => {
      const query = areaSelect(knex);
      if (q.kind) query.where('areas.kind', q.kind);
      if (q.parentId) query.where('areas.parent_id', q.parentId);
      return query;
    },
    'areas.id',
    mapArea,
  );
}
