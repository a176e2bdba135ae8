/**
 * Kernel density against R (MASS::kde2d for the Gaussian kernel, a direct R sum for the quartic
 * kernel, Esri's Silverman radius) on the committed fixture of test/fixtures/kde (make-reference.R).
 */
import fs from 'node:fs';
import path from 'node:path';
import { kernelDensity, silvermanBandwidth } from '../../../../src/geo/stats';

const ref = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../fixtures/kde/reference.json'), 'utf8')) as {
  x: number[];
  y: number[];
  w: number[];
  sigma: number;
  radius: number;
  gx: number[];
  gy: number[];
  gaussianKde2d: number[];
  quarticUnit: number[];
  quarticWeighted: number[];
  silverman: number;
};

/** R's matrix z[i, j] at (gx[i], gy[j]), column-major: entry i + 25 j. */
const grid = { x: [] as number[], y: [] as number[] };
for (let j = 0; j < ref.gy.length; j++) {
  for (let i = 0; i < ref.gx.length; i++) {
    grid.x.push(ref.gx[i]);
    grid.y.push(ref.gy[j]);
  }
}

function expectClose(actual: Float64Array, expected: number[], scale = 1): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, k) => {
    worst = Math.max(worst, Math.abs(actual[k] / scale - e) / Math.max(Math.abs(e), 1e-300));
  });
  expect(worst).toBeLessThan(1e-9);
}

describe('kernelDensity', () => {
  it('Gaussian kernel equals MASS::kde2d (h = 4 sigma) times the number of points', () => {
    const density = kernelDensity({ x: ref.x, y: ref.y }, grid, ref.sigma, 'gaussian');
    expectClose(density, ref.gaussianKde2d, ref.x.length);
  });

  it('quartic kernel equals the direct R sum, with and without weights', () => {
    expectClose(kernelDensity({ x: ref.x, y: ref.y }, grid, ref.radius, 'quartic'), ref.quarticUnit);
    expectClose(kernelDensity({ x: ref.x, y: ref.y, weight: ref.w }, grid, ref.radius, 'quartic'), ref.quarticWeighted);
  });

  it("Silverman's rule as Esri's default search radius", () => {
    expect(Math.abs(silvermanBandwidth({ x: ref.x, y: ref.y }) / ref.silverman - 1)).toBeLessThan(1e-12);
  });

  it('integrates to the number of points (quartic, fine grid)', () => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = -60; i <= 60; i++)
      for (let j = -60; j <= 60; j++) {
        xs.push(i * 10);
        ys.push(j * 10);
      }
    const d = kernelDensity({ x: [0, 50], y: [0, -30] }, { x: xs, y: ys }, 300, 'quartic');
    expect(d.reduce((a, b) => a + b, 0) * 100).toBeCloseTo(2, 3);
  });

  it('refuses a bandwidth that is not positive', () => {
    expect(() => kernelDensity({ x: [0], y: [0] }, { x: [0], y: [0] }, 0, 'quartic')).toThrow(RangeError);
  });
});
