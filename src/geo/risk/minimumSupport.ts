/**
 * The minimum support of a factor released below the analyst role. A Poisson fit's score
 * equations make the fitted values sum to the observed count over the cells a binary factor
 * exposes, and with one binary factor the Wald standard error is SE^2 = 1/Y1 + 1/Y0 (Y1, Y0: the
 * incidents in the exposed and in the unexposed cells), so an estimate for a factor that exposes
 * one cell gives that cell's count. Requiring a threshold of exposed cells and of incidents on
 * either side keeps every such implied sum at least as large as a released count.
 */
import type { FactorNote } from './types';

/** Why a factor (its column over the cells and the incidents y of each cell) is withheld, or null when it has `minimum` support. */
export function withheldNote(column: Float64Array, y: Float64Array, minimum: number): FactorNote | null {
  let exposedCells = 0;
  let exposed = 0;
  let unexposed = 0;
  for (let i = 0; i < column.length; i++) {
    if (column[i] !== 0) {
      exposedCells++;
      exposed += y[i];
    } else unexposed += y[i];
  }
  if (exposedCells >= minimum && exposed >= minimum && unexposed >= minimum) return null;
  return { kind: 'withheld', minimum };
}
