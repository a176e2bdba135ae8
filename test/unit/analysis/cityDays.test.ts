/** Days, weeks and months of forecasts and near repeats in the city's calendar (Asia/Almaty), not UTC. */
import { addPeriods, periodStart } from '../../../src/analysis/forecast';
import { cityDay, cityDays, cityMidnight, DAY_MS } from '../../../src/analysis/cityDays';

const ZONE = 'Asia/Almaty';
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

describe("the city's calendar", () => {
  it('puts an incident at 00:30 local time on its local day (UTC+5 since March 2024, UTC+6 before)', () => {
    expect(cityDay(Date.parse('2025-05-31T19:30:00Z'), ZONE)).toBe(dayOf('2025-06-01'));
    expect(cityDay(Date.parse('2025-05-31T18:30:00Z'), ZONE)).toBe(dayOf('2025-05-31'));
    expect(cityDay(Date.parse('2024-01-10T18:30:00Z'), ZONE)).toBe(dayOf('2024-01-11'));
    expect(cityMidnight(dayOf('2025-06-02'), ZONE).toISOString()).toBe('2025-06-01T19:00:00.000Z');
    expect(cityMidnight(dayOf('2024-01-11'), ZONE).toISOString()).toBe('2024-01-10T18:00:00.000Z');
  });

  it('gives the same days for a sorted column as one by one, across the change of offset', () => {
    const times = Array.from({ length: 500 }, (_, i) => Date.parse('2024-02-25T00:00:00Z') + i * 1_731_000);
    const days = cityDays(times, ZONE);
    times.forEach((t, i) => expect(days[i]).toBe(cityDay(t, ZONE)));
  });

  it('starts weeks on Monday and months on the 1st at local midnight', () => {
    const asOf = new Date('2025-06-04T12:00:00Z');
    expect(periodStart(asOf, 'week', ZONE).toISOString()).toBe('2025-06-01T19:00:00.000Z');
    expect(periodStart(asOf, 'month', ZONE).toISOString()).toBe('2025-05-31T19:00:00.000Z');
    expect(periodStart(asOf, 'day', ZONE).toISOString()).toBe('2025-06-03T19:00:00.000Z');
    expect(addPeriods(periodStart(asOf, 'month', ZONE), 'month', 1, ZONE).toISOString()).toBe('2025-06-30T19:00:00.000Z');
    expect(addPeriods(periodStart(asOf, 'week', ZONE), 'week', -1, ZONE).toISOString()).toBe('2025-05-25T19:00:00.000Z');
    // the release lattice keeps UTC months
    expect(periodStart(asOf, 'month').toISOString()).toBe('2025-06-01T00:00:00.000Z');
  });
});
