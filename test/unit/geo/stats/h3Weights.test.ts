import { gridDisk, latLngToCell } from 'h3-js';
import { buildH3Weights, cardinality, kernelWeight, rowStandardised, rowSums, weightsFromRows, weightsToTriples, withoutSelf } from '../../../../src/geo/stats';
import { inputs } from './spdepFixtures';

describe('H3 weights builder', () => {
  it('reproduces the committed neighbour lists that R used (so the fixtures stay in step with the code)', () => {
    for (const c of inputs.cases) {
      const gi = buildH3Weights(c.cells, { k: c.k, kernel: c.kernel });
      expect(weightsToTriples(gi).map((t) => [t.i + 1, t.j + 1, t.w])).toEqual(c.giPairs);
      const moran = buildH3Weights(c.cells, { k: c.k, includeSelf: false });
      expect(weightsToTriples(moran).map((t) => [t.i + 1, t.j + 1])).toEqual(c.moranPairs);
    }
  });

  it('gives an interior cell 7 entries at k = 1 and 19 at k = 2, self included with weight 1', () => {
    // Almaty: latitude and longitude differ a lot, so a swapped (lng, lat) would land elsewhere.
    const centre = latLngToCell(43.24, 76.95, 9);
    expect(centre.startsWith('8920e')).toBe(true);
    const area = gridDisk(centre, 4);
    const i = area.indexOf(centre);
    const k1 = buildH3Weights(area, { k: 1 });
    const k2 = buildH3Weights(area, { k: 2 });
    expect(cardinality(k1, i)).toBe(7);
    expect(cardinality(k2, i)).toBe(19);
    expect(k1.selfIncluded).toBe(true);
    const self = Array.from(k1.neighbours.subarray(k1.offsets[i], k1.offsets[i + 1])).indexOf(i);
    expect(k1.weights[k1.offsets[i] + self]).toBe(1);
    expect(k1.resolution).toBe(9);
  });

  it('restricts neighbours to the study area and keeps an isolated cell with itself only', () => {
    const centre = latLngToCell(43.24, 76.95, 9);
    const far = latLngToCell(43.3, 77.1, 9);
    const w = buildH3Weights([centre, far], { k: 1 });
    expect(Array.from(w.offsets)).toEqual([0, 1, 2]);
    expect(Array.from(w.neighbours)).toEqual([0, 1]);
  });

  it('weights by grid distance with bandwidth k + 1', () => {
    expect(kernelWeight('binary', 2, 2)).toBe(1);
    expect(kernelWeight('gaussian', 0, 2)).toBe(1);
    expect(kernelWeight('gaussian', 1, 2)).toBeCloseTo(Math.exp(-0.5 / 9), 15);
    expect(kernelWeight('bisquare', 2, 2)).toBeCloseTo((1 - 4 / 9) ** 2, 15);
    const centre = latLngToCell(43.24, 76.95, 9);
    const w = buildH3Weights(gridDisk(centre, 3), { k: 2, kernel: 'gaussian' });
    // symmetric: w_ij = w_ji
    const lookup = new Map(weightsToTriples(w).map((t) => [`${t.i},${t.j}`, t.w]));
    for (const [key, value] of lookup) {
      const [i, j] = key.split(',');
      expect(lookup.get(`${j},${i}`)).toBe(value);
    }
  });

  it('refuses invalid, duplicate and mixed-resolution cells and bad k', () => {
    const a = latLngToCell(43.24, 76.95, 9);
    expect(() => buildH3Weights(['not-a-cell'], { k: 1 })).toThrow(/not a valid H3 cell/);
    expect(() => buildH3Weights([a, a], { k: 1 })).toThrow(/twice/);
    expect(() => buildH3Weights([a, latLngToCell(43.24, 76.95, 8)], { k: 1 })).toThrow(/resolution/);
    expect(() => buildH3Weights([a], { k: 0 })).toThrow(/k must be/);
  });

  it('builds 45,000 cells at k = 1 (a whole city at resolution 10; its speed is measured by npm run bench)', () => {
    const centre = latLngToCell(43.24, 76.95, 10);
    const area = gridDisk(centre, 122); // 3*122*123+1 = 45,019 cells
    const w = buildH3Weights(area, { k: 1 });
    expect(w.n).toBe(45019);
    // interior cells have their 6 neighbours and themselves
    expect(w.offsets[1] - w.offsets[0]).toBe(7);
  });
});

describe('weights helpers', () => {
  const w = weightsFromRows([{ neighbours: [1, 0], weights: [2, 1] }, { neighbours: [0, 1] }, { neighbours: [2] }]);

  it('sorts rows, records self-inclusion and sums rows', () => {
    expect(Array.from(w.neighbours)).toEqual([0, 1, 0, 1, 2]);
    expect(Array.from(w.weights)).toEqual([1, 2, 1, 1, 1]);
    expect(w.selfIncluded).toBe(true);
    expect(Array.from(rowSums(w))).toEqual([3, 2, 1]);
  });

  it('drops the diagonal and row-standardises, leaving empty rows empty', () => {
    const off = rowStandardised(withoutSelf(w));
    expect(off.selfIncluded).toBe(false);
    expect(Array.from(off.offsets)).toEqual([0, 1, 2, 2]);
    expect(Array.from(off.weights)).toEqual([1, 1]);
  });

  it('rejects duplicates, out-of-range indices and non-positive weights', () => {
    expect(() => weightsFromRows([{ neighbours: [0, 0] }])).toThrow(/twice/);
    expect(() => weightsFromRows([{ neighbours: [3] }])).toThrow(/not in/);
    expect(() => weightsFromRows([{ neighbours: [0], weights: [0] }])).toThrow(/> 0/);
  });
});
