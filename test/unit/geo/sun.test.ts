import { isNight } from '../../../src/geo/sun';

// Almaty on 2025-06-21: sunrise about 04:13 and sunset about 19:37 at UTC+5, Kazakhstan's time
// since March 2024 (05:13 and 20:37 in the older UTC+6 tables). Checks stay 10 minutes clear.
const ALMATY: [number, number] = [76.95, 43.24];

describe('isNight', () => {
  it('follows the actual sunrise and sunset, not fixed hours', () => {
    expect(isNight(ALMATY, new Date('2025-06-21T04:03:00+05:00'))).toBe(true);
    expect(isNight(ALMATY, new Date('2025-06-21T04:23:00+05:00'))).toBe(false);
    expect(isNight(ALMATY, new Date('2025-06-21T19:27:00+05:00'))).toBe(false);
    expect(isNight(ALMATY, new Date('2025-06-21T19:47:00+05:00'))).toBe(true);
    // 18:30 is daylight in June and night in December
    expect(isNight(ALMATY, new Date('2025-06-21T18:30:00+05:00'))).toBe(false);
    expect(isNight(ALMATY, new Date('2025-12-21T18:30:00+05:00'))).toBe(true);
  });
});
