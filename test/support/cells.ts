/** The stored cell columns of a point, for tests that insert rows directly rather than through an import. */
import { cellColumn } from '../../src/db/cells';
import { CELL_RESOLUTIONS, pointCellBigint } from '../../src/geo/h3';

export function storedCells(position: [number, number], fineResolution = 11): Record<string, string> {
  const out: Record<string, string> = { h3: pointCellBigint(position, fineResolution) };
  for (const r of CELL_RESOLUTIONS) out[cellColumn(r)] = pointCellBigint(position, r);
  return out;
}
