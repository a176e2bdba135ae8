import { classifyEmergingHotSpot, emergingHotSpots, type EmergingHotSpotCategory } from '../../../../src/geo/stats';

/**
 * The rules of Esri's "How Emerging Hot Spot Analysis works", one constructed series per category
 * (see docs/methods.md). 'H' = significant hot step, 'C' = significant cold step, '.' = neither;
 * the z-score of each step carries the trend that the Mann-Kendall test sees.
 */
function series(pattern: string, trend: 'up' | 'down' | 'flat'): { z: number[]; p: number[] } {
  const n = pattern.length;
  const z: number[] = [];
  const p: number[] = [];
  for (let t = 0; t < n; t++) {
    const ch = pattern[t];
    // magnitude drifts with the trend; sign and significance come from the pattern
    const drift = trend === 'up' ? t / n : trend === 'down' ? (n - t) / n : t % 2 === 0 ? 0.5 : 0.6;
    const magnitude = ch === '.' ? 0.5 * drift : 2 + drift;
    z.push(ch === 'C' ? -magnitude : ch === '.' ? (t % 2 === 0 ? magnitude : -magnitude) : magnitude);
    p.push(ch === '.' ? 0.5 : 0.01);
  }
  return { z, p };
}

const cases: [string, string, 'up' | 'down' | 'flat', EmergingHotSpotCategory][] = [
  ['new hot', '.........H', 'flat', 'new_hot_spot'],
  ['new hot after an old cold spot', 'C........H', 'flat', 'new_hot_spot'],
  ['consecutive hot', '.......HHH', 'flat', 'consecutive_hot_spot'],
  ['intensifying hot', 'HHHHHHHHHH', 'up', 'intensifying_hot_spot'],
  ['persistent hot', 'HHHHHHHHHH', 'flat', 'persistent_hot_spot'],
  ['persistent hot with one gap', 'HHHH.HHHHH', 'flat', 'persistent_hot_spot'],
  ['diminishing hot', 'HHHHHHHHHH', 'down', 'diminishing_hot_spot'],
  ['sporadic hot', '..H..H...H', 'flat', 'sporadic_hot_spot'],
  ['sporadic hot ending in a run', '.H.....HHH', 'flat', 'sporadic_hot_spot'],
  ['oscillating hot', 'H..C.H...H', 'flat', 'oscillating_hot_spot'],
  ['historical hot', 'HHHHHHHHH.', 'flat', 'historical_hot_spot'],
  ['new cold', '.........C', 'flat', 'new_cold_spot'],
  ['consecutive cold', '........CC', 'flat', 'consecutive_cold_spot'],
  ['intensifying cold (z falling)', 'CCCCCCCCCC', 'up', 'intensifying_cold_spot'],
  ['persistent cold', 'CCCCCCCCCC', 'flat', 'persistent_cold_spot'],
  ['diminishing cold (z rising)', 'CCCCCCCCCC', 'down', 'diminishing_cold_spot'],
  ['sporadic cold', 'C...C....C', 'flat', 'sporadic_cold_spot'],
  ['oscillating cold', 'C.H......C', 'flat', 'oscillating_cold_spot'],
  ['historical cold', 'CCCCCCCCC.', 'flat', 'historical_cold_spot'],
  ['no pattern', '..H..C....', 'flat', 'no_pattern'],
  ['nothing significant', '..........', 'up', 'no_pattern'],
];

describe('emerging hot spot categories (Esri rules)', () => {
  it.each(cases)('%s: %s -> %s', (_, pattern, trend, expected) => {
    const { z, p } = series(pattern, trend);
    const result = classifyEmergingHotSpot(z, p);
    expect(result.category).toBe(expected);
    expect(result.hotSteps).toBe([...pattern].filter((c) => c === 'H').length);
    expect(result.coldSteps).toBe([...pattern].filter((c) => c === 'C').length);
  });

  it('the constructed trends are what the Mann-Kendall test sees', () => {
    expect(classifyEmergingHotSpot(...(Object.values(series('HHHHHHHHHH', 'up')) as [number[], number[]])).trend.z).toBeGreaterThan(2);
    expect(classifyEmergingHotSpot(...(Object.values(series('HHHHHHHHHH', 'down')) as [number[], number[]])).trend.z).toBeLessThan(-2);
    expect(classifyEmergingHotSpot(...(Object.values(series('HHHHHHHHHH', 'flat')) as [number[], number[]])).trend.p).toBeGreaterThan(0.1);
  });

  it('honours alpha: with alpha = 0.005 nothing at p = 0.01 is significant', () => {
    const { z, p } = series('HHHHHHHHHH', 'flat');
    expect(classifyEmergingHotSpot(z, p, { alpha: 0.005 }).category).toBe('no_pattern');
  });

  it('classifies every cell of per-step Gi* results and warns about short series', () => {
    const hot = series('HHHHHHHHHH', 'up');
    const fresh = series('.........H', 'flat');
    const steps = hot.z.map((_, t) => ({ z: [hot.z[t], fresh.z[t]], p: [hot.p[t], fresh.p[t]] }));
    const result = emergingHotSpots(steps);
    expect(result.cells.map((c) => c.category)).toEqual(['intensifying_hot_spot', 'new_hot_spot']);
    expect(result.warnings).toEqual([]);
    expect(emergingHotSpots(steps.slice(0, 4)).warnings[0].code).toBe('SHORT_SERIES');
    expect(() =>
      emergingHotSpots([
        { z: [1], p: [0.5] },
        { z: [1, 2], p: [0.5, 0.5] },
      ]),
    ).toThrow(RangeError);
  });

  it('treats NaN z (undefined Gi*) as not significant', () => {
    const { z, p } = series('HHHHHHHHHH', 'flat');
    z[9] = Number.NaN;
    p[9] = Number.NaN;
    expect(classifyEmergingHotSpot(z, p).category).toBe('historical_hot_spot');
  });
});
