import { normalCdf, normalUpperTail, twoSidedP } from '../../../../src/geo/stats';
import { reference } from './spdepFixtures';

/** R 4.2 pnorm() values from test/fixtures/spdep/reference.json (make-reference.R). */
describe('normal distribution against R pnorm', () => {
  const { z, pnorm, upper, twoSided } = reference.normal;

  function relativeError(ours: number, theirs: number): number {
    if (theirs === 0) return Math.abs(ours);
    return Math.abs(ours - theirs) / Math.abs(theirs);
  }

  it('Phi(z) matches pnorm(z) to 1e-14 relative, z in [-37.5, 37.5]', () => {
    z.forEach((zi, i) => expect(relativeError(normalCdf(zi), pnorm[i])).toBeLessThan(1e-14));
  });

  it('upper tail matches pnorm(z, lower.tail = FALSE) to 1e-14 relative', () => {
    z.forEach((zi, i) => expect(relativeError(normalUpperTail(zi), upper[i])).toBeLessThan(1e-14));
  });

  it('two-sided p matches 2 * pnorm(-abs(z)) to 1e-14 relative, including z = +-30 (p ~ 1e-197)', () => {
    z.forEach((zi, i) => expect(relativeError(twoSidedP(zi), twoSided[i])).toBeLessThan(1e-14));
    const at30 = z.indexOf(30);
    expect(twoSided[at30]).toBeGreaterThan(1e-198);
    expect(twoSided[at30]).toBeLessThan(1e-196);
  });

  it('handles the edges: 0, NaN, infinities, far tails', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(twoSidedP(0)).toBe(1);
    expect(Number.isNaN(twoSidedP(Number.NaN))).toBe(true);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(twoSidedP(Number.POSITIVE_INFINITY)).toBe(0);
    expect(twoSidedP(-50)).toBe(0);
  });

  it('is symmetric: Phi(-z) = 1 - Phi(z) = upper(z)', () => {
    for (const zi of [0.3, 1.1, 2.7, 6.4, 11]) {
      expect(normalCdf(-zi)).toBe(normalUpperTail(zi));
    }
  });
});
