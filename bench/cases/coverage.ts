/**
 * The coverage operations the benchmark times: coverage of every incident by every post over
 * the whole city, and siting 36 new posts among 10,000 candidate premises for the city.
 */
import type { BenchCase } from '../types';

/** Where people live in the demo city: the candidate lattice spans it. */
const POPULATED_BBOX = [76.76, 43.17, 77.16, 43.4];

/** A 100 x 100 lattice of candidate premises over the populated city (10,000 points). */
export function cityCandidateLattice(side = 100): { lng: number; lat: number; label: string }[] {
  const [minLng, minLat, maxLng, maxLat] = POPULATED_BBOX;
  const out: { lng: number; lat: number; label: string }[] = [];
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const lng = minLng + ((i + 0.5) * (maxLng - minLng)) / side;
      const lat = minLat + ((j + 0.5) * (maxLat - minLat)) / side;
      out.push({ lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6, label: `lattice-${i}-${j}` });
    }
  }
  return out;
}

const COVERAGE = `query CityCoverage($area: AreaInput!, $method: ReachMethod) {
  coverage(area: $area, method: $method) {
    reach { method radiusM detourFactor }
    postCount
    overall { residents { share } youngResidents { share } incidents { total covered share } significantHotspotCells { total covered share } }
    districts { name coverage { incidents { share } residents { share } } precinctOffices incidentsPerOffice }
    uncoveredHotspotCells { h3 }
  }
}`;

const SITING = `query CitySiting($area: AreaInput!, $candidates: [CandidateSiteInput!], $count: Int!, $method: ReachMethod, $solver: SitingSolver) {
  suggestPostSites(area: $area, count: $count, demand: INCIDENTS, radius: 500, candidates: $candidates, method: $method, solver: $solver) {
    solver optimal coveredBefore coveredAfter upperBound lpBound gap greedyCoveredAfter provenGainRatio candidateCount totalDemand fallbackReason
    solverRun { solver status nodes elapsedMs reductionMs timeLimitSeconds candidates demandItems lagrangianBound }
    sites { rank lng lat marginalGain }
  }
}`;

interface SitingFigures {
  solver: string;
  optimal: boolean;
  coveredBefore: number;
  coveredAfter: number;
  upperBound: number;
  lpBound: number | null;
  gap: number;
  greedyCoveredAfter: number;
  fallbackReason: string | null;
  solverRun: { solver: string; status: string; nodes: number; elapsedMs: number; reductionMs: number; candidates: number; demandItems: number; lagrangianBound: number | null } | null;
}

/** The solver's figures: objective, bounds, gap, greedy's value and the size of the model it solved. */
function sitingSummary(data: Record<string, unknown>): string {
  const s = data.suggestPostSites as SitingFigures;
  const run = s.solverRun;
  return (
    `${s.solver}${s.optimal ? ' (proven optimal)' : ''}: covered ${s.coveredBefore} -> ${s.coveredAfter} (greedy ${s.greedyCoveredAfter}), upper bound ${s.upperBound}, LP bound ${s.lpBound ?? '-'}, gap ${(100 * s.gap).toFixed(3)} %` +
    (run
      ? `; ${run.solver} ${run.status} after ${run.reductionMs} ms of reductions (${run.candidates} candidates, ${run.demandItems} demand items left, Lagrangian bound ${run.lagrangianBound?.toFixed(1)}) and ${run.elapsedMs.toFixed(0)} ms in the solver, ${run.nodes} nodes`
      : '') +
    (s.fallbackReason ? `; fallback: ${s.fallbackReason}` : '')
  );
}
const city = { city: true };

export const cases: BenchCase[] = [
  {
    name: 'coverage: all incidents by all posts, city, straight line',
    target: { p50Ms: 300 },
    query: COVERAGE,
    variables: { area: city, method: 'STRAIGHT_LINE' },
    // the bare scan coverage cannot beat: every incident read once, grouped by its stored cell
    floorSql: { sql: 'SELECT h3, count(*)::int FROM incidents GROUP BY 1' },
  },
  {
    name: 'suggestPostSites: 36 sites among 10,000 candidates, city',
    query: SITING,
    variables: { area: city, candidates: cityCandidateLattice(), count: 36, method: 'STRAIGHT_LINE', solver: 'AUTO' },
    iterations: 3,
    summary: sitingSummary,
  },
  {
    name: 'suggestPostSites: 36 sites among 10,000 candidates, city, greedy alone',
    query: SITING,
    variables: { area: city, candidates: cityCandidateLattice(), count: 36, method: 'STRAIGHT_LINE', solver: 'GREEDY' },
    iterations: 3,
    summary: sitingSummary,
  },
];
