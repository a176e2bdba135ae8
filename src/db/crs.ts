/** Coordinate systems PostGIS knows: the proj4 definition of an EPSG code from `spatial_ref_sys`. */
import type { Knex } from 'knex';

/** The proj4 text of an EPSG code, or null when PostGIS does not know it. */
export async function proj4DefinitionOf(knex: Knex, epsg: number): Promise<string | null> {
  const row = (await knex('spatial_ref_sys').where({ auth_name: 'EPSG', auth_srid: epsg }).first('proj4text')) as { proj4text: string | null } | undefined;
  const text = row?.proj4text?.trim();
  return text ? text : null;
}
