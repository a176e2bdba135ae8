import { buildH3Weights, getisOrdGiStar, weightsFromRows } from '../../../../src/geo/stats';
import { expectClose, inputs, reference } from './spdepFixtures';

/**
 * Reference: R spdep localG(x, listw, zero.policy = TRUE) on include.self neighbour lists with
 * style "B" (binary or our kernel weights as glist); p = 2 * pnorm(-abs(z)); pBH = p.adjust(p, "BH").
 * See test/fixtures/spdep/make-reference.R.
 */
describe('Getis-Ord Gi* against R spdep localG', () => {
  it.each(inputs.cases.map((c) => [c.name, c] as const))('%s: z to 1e-9 absolute, p and BH p to 1e-9 relative', (name, c) => {
    const expected = reference.cases[name].localG;
    const weights = buildH3Weights(c.cells, { k: c.k, kernel: c.kernel });
    const result = getisOrdGiStar(c.values, weights);
    expectClose(result.z, expected.z, 1e-9, 0, 'z');
    expectClose(result.p, expected.pTwoSided, 1e-15, 1e-9, 'p');
    expectClose(result.p, expected.p, 1e-15, 1e-9, 'spdep internals p');
    expectClose(result.pFdr, expected.pBH, 1e-15, 1e-9, 'pBH');
  });

  it('bins by Esri confidence levels and, with FDR, at each level separately', () => {
    const c = inputs.cases.find((x) => x.name === 'almaty_k2')!;
    const expected = reference.cases.almaty_k2.localG;
    const result = getisOrdGiStar(c.values, buildH3Weights(c.cells, { k: c.k }));
    let significantRaw = 0;
    let significantFdr = 0;
    expected.z.forEach((z, i) => {
      const p = expected.pTwoSided[i]!;
      const level = p < 0.01 ? 3 : p < 0.05 ? 2 : p < 0.1 ? 1 : 0;
      expect(result.bin[i]).toBe(level === 0 ? 0 : Math.sign(z!) * level);
      const q = expected.pBH[i]!;
      const levelFdr = q <= 0.01 ? 3 : q <= 0.05 ? 2 : q <= 0.1 ? 1 : 0;
      expect(result.binFdr[i]).toBe(levelFdr === 0 ? 0 : Math.sign(z!) * levelFdr);
      if (level > 0) significantRaw++;
      if (levelFdr > 0) significantFdr++;
    });
    // the fixture is built to have both kinds, and FDR never adds discoveries
    expect(significantFdr).toBeGreaterThan(0);
    expect(significantRaw).toBeGreaterThan(significantFdr);
    expect(result.bin.some((b) => b < 0)).toBe(true);
  });

  it('reports the isolated cell, whose z is its standardised value', () => {
    const c = inputs.cases[0];
    const result = getisOrdGiStar(c.values, buildH3Weights(c.cells, { k: 1 }));
    const warning = result.warnings.find((w) => w.code === 'NO_NEIGHBOURS');
    expect(warning?.cells).toEqual([c.cells.length - 1]);
    const last = c.cells.length - 1;
    expect(result.z[last]).toBeCloseTo((c.values[last] - result.mean) / result.standardDeviation, 12);
  });

  it('returns NaN z and p (not a crash) with a ZERO_VARIANCE warning when all values are equal', () => {
    const c = inputs.cases[0];
    const result = getisOrdGiStar(new Float64Array(c.cells.length), buildH3Weights(c.cells, { k: 1 }));
    expect(result.z.every(Number.isNaN)).toBe(true);
    expect(result.p.every(Number.isNaN)).toBe(true);
    expect(Array.from(result.bin).every((b) => b === 0)).toBe(true);
    expect(result.warnings.map((w) => w.code)).toContain('ZERO_VARIANCE');
    expect(getisOrdGiStar(new Float64Array(c.cells.length), buildH3Weights(c.cells, { k: 1 }), { permutations: 9 }).pseudoP).toBeNull();
  });

  it('marks a neighbourhood covering the whole study area as undefined (n * S1 = W^2)', () => {
    const all = [0, 1, 2];
    const w = weightsFromRows([{ neighbours: all }, { neighbours: [0, 1] }, { neighbours: [2] }]);
    const result = getisOrdGiStar([1, 2, 4], w);
    expect(Number.isNaN(result.z[0])).toBe(true);
    expect(result.warnings.find((x) => x.code === 'UNDEFINED_Z')?.cells).toEqual([0]);
    expect(Number.isNaN(result.z[1])).toBe(false);
  });

  it('refuses weights without self, mismatched lengths and non-finite values', () => {
    const c = inputs.cases[0];
    const noSelf = buildH3Weights(c.cells, { k: 1, includeSelf: false });
    expect(() => getisOrdGiStar(c.values, noSelf)).toThrow(/include each cell itself/);
    const w = buildH3Weights(c.cells, { k: 1 });
    expect(() => getisOrdGiStar(c.values.slice(1), w)).toThrow(RangeError);
    const bad = c.values.slice();
    bad[3] = Number.NaN;
    expect(() => getisOrdGiStar(bad, w)).toThrow(/finite/);
  });
});

describe('Gi* conditional permutation pseudo p', () => {
  const c = inputs.cases.find((x) => x.name === 'almaty_k1')!;
  const weights = buildH3Weights(c.cells, { k: 1 });

  it('is reproducible for a seed and changes with the seed', () => {
    const a = getisOrdGiStar(c.values, weights, { permutations: 199, seed: 42 });
    const b = getisOrdGiStar(c.values, weights, { permutations: 199, seed: 42 });
    const other = getisOrdGiStar(c.values, weights, { permutations: 199, seed: 43 });
    expect(Array.from(a.pseudoP!)).toEqual(Array.from(b.pseudoP!));
    expect(Array.from(a.pseudoP!)).not.toEqual(Array.from(other.pseudoP!));
    expect(a.seed).toBe(42);
    expect(a.permutations).toBe(199);
  });

  it('lies on the grid k/(perms+1), is 1 for the isolated cell, and agrees with the normal p on strong hot spots', () => {
    const perms = 999;
    const result = getisOrdGiStar(c.values, weights, { permutations: perms, seed: 7 });
    const pseudo = result.pseudoP!;
    for (let i = 0; i < pseudo.length; i++) {
      const k = pseudo[i] * (perms + 1);
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
      expect(pseudo[i]).toBeGreaterThanOrEqual(1 / (perms + 1));
      expect(pseudo[i]).toBeLessThanOrEqual(1);
    }
    expect(pseudo[c.cells.length - 1]).toBe(1);
    // every cell with |z| > 3.5 should be extreme under permutation too (folded one-sided p)
    for (let i = 0; i < pseudo.length; i++) {
      if (Math.abs(result.z[i]) > 3.5) expect(pseudo[i]).toBeLessThan(0.01);
      if (Math.abs(result.z[i]) < 0.2) expect(pseudo[i]).toBeGreaterThan(0.1);
    }
  });
});
