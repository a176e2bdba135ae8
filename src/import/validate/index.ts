/**
 * Validation of one record of any layer, shared by file imports and GraphQL mutations so that
 * both accept and refuse exactly the same things. A raw row is a flat map of column names to
 * values (CSV text, GeoJSON properties, or GraphQL input); every problem is reported with the
 * field it concerns, all of them at once.
 */
export type { RawRow, FieldError, Validation, ValidationContext } from './types';
export { geometryProblem } from './geometry';
export { validateRow, LAYER_COLUMNS } from './layers';
