/**
 * Kernel density of points in the plane (coordinates in metres), evaluated at given positions.
 *
 *   f(s) = (1 / h²) Σ_i w_i K(|s − s_i| / h)          (weighted incidents per m²)
 *
 * Kernels (Silverman 1986, section 4.2; both integrate to 1 over the plane in units of h):
 *   quartic   K(u) = 3/π (1 − u²)²  for u < 1, else 0     (Esri's Kernel Density, whose `h` is the
 *             search radius; Silverman's eq. 4.5 "biweight")
 *   gaussian  K(u) = 1/(2π) exp(−u²/2)                     (`h` is the standard deviation σ per axis;
 *             R's MASS::kde2d(h = 4σ) gives f / Σw, its `h` being four times σ)
 * The Gaussian sum is truncated at 8σ (relative error below exp(−32) ≈ 1e-14).
 *
 * Bandwidth by rule (`silvermanBandwidth`), as Esri's Kernel Density default search radius, a
 * two-dimensional form of Silverman's rule of thumb (1986, eq. 3.31):
 *   h = 0.9 · min(SD, √(1 / ln 2) · D_m) · n^(−0.2)
 *   SD  = standard distance √(Σ w((x−x̄)² + (y−ȳ)²) / Σw) about the weighted mean centre,
 *   D_m = (weighted) median distance to the mean centre, n = Σw.
 * (Esri. How Kernel Density works. ArcGIS Pro documentation.)
 *
 * Points are bucketed on a square grid of the support radius, so each evaluation visits the
 * 3 × 3 buckets around it: O(evaluations × points within reach), not O(evaluations × points).
 */

const { sqrt, exp, log, min, floor, PI } = Math;

export type DensityKernel = 'quartic' | 'gaussian';

export interface PlanarPoints {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** one weight per point (default 1) */
  weight?: ArrayLike<number>;
}

/** Reach of the kernel in units of h. */
function supportOf(kernel: DensityKernel): number {
  return kernel === 'quartic' ? 1 : 8;
}

/**
 * Density at each evaluation position, in weight per m² (incidents per m² with unit weights).
 * Multiply by 1e6 for per km².
 */
export function kernelDensity(points: PlanarPoints, at: { x: ArrayLike<number>; y: ArrayLike<number> }, bandwidth: number, kernel: DensityKernel): Float64Array {
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) throw new RangeError(`bandwidth must be a positive number of metres, got ${bandwidth}`);
  const n = points.x.length;
  const m = at.x.length;
  const out = new Float64Array(m);
  if (n === 0 || m === 0) return out;
  const reach = supportOf(kernel) * bandwidth;
  const reach2 = reach * reach;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const px = points.x[i];
    const py = points.y[i];
    if (px < minX) minX = px;
    if (px > maxX) maxX = px;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
  }
  // buckets of side `reach`, at most 4096 per axis (a wide spread with a tiny bandwidth)
  const side = Math.max(reach, (maxX - minX) / 4096, (maxY - minY) / 4096);
  const cols = floor((maxX - minX) / side) + 1;
  const rows = floor((maxY - minY) / side) + 1;
  const start = new Int32Array(cols * rows + 1);
  const bucketOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = floor((points.y[i] - minY) / side) * cols + floor((points.x[i] - minX) / side);
    bucketOf[i] = b;
    start[b + 1]++;
  }
  for (let b = 0; b < cols * rows; b++) start[b + 1] += start[b];
  const fill = start.slice(0, cols * rows);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[fill[bucketOf[i]]++] = i;
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  const sw = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    sx[k] = points.x[i];
    sy[k] = points.y[i];
    sw[k] = points.weight ? points.weight[i] : 1;
  }
  const h2 = bandwidth * bandwidth;
  const quartic = kernel === 'quartic';
  const norm = quartic ? 3 / (PI * h2) : 1 / (2 * PI * h2);
  const half = -0.5 / h2;
  for (let j = 0; j < m; j++) {
    const ex = at.x[j];
    const ey = at.y[j];
    const c = floor((ex - minX) / side);
    const r = floor((ey - minY) / side);
    let sum = 0;
    for (let rr = Math.max(0, r - 1); rr <= Math.min(rows - 1, r + 1); rr++) {
      for (let cc = Math.max(0, c - 1); cc <= Math.min(cols - 1, c + 1); cc++) {
        const b = rr * cols + cc;
        for (let k = start[b]; k < start[b + 1]; k++) {
          const dx = sx[k] - ex;
          const dy = sy[k] - ey;
          const d2 = dx * dx + dy * dy;
          if (d2 >= reach2) continue;
          if (quartic) {
            const t = 1 - d2 / h2;
            sum += sw[k] * t * t;
          } else {
            sum += sw[k] * exp(d2 * half);
          }
        }
      }
    }
    out[j] = sum * norm;
  }
  return out;
}

/** Weighted median of values (the lower median when the weight splits evenly, as Esri's D_m by count). */
function weightedMedian(values: Float64Array, weights: Float64Array): number {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  let total = 0;
  for (const w of weights) total += w;
  let run = 0;
  for (let k = 0; k < order.length; k++) {
    run += weights[order[k]];
    if (run * 2 > total) return values[order[k]];
    if (run * 2 === total) return (values[order[k]] + values[order[k + 1]]) / 2;
  }
  return values[order[order.length - 1]];
}

/**
 * Esri's default search radius (a two-dimensional Silverman rule of thumb), in the units of the
 * coordinates; NaN with fewer than two points or all points at one place.
 */
export function silvermanBandwidth(points: PlanarPoints): number {
  const n = points.x.length;
  if (n < 2) return NaN;
  const w = new Float64Array(n);
  let total = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    w[i] = points.weight ? points.weight[i] : 1;
    total += w[i];
    mx += w[i] * points.x[i];
    my += w[i] * points.y[i];
  }
  mx /= total;
  my /= total;
  const d = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const dx = points.x[i] - mx;
    const dy = points.y[i] - my;
    ss += w[i] * (dx * dx + dy * dy);
    d[i] = sqrt(dx * dx + dy * dy);
  }
  const sd = sqrt(ss / total);
  const dm = weightedMedian(d, w);
  const h = 0.9 * min(sd, sqrt(1 / log(2)) * dm) * total ** -0.2;
  return h > 0 ? h : NaN;
}
