import { buildH3Weights, localMoran, rowStandardised, withoutSelf } from '../../../../src/geo/stats';
import { expectClose, inputs, reference } from './spdepFixtures';

/**
 * Reference: R spdep localmoran(x, nb2listw(nb, style = "W", zero.policy = TRUE), zero.policy = TRUE)
 * with its defaults (conditional = TRUE, mlvar = TRUE, two-sided), on the neighbour lists our
 * builder exported without self. See test/fixtures/spdep/make-reference.R.
 */
const QUADRANT_FROM_R: Record<string, string> = { 'High-High': 'HH', 'Low-Low': 'LL', 'High-Low': 'HL', 'Low-High': 'LH' };

describe("Local Moran's I against R spdep localmoran", () => {
  it.each(inputs.cases.map((c) => [c.name, c] as const))('%s: Ii, E.Ii, Var.Ii, Z.Ii to 1e-9, p to 1e-9 relative, quadrants', (name, c) => {
    const expected = reference.cases[name].localmoran;
    const weights = rowStandardised(buildH3Weights(c.cells, { k: c.k, includeSelf: false }));
    const result = localMoran(c.values, weights);
    expectClose(result.ii, expected.Ii, 1e-9, 0, 'Ii');
    expectClose(result.expected, expected['E.Ii'], 1e-9, 0, 'E.Ii');
    expectClose(result.variance, expected['Var.Ii'], 1e-9, 0, 'Var.Ii');
    expectClose(result.z, expected['Z.Ii'], 1e-9, 0, 'Z.Ii');
    expectClose(result.p, expected.p, 1e-15, 1e-9, 'p');
    expectClose(result.pFdr, expected.pBH, 1e-15, 1e-9, 'pBH');
    expect(result.quadrant).toEqual(expected.quadrantMean.map((q) => QUADRANT_FROM_R[q]));
  });

  it('derives the same weights from the Gi* weights by dropping self', () => {
    const c = inputs.cases[0];
    const fromGi = localMoran(c.values, rowStandardised(withoutSelf(buildH3Weights(c.cells, { k: 1 }))));
    expectClose(fromGi.ii, reference.cases[c.name].localmoran.Ii, 1e-12);
  });

  it('labels clusters only where significant, and FDR clusters are a subset', () => {
    const c = inputs.cases.find((x) => x.name === 'almaty_k2')!;
    const result = localMoran(c.values, rowStandardised(buildH3Weights(c.cells, { k: 2, includeSelf: false })));
    result.cluster.forEach((label, i) => {
      expect(label).toBe(result.p[i] <= 0.05 ? result.quadrant[i] : 'NS');
      if (result.clusterFdr[i] !== 'NS') expect(label).toBe(result.clusterFdr[i]);
    });
    expect(result.cluster.filter((x) => x === 'HH').length).toBeGreaterThan(0);
  });

  it('gives the isolated cell I = 0 with undefined z, and warns', () => {
    const c = inputs.cases[0];
    const result = localMoran(c.values, rowStandardised(buildH3Weights(c.cells, { k: 1, includeSelf: false })));
    const last = c.cells.length - 1;
    expect(Math.abs(result.ii[last])).toBe(0);
    expect(Number.isNaN(result.z[last])).toBe(true);
    expect(result.cluster[last]).toBe('NS');
    expect(result.warnings.find((w) => w.code === 'NO_NEIGHBOURS')?.cells).toEqual([last]);
  });

  it('refuses self-neighbours, and survives zero variance', () => {
    const c = inputs.cases[0];
    expect(() => localMoran(c.values, buildH3Weights(c.cells, { k: 1 }))).toThrow(/without the cell itself/);
    const flat = localMoran(new Array<number>(c.cells.length).fill(3), rowStandardised(buildH3Weights(c.cells, { k: 1, includeSelf: false })), { permutations: 19 });
    expect(flat.z.every(Number.isNaN)).toBe(true);
    expect(flat.pseudoP).toBeNull();
    expect(flat.warnings.map((w) => w.code)).toContain('ZERO_VARIANCE');
  });

  it('permutation pseudo p: seeded, on the 1/(perms+1) grid, used for clusters, strong clusters stay significant', () => {
    const c = inputs.cases.find((x) => x.name === 'almaty_k1')!;
    const weights = rowStandardised(buildH3Weights(c.cells, { k: 1, includeSelf: false }));
    const a = localMoran(c.values, weights, { permutations: 999, seed: 3 });
    const b = localMoran(c.values, weights, { permutations: 999, seed: 3 });
    expect(Array.from(a.pseudoP!)).toEqual(Array.from(b.pseudoP!));
    a.pseudoP!.forEach((q, i) => {
      expect(Math.abs(q * 1000 - Math.round(q * 1000))).toBeLessThan(1e-9);
      expect(a.cluster[i]).toBe(q <= 0.05 ? a.quadrant[i] : 'NS');
      if (Math.abs(a.z[i]) > 3.5) expect(q).toBeLessThan(0.01);
    });
    // a cell exactly at the mean cannot deviate: p = 1, not a spurious 1/(perms+1)
    const mean = c.values.reduce((s, v) => s + v, 0) / c.values.length;
    c.values.forEach((v, i) => {
      if (v === mean) expect(a.pseudoP![i]).toBe(1);
    });
  });
});
