/**
 * HiGHS (Huangfu and Hall 2018; compiled to WebAssembly by the `highs` package) as the MipSolve
 * of src/geo/coverage/mipModel.ts. Loaded once per thread (the worker threads of the pool each
 * load their own). One run: the LP relaxation with the simplex method (its optimum is the LP
 * bound), then branch and cut from the given start, both within one time limit (HiGHS counts
 * `time_limit` over all runs of one model).
 *
 * Gap tolerances: HiGHS stops by default at a relative gap of 1e-4, which is not a proof. Here
 * the relative gap is 0 and the absolute gap is just under 1 when every solution has an integer
 * objective (no better integer value exists then) and 1e-9 of the objective's scale otherwise, so
 * its `Optimal` is a proof of optimality up to its feasibility tolerances (1e-6 on rows).
 */
import loadHighs, { type Highs } from 'highs';
import type { MipProblem, MipRun, MipSettings, MipSolve } from '../geo/coverage/mipModel';

let loading: Promise<Highs> | null = null;

function highs(): Promise<Highs> {
  loading ??= loadHighs().catch((error: unknown) => {
    loading = null; // let a later request try again
    throw error;
  });
  return loading;
}

function runModel(solver: Highs, problem: MipProblem, settings: MipSettings): MipRun {
  const started = performance.now();
  const model = solver.createModel({ format: 'lp', data: problem.lp });
  try {
    const codes = solver.constants.modelStatus;
    model.options.set({ output_flag: false, time_limit: Math.max(0.01, settings.timeLimitSeconds), mip_rel_gap: 0, mip_abs_gap: problem.integralObjective ? 0.999 : 1e-9 });
    // the LP relaxation: simplex ignores the integrality of the columns
    model.options.set({ solver: 'simplex' });
    model.run();
    const lpBound = model.getModelStatus() === codes.optimal ? model.getObjectiveValue() : null;
    model.clearSolver();
    model.options.set({ solver: 'choose' });
    if (problem.start) {
      const indices = Int32Array.from(problem.start.names, (name) => model.getColByName(name));
      model.setSolution({ indices, values: problem.start.values });
    }
    model.run();
    const status = model.getModelStatus();
    const info = (name: string): number | null => {
      const v = Number(model.info.get(name));
      return Number.isFinite(v) ? v : null;
    };
    const hasSolution = info('primal_solution_status') === 2; // 2: feasible
    let values: Float64Array | null = null;
    if (hasSolution) {
      const colValue = model.getSolution().colValue;
      values = Float64Array.from(problem.columns, (name) => colValue[model.getColByName(name)]);
    }
    const statusText = Object.entries(codes).find(([, code]) => code === status)?.[0] ?? String(status);
    return {
      status: status === codes.optimal ? 'optimal' : status === codes.timeLimit ? 'timeLimit' : status === codes.infeasible ? 'infeasible' : 'failed',
      detail: statusText,
      lpBound,
      objective: hasSolution ? info('objective_function_value') : null,
      bound: info('mip_dual_bound'),
      values,
      nodes: info('mip_node_count') ?? 0,
      elapsedMs: performance.now() - started,
      solver: `HiGHS ${solver.version.string}`,
    };
  } finally {
    model.dispose();
  }
}

/** The MipSolve of this thread (loads HiGHS on first use). */
export async function highsMipSolve(): Promise<MipSolve> {
  const solver = await highs();
  return (problem, settings) => runModel(solver, problem, settings);
}
