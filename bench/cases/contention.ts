/**
 * One anonymous client sends the most expensive request the public compute budget allows, over
 * and over, while another client times `{ me { role } }`: the permutation tests run in the worker
 * pool, so the cheap query must not wait behind them (target p99 < 100 ms).
 */
import { loadConfig } from '../../src/config';
import type { BenchContext, ContentionCase } from '../types';

/** The last whole calendar month (UTC) of the data: the public's window must be one whole month. */
function lastWholeMonth(ctx: BenchContext): { from: string; to: string } {
  const end = new Date(ctx.year.to);
  const to = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1));
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

const CELLS = `query ($window: TimeWindowInput) { hexagons(area: { city: true }, resolution: 8, window: $window) { studyArea { cellCount } } }`;
const HEAVY = `query ($window: TimeWindowInput, $permutations: Int!) {
  hotspots(area: { city: true }, resolution: 8, window: $window, permutations: $permutations) {
    hotCellCount coldCellCount
    cells { h3 count z pFdr pseudoP binFdr }
  }
}`;

export const contention: ContentionCase[] = [
  {
    name: 'contention: me while the public asks its maximum',
    clients: 1,
    cheap: '{ me { role } }',
    target: { p99Ms: 100 },
    heavy: async (ctx, ask) => {
      const window = lastWholeMonth(ctx);
      const answer = await ask(CELLS, { window });
      if (answer.errors?.length) throw new Error(`the city's cells: ${answer.errors[0].message}`);
      const cells = (answer.data!.hexagons as { studyArea: { cellCount: number } }).studyArea.cellCount;
      // the heaviest statistic the public may ask for: cells x 7 neighbours (k = 1) x permutations within its budget
      const budget = loadConfig(process.env).compute.budgets.public;
      const permutations = Math.min(9999, Math.floor(budget / (cells * 7)));
      return {
        query: HEAVY,
        variables: { window, permutations },
        description: `anonymous hotspots of the city at resolution 8 (${cells} cells) with ${permutations} permutations = ${(cells * 7 * permutations).toLocaleString('en-US')} of ${budget.toLocaleString('en-US')} work units`,
      };
    },
  },
];
