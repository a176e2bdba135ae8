/** Disclosure rules, with expected answers worked out by hand from the rules in docs/security.md. */
import fc from 'fast-check';
import { countBand, imputedForStatistics, isReleasable, releaseMonthsWindow, releaseWindow, suppressBreakdown } from '../../../src/geo/privacy';

describe('suppressBreakdown (threshold 5)', () => {
  it('releases zero and counts of 5 or more, suppresses 1 to 4', () => {
    expect([0, 1, 4, 5, 17].map((c) => isReleasable(c, 5))).toEqual([true, false, false, true, true]);
  });

  it('suppresses every part of a suppressed total', () => {
    expect(suppressBreakdown(3, [1, 2, 0], 5)).toEqual({ total: null, parts: [null, null, null] });
  });

  it('leaves a breakdown with no small part as it is', () => {
    expect(suppressBreakdown(12, [7, 5, 0], 5)).toEqual({ total: 12, parts: [7, 5, 0] });
  });

  it('hides a second part when the one small part could be subtracted out (12 = 10 + 2)', () => {
    expect(suppressBreakdown(12, [10, 2], 5)).toEqual({ total: 12, parts: [null, null] });
  });

  it('hides the smallest released part first, and only as many as needed (20 = 9 + 6 + 3 + 2)', () => {
    // hidden 3 + 2 = 5 already reaches the threshold: nothing more is hidden
    expect(suppressBreakdown(20, [9, 6, 3, 2], 5)).toEqual({ total: 20, parts: [9, 6, null, null] });
    // hidden 1 < 5: the smallest released part (6) is hidden too, giving 7; the zero part is hidden with them
    expect(suppressBreakdown(16, [9, 6, 1, 0], 5)).toEqual({ total: 16, parts: [9, null, null, null] });
  });

  it('hides zero parts once any part is hidden, so the count of hidden parts pins none (5 = 1 + 1 + 3 + 0)', () => {
    // had the zero stayed released, the three hidden parts would be known to be at least 1 each and sum to 5
    expect(suppressBreakdown(5, [1, 1, 3, 0], 5)).toEqual({ total: 5, parts: [null, null, null, null] });
    expect(suppressBreakdown(12, [7, 5, 0], 5)).toEqual({ total: 12, parts: [7, 5, 0] });
  });

  it('never lets total minus the released parts be a count from 1 to threshold - 1', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(12), { minLength: 1, maxLength: 8 }), fc.integer({ min: 2, max: 10 }), (parts, threshold) => {
        const total = parts.reduce((a, b) => a + b, 0);
        const shaped = suppressBreakdown(total, parts, threshold);
        if (shaped.total === null) return shaped.parts.every((p) => p === null);
        const hidden = total - shaped.parts.reduce<number>((a, p) => a + (p ?? 0), 0);
        const anyHidden = shaped.parts.some((p) => p === null);
        const released = shaped.parts.every((p, i) => p === null || p === parts[i]);
        const zerosHiddenWithOthers = !anyHidden || shaped.parts.every((p) => p !== 0);
        return released && zerosHiddenWithOthers && (anyHidden ? hidden >= threshold : hidden === 0) && shaped.parts.every((p) => p === null || isReleasable(p, threshold));
      }),
    );
  });
});

describe('imputedForStatistics', () => {
  it('takes each suppressed count as threshold / 2', () => {
    expect(Array.from(imputedForStatistics([0, null, 7], 5))).toEqual([0, 2.5, 7]);
  });
});

describe('releaseWindow', () => {
  const now = new Date('2026-11-25T13:00:00Z');

  it('defaults to the last finished calendar month', () => {
    expect(releaseWindow(null, null, now)).toEqual({ ok: true, from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') });
  });

  it('accepts exactly one whole finished month', () => {
    expect(releaseWindow(new Date('2025-12-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'), now).ok).toBe(true);
  });

  it.each([
    ['two months', '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z'],
    ['half a month', '2026-01-01T00:00:00Z', '2026-01-16T00:00:00Z'],
    ['a month shifted by a day', '2026-01-02T00:00:00Z', '2026-02-02T00:00:00Z'],
    ['the month still running', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
  ])('refuses %s', (_name, from, to) => {
    expect(releaseWindow(new Date(from), new Date(to), now).ok).toBe(false);
  });

  it('refuses an open end', () => {
    expect(releaseWindow(new Date('2026-01-01T00:00:00Z'), null, now).ok).toBe(false);
  });
});

describe('releaseMonthsWindow (the risk models, 12 months)', () => {
  const now = new Date('2026-11-25T13:00:00Z');

  it('defaults to the last 12 finished calendar months', () => {
    expect(releaseMonthsWindow(null, null, now, 12)).toEqual({ ok: true, from: new Date('2025-11-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') });
  });

  it('accepts any 12 whole finished months, across a year end', () => {
    expect(releaseMonthsWindow(new Date('2024-03-01T00:00:00Z'), new Date('2025-03-01T00:00:00Z'), now, 12).ok).toBe(true);
  });

  it.each([
    ['11 months', '2025-01-01T00:00:00Z', '2025-12-01T00:00:00Z'],
    ['12 months shifted by a day', '2025-01-02T00:00:00Z', '2026-01-02T00:00:00Z'],
    ['12 months ending in the running month', '2025-12-01T00:00:00Z', '2026-12-01T00:00:00Z'],
  ])('refuses %s', (_name, from, to) => {
    expect(releaseMonthsWindow(new Date(from), new Date(to), now, 12).ok).toBe(false);
  });
});

describe('countBand (threshold 5)', () => {
  it.each([
    [0, { low: 0, high: 0 }],
    [1, null],
    [4, null],
    [5, { low: 5, high: 9 }],
    [9, { low: 5, high: 9 }],
    [10, { low: 10, high: 19 }],
    [19, { low: 10, high: 19 }],
    [20, { low: 20, high: 49 }],
    [50, { low: 50, high: 99 }],
    [100, { low: 100, high: 199 }],
    [499, { low: 200, high: 499 }],
    [1000, { low: 1000, high: 1999 }],
    [73_456, { low: 50_000, high: 99_999 }],
  ])('%i is released as %j', (count, band) => {
    expect(countBand(count, 5)).toEqual(band);
  });

  it('starts at the threshold, whatever it is', () => {
    expect(countBand(11, 11)).toEqual({ low: 11, high: 19 });
    expect(countBand(10, 11)).toBeNull();
  });

  it('every count from the threshold up lies in its band, and bands do not overlap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 1_000_000 }), (count) => {
        const band = countBand(count, 5)!;
        const below = countBand(band.low - 1, 5);
        return band.low <= count && count <= band.high && (below === null || below.high === band.low - 1);
      }),
    );
  });
});
