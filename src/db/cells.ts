/**
 * The stored cell columns of the point layers. Every point (an incident, the representative point
 * of an outage, a defect, a facility, a post, a risk feature) keeps its own cell at each of
 * CELL_RESOLUTIONS in a column `h3_r<resolution>`, computed with latLngToCell when it is written.
 * Counting by one of these columns counts the points inside the hexagon, where counting by the
 * fine cell's parent would not (H3 children stick out of their parents).
 */
import { CELL_RESOLUTIONS, isStoredResolution } from '../geo/h3';

/** The point layers' tables that carry the cell columns. */
export const CELL_TABLES = ['incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'posts', 'risk_features'] as const;
export type CellTable = (typeof CELL_TABLES)[number];

/** The column holding a point's own cell at `resolution`, optionally qualified by a table alias. */
export function cellColumn(resolution: number, alias?: string): string {
  if (!isStoredResolution(resolution)) {
    throw new RangeError(`points keep their cell at resolutions ${CELL_RESOLUTIONS.join(', ')}, not ${resolution}`);
  }
  return alias ? `${alias}.h3_r${resolution}` : `h3_r${resolution}`;
}

/** Every cell column, in the order of CELL_RESOLUTIONS. */
export function cellColumns(): string[] {
  return CELL_RESOLUTIONS.map((r) => cellColumn(r));
}
