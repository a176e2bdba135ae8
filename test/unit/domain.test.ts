import { NEXT_RECOMMENDATION_STATUSES, OPEN_RECOMMENDATION_STATUSES, RECOMMENDATION_STATUSES, RecommendationStatus } from '../../src/domain';

describe('recommendation workflow', () => {
  it('ends in DONE, REJECTED or CANCELLED, which have no next status', () => {
    for (const status of RECOMMENDATION_STATUSES) {
      const open = OPEN_RECOMMENDATION_STATUSES.includes(status);
      expect(NEXT_RECOMMENDATION_STATUSES[status].length > 0).toBe(open);
    }
  });

  it('reaches every status from PROPOSED and lets every open case be cancelled', () => {
    const reached = new Set<RecommendationStatus>(['proposed']);
    const queue: RecommendationStatus[] = ['proposed'];
    while (queue.length > 0) {
      for (const next of NEXT_RECOMMENDATION_STATUSES[queue.shift()!]) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    expect([...reached].sort()).toEqual([...RECOMMENDATION_STATUSES].sort());
    for (const status of OPEN_RECOMMENDATION_STATUSES) expect(NEXT_RECOMMENDATION_STATUSES[status]).toContain('cancelled');
  });

  it('follows the agreed path proposed -> accepted -> in_progress -> done', () => {
    expect(NEXT_RECOMMENDATION_STATUSES.proposed).toContain('accepted');
    expect(NEXT_RECOMMENDATION_STATUSES.accepted).toContain('in_progress');
    expect(NEXT_RECOMMENDATION_STATUSES.in_progress).toContain('done');
    expect(NEXT_RECOMMENDATION_STATUSES.proposed).not.toContain('done');
  });
});
