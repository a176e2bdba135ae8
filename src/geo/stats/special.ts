/**
 * Special functions the regression and rank statistics need: log-gamma, trigamma and the
 * Student t distribution function (through the regularised incomplete beta function).
 *
 * - logGamma: Lanczos approximation (g = 7, 9 terms; Press et al., Numerical Recipes 3rd ed.
 *   section 6.1), relative error about 1e-15 for x > 0; reflection for x < 0.5.
 * - trigamma: recurrence psi1(x) = psi1(x + 1) + 1/x^2 up to x >= 6, then the asymptotic series
 *   (Abramowitz and Stegun 6.4.12).
 * - incompleteBetaRegularised: the continued fraction of A&S 26.5.8 evaluated by the modified
 *   Lentz method, with the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) for fast convergence.
 * Agreement with R's lgamma, trigamma and pt is checked in test/unit/geo/stats/glm.test.ts.
 */

const { log, exp, abs, sin, log1p } = Math;

const LANCZOS_G = 7;
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
const LOG_SQRT_2PI = 0.91893853320467274178;

/** log |Gamma(x)|. */
export function logGamma(x: number): number {
  if (x < 0.5) return log(Math.PI / abs(sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return LOG_SQRT_2PI + (z + 0.5) * log(t) - t + log(a);
}

/** psi'(x), the derivative of the digamma function, for x > 0. */
export function trigamma(x: number): number {
  let value = 0;
  let z = x;
  while (z < 6) {
    value += 1 / (z * z);
    z += 1;
  }
  const z2 = 1 / (z * z);
  // 1/z + 1/(2 z^2) + 1/(6 z^3) - 1/(30 z^5) + 1/(42 z^7) - 1/(30 z^9) + 5/(66 z^11)
  value += 1 / z + z2 / 2 + (z2 / z) * (1 / 6 - z2 * (1 / 30 - z2 * (1 / 42 - z2 * (1 / 30 - (z2 * 5) / 66))));
  return value;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (abs(step - 1) < 1e-16) break;
  }
  return h;
}

/** I_x(a, b), the regularised incomplete beta function, for 0 <= x <= 1 and a, b > 0. */
export function incompleteBetaRegularised(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Two-sided p-value of a Student t statistic with df degrees of freedom: 2 P(T > |t|), as R's 2 * pt(-abs(t), df). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return incompleteBetaRegularised(df / (df + t * t), df / 2, 0.5);
}
