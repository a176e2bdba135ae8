/** The working group's ranked list of fixes for the whole city, as a dashboard asks for it again and again. */
import type { BenchCase } from '../types';

const FIX_PRIORITIES = `query CityFixPriorities($area: AreaInput!, $window: TimeWindowInput) {
  fixPriorities(area: $area, window: $window, first: 50) {
    method
    items { rank kind id agency daysOpen nearestPostId nearestPostWalkingM expectedPreventedPerYear score }
  }
}`;

export const cases: BenchCase[] = [
  {
    name: 'fixPriorities: city, one year, top 50',
    target: { p50Ms: 200 },
    query: FIX_PRIORITIES,
    // the first request fits the model; the measured ones are what a dashboard sees after it
    variables: (ctx) => ({ area: { city: true }, window: ctx.year }),
  },
];
