/**
 * Conditions under which a statistic is computed but some of its values are undefined or should
 * be read with care. They travel with the result (never thrown), so an API answer can show them
 * next to the numbers; undefined values themselves are NaN in the typed arrays.
 */
export type StatWarningCode =
  /** every value is the same: the standard deviation is 0 and no z-score is defined */
  | 'ZERO_VARIANCE'
  /** cells with no neighbour in the study area other than themselves */
  | 'NO_NEIGHBOURS'
  /** cells whose variance term is 0 (e.g. a neighbourhood covering the whole study area) */
  | 'UNDEFINED_Z'
  /** fewer cells than the statistic needs */
  | 'TOO_FEW_CELLS'
  /** fewer time steps than the trend test needs to be meaningful */
  | 'SHORT_SERIES';

export interface StatWarning {
  code: StatWarningCode;
  message: string;
  /** indices into the study area, when the warning concerns particular cells */
  cells?: number[];
}
