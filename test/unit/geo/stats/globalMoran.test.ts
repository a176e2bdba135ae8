/**
 * Global Moran's I on a lattice with islands against R: spdep::moran.test(x, nb2listw(nb, "W",
 * zero.policy = TRUE), zero.policy = TRUE) with its default adjust.n = TRUE and with adjust.n =
 * FALSE (test/fixtures/spdep/moran-adjust-n.R wrote the inputs and the reference values).
 */
import reference from '../../../fixtures/spdep/moran-adjust-n.json';
import { globalMoran } from '../../../../src/geo/stats/globalMoran';
import { rowStandardised, weightsFromRows } from '../../../../src/geo/stats/weights';

const TOL = 1e-12;
const weights = rowStandardised(weightsFromRows(reference.neighbours.map((neighbours) => ({ neighbours }))));

function expectClose(actual: number, expected: number, what: string): void {
  if (!(Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected)))) throw new Error(`${what}: got ${actual}, R gives ${expected}`);
}

it.each([
  ['adjust.n = TRUE (the default)', {}, reference.adjustN],
  ['adjust.n = FALSE', { adjustN: false }, reference.noAdjustN],
] as const)('equals spdep::moran.test with %s', (_, options, ref) => {
  expect(reference.islands.length).toBe(6);
  const m = globalMoran(reference.x, weights, options);
  expectClose(m.i, ref.i, 'I');
  expectClose(m.expected, ref.expected, 'E[I]');
  expectClose(m.variance, ref.variance, 'Var[I]');
  expectClose(m.z, ref.z, 'z');
  expectClose(m.p, ref.p, 'p');
});
