import { runCoverageBenchmark } from '../../../bench/coverageSiting';

describe('coverage benchmark (smoke run; timings printed, not asserted)', () => {
  it('sites 36 posts among 10 000 candidates over ~50 000 demand cells', () => {
    const result = runCoverageBenchmark();
    console.log(`coverage benchmark: ${JSON.stringify(result.timingsMs)} ms; ${JSON.stringify(result.siting)}`);
    expect(result.candidateCount).toBe(10_000);
    expect(result.demandCellCount).toBe(50_000);
    expect(result.siting.sitesChosen).toBe(36);
    expect(result.siting.coveredAfter).toBeGreaterThan(result.siting.coveredBefore);
    expect(result.siting.coveredAfter).toBeLessThanOrEqual(result.siting.upperBound);
  });
});
