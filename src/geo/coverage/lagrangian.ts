/**
 * Lagrangian relaxation of maximal covering, used to shrink the model before the integer
 * programming solver sees it (Galvão and ReVelle 1996; Fisher 1981 for the method).
 *
 * Relaxing y_k <= sum_{c covers k} x_c with multipliers 0 <= lambda_k gives, for any lambda,
 *
 *   f(S) <= L(lambda) = sum_k max(0, W_k - lambda_k) + (sum of the p largest v_c),   v_c = sum_{k in N_c} lambda_k
 *
 * for every set S of at most p sites (the relaxed problem splits into one term per demand item
 * and a choice of the p best candidates). With c forced into S the same argument gives
 *
 *   L_c(lambda) = sum_k max(0, W_k - lambda_k) + v_c + (sum of the p - 1 largest v of the others),
 *
 * a bound on every solution holding c. A candidate whose L_c is below the value of a known
 * solution (greedy's) is in no optimal solution and can be left out of the model. The best
 * L(lambda) equals the optimum of the LP relaxation (the relaxed problem has integral optima),
 * and the multipliers are found by subgradient steps with Polyak's step length.
 */

export interface LagrangianInput {
  /** Weight of each demand item. */
  readonly weights: Float64Array;
  /** For each demand item, the candidates covering it. */
  readonly itemCandidates: readonly Int32Array[];
  /** For each candidate, the demand items it covers. */
  readonly candidateItems: readonly Int32Array[];
  readonly p: number;
  /** Value of a known solution (the target of the step length; the bound stops once within `slack` of it). */
  readonly incumbent: number;
  /** The bound needs to come within this of the incumbent to prove it optimal (just under 1 for integer objectives). */
  readonly slack: number;
  readonly maxIterations?: number;
  /** Stop after this many milliseconds (checked every iteration). */
  readonly timeBudgetMs?: number;
  readonly clock?: () => number;
}

export interface LagrangianResult {
  /** The smallest L(lambda) met: no solution covers more. */
  readonly bound: number;
  /** For each candidate, the smallest L_c(lambda) met: no solution holding it covers more. */
  readonly candidateBounds: Float64Array;
  readonly iterations: number;
}

/** Indices of the `count` largest positive values (ties to the lower index), unordered. */
function largest(values: Float64Array, count: number, out: Int32Array): number {
  // a min-heap of indices keyed by value
  let size = 0;
  const less = (a: number, b: number): boolean => values[a] < values[b] || (values[a] === values[b] && a > b);
  for (let c = 0; c < values.length; c++) {
    if (!(values[c] > 0)) continue;
    if (size < count) {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(c, out[parent])) break;
        out[i] = out[parent];
        i = parent;
      }
      out[i] = c;
    } else if (less(out[0], c)) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && less(out[right], out[left]) ? right : left;
        if (!less(out[child], c)) break;
        out[i] = out[child];
        i = child;
      }
      out[i] = c;
    }
  }
  return size;
}

export function lagrangianMaximalCovering(input: LagrangianInput): LagrangianResult {
  const { weights, itemCandidates, candidateItems, p, incumbent, slack } = input;
  const itemCount = weights.length;
  const candidateCount = candidateItems.length;
  const maxIterations = input.maxIterations ?? 1000;
  const clock = input.clock ?? Date.now;
  const started = clock();
  const timeBudgetMs = input.timeBudgetMs ?? Infinity;
  // start from lambda = W shared among the item's candidates: v_c is then the weight c would
  // cover if its neighbours shared every item, a fair first guess of its worth
  const lambda = Float64Array.from(weights, (w, k) => w / Math.max(1, itemCandidates[k].length));
  const v = new Float64Array(candidateCount);
  const g = new Float64Array(itemCount);
  const top = new Int32Array(Math.max(1, p));
  const inTop = new Uint8Array(candidateCount);
  const candidateBounds = new Float64Array(candidateCount).fill(Infinity);
  let best = Infinity;
  let mu = 2;
  let stale = 0;
  let iterations = 0;
  while (iterations < maxIterations && clock() - started <= timeBudgetMs) {
    iterations++;
    let base = 0;
    for (let k = 0; k < itemCount; k++) if (weights[k] > lambda[k]) base += weights[k] - lambda[k];
    for (let c = 0; c < candidateCount; c++) {
      const items = candidateItems[c];
      let s = 0;
      for (let q = 0; q < items.length; q++) s += lambda[items[q]];
      v[c] = s;
    }
    const chosen = largest(v, p, top);
    let sumTop = 0;
    let smallest = Infinity;
    for (let i = 0; i < chosen; i++) {
      sumTop += v[top[i]];
      smallest = Math.min(smallest, v[top[i]]);
      inTop[top[i]] = 1;
    }
    const L = base + sumTop;
    const othersIfOut = chosen === p ? sumTop - smallest : sumTop;
    for (let c = 0; c < candidateCount; c++) {
      const lc = base + v[c] + (inTop[c] ? sumTop - v[c] : othersIfOut);
      if (lc < candidateBounds[c]) candidateBounds[c] = lc;
    }
    if (best === Infinity || L < best - 1e-9 * Math.max(1, Math.abs(best))) {
      best = L;
      stale = 0;
    } else if (++stale >= 15) {
      mu /= 2;
      stale = 0;
    }
    if (best <= incumbent + slack || mu < 1e-4) break;
    // subgradient of L at lambda: items the chosen sites cover, minus one where W_k > lambda_k
    for (let k = 0; k < itemCount; k++) g[k] = weights[k] > lambda[k] ? -1 : 0;
    for (let i = 0; i < chosen; i++) {
      const items = candidateItems[top[i]];
      for (let q = 0; q < items.length; q++) g[items[q]] += 1;
    }
    let norm = 0;
    for (let k = 0; k < itemCount; k++) {
      // a step that would only push lambda past its bounds does not count in the length
      if ((lambda[k] <= 0 && g[k] > 0) || (lambda[k] >= weights[k] && g[k] < 0)) g[k] = 0;
      norm += g[k] * g[k];
    }
    for (let i = 0; i < chosen; i++) inTop[top[i]] = 0;
    if (norm === 0) break; // lambda is optimal
    const step = (mu * Math.max(L - incumbent, slack)) / norm;
    for (let k = 0; k < itemCount; k++) {
      if (g[k] === 0) continue;
      const next = lambda[k] - step * g[k];
      lambda[k] = next < 0 ? 0 : next > weights[k] ? weights[k] : next;
    }
  }
  return { bound: best, candidateBounds, iterations };
}
