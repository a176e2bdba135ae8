/**
 * The Knox test against a brute-force R implementation (test/fixtures/knox/make-reference.R: all
 * pairs counted directly, 19 permutations drawn by R and applied here) and a worked example.
 */
import fs from 'node:fs';
import path from 'node:path';
import { closePairs, KnoxBands, knoxCounts, knoxTest, pairsPerTimeColumn } from '../../../../src/geo/stats';

const ref = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../fixtures/knox/reference.json'), 'utf8')) as {
  x: number[];
  y: number[];
  day: number[];
  bands: KnoxBands;
  observed: number[];
  permutations: number[][];
  expected: number[];
  p: number[];
};

describe('Knox test', () => {
  it('counts the observed pairs as the brute-force R table', () => {
    const pairs = closePairs(ref, ref.bands);
    const totals = pairsPerTimeColumn(ref.day, ref.bands);
    expect(Array.from(knoxCounts(pairs, ref.day, totals, ref.bands))).toEqual(ref.observed);
  });

  it("gives R's expected counts and pseudo p for R's permutations of the dates", () => {
    const pairs = closePairs(ref, ref.bands);
    const totals = pairsPerTimeColumn(ref.day, ref.bands);
    const sum = new Float64Array(ref.observed.length);
    const atLeast = new Float64Array(ref.observed.length);
    for (const perm of ref.permutations) {
      const table = knoxCounts(
        pairs,
        perm.map((k) => ref.day[k]),
        totals,
        ref.bands,
      );
      table.forEach((v, c) => {
        sum[c] += v;
        if (v >= ref.observed[c]) atLeast[c]++;
      });
    }
    const R = ref.permutations.length;
    sum.forEach((s, c) => expect(Math.abs(s / R - ref.expected[c])).toBeLessThan(1e-9));
    atLeast.forEach((a, c) => expect(Math.abs((a + 1) / (R + 1) - ref.p[c])).toBeLessThan(1e-12));
  });

  it('matches a worked example by hand', () => {
    // A(0,0) day 0, B(50,0) day 3, C(0,0) day 20, D(1000,0) day 1; bands 100 m x 2, 7 days x 2
    const bands: KnoxBands = { distanceBandMeters: 100, distanceBands: 2, timeBandDays: 7, timeBands: 2, sameLocationMeters: 0 };
    const points = { x: [0, 50, 0, 1000], y: [0, 0, 0, 0], day: [0, 3, 20, 1] };
    const table = knoxCounts(closePairs(points, bands), points.day, pairsPerTimeColumn(points.day, bands), bands);
    // AC same place, 20 days (beyond 14); AB and BC within 100 m, 3 and 17 days; AD, BD, CD beyond 200 m
    expect(Array.from(table)).toEqual([0, 0, 1, 1, 0, 1, 0, 0, 0, 2, 0, 1]);
  });

  it('is reproducible for a seed, with the planted near repeats significant', () => {
    const a = knoxTest(ref, ref.bands, { permutations: 199, seed: 7 });
    const b = knoxTest(ref, ref.bands, { permutations: 199, seed: 7 });
    expect(Array.from(a.p)).toEqual(Array.from(b.p));
    expect(Array.from(a.observed)).toEqual(ref.observed);
    // (0,100] m and 0-7 days: the planted follow-ups
    expect(a.ratio[1 * a.columns]).toBeGreaterThan(2);
    expect(a.p[1 * a.columns]).toBeLessThan(0.01);
    expect(a.pFdr[a.rows * a.columns - 1]).toBeNaN();
  });

  it('runs 999 permutations over 10,000 incidents in well under 5 s', () => {
    let s = 1;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const n = 10_000;
    const pts = { x: Float64Array.from({ length: n }, () => rnd() * 20_000), y: Float64Array.from({ length: n }, () => rnd() * 20_000), day: Float64Array.from({ length: n }, () => Math.floor(rnd() * 365)) };
    const bands: KnoxBands = { distanceBandMeters: 100, distanceBands: 5, timeBandDays: 7, timeBands: 4, sameLocationMeters: 0 };
    // CPU time of this process: other processes competing for the cores do not count
    const started = process.cpuUsage();
    const result = knoxTest(pts, bands, { permutations: 999, seed: 1 });
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    expect(result.closePairs).toBeGreaterThan(30_000);
    expect(ms).toBeLessThan(5_000);
  });
});
