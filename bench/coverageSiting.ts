/**
 * Timing of the coverage pipeline on a city-sized synthetic instance: straight-line reach of
 * 10 000 candidate sites at H3 resolution 10, the coverage relation over ~50 000 demand cells,
 * then siting 36 new posts, with the pure functions of src/geo/coverage. `node dist/bench/coverageSiting.js`
 * (after `npm run build`) prints one run as JSON. Seeded, so every run builds the same instance.
 */
import { cellDisk, pointToCell } from '../src/geo/h3';
import { buildCoverageRelation, coveredDemandFlags, indicesOfFlags } from '../src/geo/coverage/coverageRelation';
import { solveMaximalCoveringMip, type CoveringMipOptions, type MipReport } from '../src/geo/coverage/coverageMip';
import { DEFAULT_DETOUR_FACTOR, straightLineReachCellsOfCell } from '../src/geo/coverage/straightLineReach';
import { mulberry32 } from '../src/geo/stats/random';
import { highsMipSolve } from '../src/compute/mipSolver';

export interface CoverageBenchmarkOptions {
  readonly demandCellCount?: number;
  readonly candidateCount?: number;
  readonly existingPostCount?: number;
  readonly newSiteCount?: number;
  readonly resolution?: number;
  readonly walkingRadiusMeters?: number;
  readonly detourFactor?: number;
  readonly seed?: number;
  /** The solver and its settings (HiGHS: `{ solve: await highsMipSolve() }`); greedy alone without a solver. */
  readonly siting?: CoveringMipOptions;
}

export interface CoverageBenchmarkResult {
  readonly demandCellCount: number;
  readonly candidateCount: number;
  readonly coverageNonzeros: number;
  readonly newSiteCount: number;
  /** wall-clock times, and the CPU time of this process during the siting (the machine may be shared) */
  readonly timingsMs: { readonly reach: number; readonly relation: number; readonly siting: number; readonly sitingCpu: number };
  readonly siting: {
    readonly method: 'mip' | 'greedy';
    readonly optimal: boolean;
    readonly greedyCoveredAfter: number;
    readonly lpBound: number | null;
    readonly gap: number;
    readonly fallback: string | null;
    readonly mip: MipReport | null;
    readonly sitesChosen: number;
    readonly coveredBefore: number;
    readonly coveredAfter: number;
    readonly upperBound: number;
    readonly totalDemand: number;
    readonly provenGainRatio: number;
  };
}

/** Almaty's centre: latitude and longitude differ, so a swap would move the instance far away. */
const CENTRE = { lat: 43.24, lng: 76.95 };

export function runCoverageBenchmark(options: CoverageBenchmarkOptions = {}): CoverageBenchmarkResult {
  const demandCellCount = options.demandCellCount ?? 50_000;
  const candidateCount = options.candidateCount ?? 10_000;
  const existingPostCount = options.existingPostCount ?? 20;
  const newSiteCount = options.newSiteCount ?? 36;
  const resolution = options.resolution ?? 10;
  const walkingRadiusMeters = options.walkingRadiusMeters ?? 500;
  const detourFactor = options.detourFactor ?? DEFAULT_DETOUR_FACTOR;
  const random = mulberry32(options.seed ?? 1);

  // Demand: a disk of cells around the centre with skewed weights (few dense blocks, many sparse).
  const centreCell = pointToCell([CENTRE.lng, CENTRE.lat], resolution);
  let k = 1;
  while (3 * k * k + 3 * k + 1 < demandCellCount) k++;
  const demandCells = cellDisk(centreCell, k).slice(0, demandCellCount);
  const weights = Float64Array.from(demandCells, () => Math.floor(-Math.log(1 - random()) * 40));

  // Candidates: distinct demand cells chosen at random (partial Fisher-Yates).
  const order = Int32Array.from(demandCells.keys());
  const pickCount = Math.min(candidateCount + existingPostCount, order.length);
  for (let i = 0; i < pickCount; i++) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const siteCells = Array.from(order.subarray(0, pickCount), (j) => demandCells[j]);

  let t = performance.now();
  const reach = siteCells.map((cell) => straightLineReachCellsOfCell(cell, walkingRadiusMeters, detourFactor).cells);
  const reachMs = performance.now() - t;

  t = performance.now();
  const relation = buildCoverageRelation(reach, demandCells);
  const existing = relation.slice(0, existingPostCount);
  const candidates = relation.slice(existingPostCount);
  const coveredByExistingPosts = indicesOfFlags(
    coveredDemandFlags(
      demandCells.length,
      existing,
      existing.map((_, i) => i),
    ),
  );
  const relationMs = performance.now() - t;

  t = performance.now();
  const cpu = process.cpuUsage();
  const result = solveMaximalCoveringMip({ demandWeights: weights, candidateCoverage: candidates, coveredByExistingPosts, newSiteCount }, options.siting);
  const sitingMs = performance.now() - t;
  const sitingCpuMs = process.cpuUsage(cpu).user / 1000;

  return {
    demandCellCount: demandCells.length,
    candidateCount: candidates.length,
    coverageNonzeros: candidates.reduce((n, list) => n + list.length, 0),
    newSiteCount,
    timingsMs: { reach: reachMs, relation: relationMs, siting: sitingMs, sitingCpu: sitingCpuMs },
    siting: {
      method: result.method,
      optimal: result.optimal,
      greedyCoveredAfter: result.greedyCoveredAfter,
      lpBound: result.lpBound,
      gap: result.gap,
      fallback: result.fallback,
      mip: result.mip,
      sitesChosen: result.sites.length,
      coveredBefore: result.coveredBefore,
      coveredAfter: result.coveredAfter,
      upperBound: result.upperBound,
      totalDemand: result.totalDemand,
      provenGainRatio: result.provenGainRatio,
    },
  };
}

if (require.main === module) {
  // `node dist/bench/coverageSiting.js [sites] [timeLimitSeconds]`: greedy, then HiGHS on the same instance
  const newSiteCount = Number(process.argv[2] ?? 36);
  const timeLimitSeconds = Number(process.argv[3] ?? 10);
  void highsMipSolve().then((solve) => {
    console.log(JSON.stringify({ greedy: runCoverageBenchmark({ newSiteCount, siting: { method: 'greedy' } }), mip: runCoverageBenchmark({ newSiteCount, siting: { solve, timeLimitSeconds } }) }, null, 2));
  });
}
