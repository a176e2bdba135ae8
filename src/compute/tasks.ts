/**
 * The computations the worker pool runs: thin wrappers over the pure functions of src/geo, so
 * a result is the same whether it was computed in a worker or on the main thread (the same
 * code on the same numbers; typed arrays cross threads bit for bit).
 */
import { solveMaximalCoveringMip, solveSetCoveringMip, type CoveringMipOptions, type MaximalCoveringInput, type MaximalCoveringMipResult, type SetCoveringInput, type SetCoveringMipResult } from '../geo/coverage';
import { BacktestOptions, BacktestResult, backtestForecasts, ForecastHistory } from '../geo/forecast';
import { getisOrdGiStar, GiStarOptions, GiStarResult, KnoxBands, KnoxOptions, KnoxPoints, KnoxResult, knoxTest, localMoran, LocalMoranOptions, LocalMoranResult, SpatialWeights } from '../geo/stats';
import { highsMipSolve } from './mipSolver';

/** Weights as they cross to a worker: the CSR arrays only (an H3Weights' cell list stays behind). */
export interface PlainWeights {
  n: number;
  offsets: Int32Array;
  neighbours: Int32Array;
  weights: Float64Array;
  selfIncluded: boolean;
}

export interface GiStarTask {
  values: Float64Array;
  weights: PlainWeights;
  options: GiStarOptions;
}

export interface LocalMoranTask {
  values: Float64Array;
  weights: PlainWeights;
  options: LocalMoranOptions;
}

export function giStar(task: GiStarTask): GiStarResult {
  return getisOrdGiStar(task.values, task.weights, task.options);
}

export function moran(task: LocalMoranTask): LocalMoranResult {
  return localMoran(task.values, task.weights, task.options);
}

export interface KnoxTask {
  points: KnoxPoints;
  bands: KnoxBands;
  options: KnoxOptions;
}

export function knox(task: KnoxTask): KnoxResult {
  return knoxTest(task.points, task.bands, task.options);
}

/** Siting settings as they cross to a worker (the solver itself is loaded on the worker's side). */
export type SitingSettings = Omit<CoveringMipOptions, 'solve'>;

export interface MaximalCoveringTask {
  input: MaximalCoveringInput;
  settings: SitingSettings;
}

export interface SetCoveringTask {
  input: SetCoveringInput;
  settings: SitingSettings;
}

/** HiGHS for the integer programs, unless greedy alone was asked for; a solver that fails to load leaves greedy (the answer says why). */
async function mipOptions(settings: SitingSettings): Promise<CoveringMipOptions> {
  if (settings.method === 'greedy') return settings;
  try {
    return { ...settings, solve: await highsMipSolve() };
  } catch {
    return settings;
  }
}

export async function maximalCovering(task: MaximalCoveringTask): Promise<MaximalCoveringMipResult> {
  return solveMaximalCoveringMip(task.input, await mipOptions(task.settings));
}

export async function setCovering(task: SetCoveringTask): Promise<SetCoveringMipResult> {
  return solveSetCoveringMip(task.input, await mipOptions(task.settings));
}

export interface BacktestTask {
  history: ForecastHistory;
  periods: number;
  options: BacktestOptions;
}

export function backtest(task: BacktestTask): BacktestResult {
  return backtestForecasts(task.history, task.periods, task.options);
}

export const TASKS = { giStar, moran, knox, backtest, maximalCovering, setCovering };
export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = ReturnType<(typeof TASKS)[K]>;

export function plainWeights(w: SpatialWeights): PlainWeights {
  return { n: w.n, offsets: w.offsets, neighbours: w.neighbours, weights: w.weights, selfIncluded: w.selfIncluded };
}
