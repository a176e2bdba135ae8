/**
 * The one module of seeded pseudo-random numbers. Math.random is not used anywhere for results:
 * it cannot be seeded, and every seeded output (pseudo p-values, the demo city, synthetic test
 * instances) must be reproducible exactly from its seed.
 *
 * Three generators, all behind the same `SeededRandom` conversions (floats with 32 random bits,
 * integers in [0, bound) without modulo bias):
 *
 * - `createRandom` (xoshiro128** 1.1; Blackman and Vigna, "Scrambled linear pseudorandom number
 *   generators", ACM TOMS 47(4), 2021): 128-bit state, period 2^128 - 1, passes BigCrush. The
 *   state is filled from the 32-bit seed with SplitMix32 so that nearby seeds give unrelated
 *   streams and the state is never all zero. Use it for anything new; the permutation tests'
 *   pinned pseudo p-values depend on it.
 * - `createSfc32Random` (sfc32, Chris Doty-Humphrey's Small Fast Chaotic PRNG, as in PractRand),
 *   seeded through splitmix32 with a named sub-stream: kept as a named variant because the seeded
 *   demo city (seeds/almaty) is generated from its exact stream.
 * - `mulberry32` (Tommy Ettinger's Mulberry32, 32-bit state): kept as a named variant because the
 *   coverage tests' synthetic instances and the coverage benchmark are built from its stream. Not
 *   for anything that needs statistical quality (period 2^32).
 *
 * Only 32-bit integer arithmetic (imul, >>> 0) and IEEE doubles, so streams are the same on every
 * platform.
 */
const { imul, floor, trunc } = Math;

const TWO_POW_32 = 4294967296;
const GOLDEN_GAMMA = 0x9e3779b9;

export interface SeededRandom {
  /** uniform integer in [0, 2^32) */
  nextUint32(): number;
  /** uniform float in [0, 1) with 32 random bits */
  nextFloat(): number;
  /** uniform integer in [0, bound), bound an integer in 1..2^32 */
  nextInt(bound: number): number;
}

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state (the state plus the golden gamma, mixed). */
export function splitmix32(state: number): number {
  let z = (state + GOLDEN_GAMMA) | 0;
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** 32-bit FNV-1a hash of a string, to derive named sub-streams from one seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Floats and bounded integers from a source of uniform 32-bit integers. */
function seededRandomFrom(nextUint32: () => number): SeededRandom {
  return {
    nextUint32,
    nextFloat: () => nextUint32() / TWO_POW_32,
    nextInt(bound: number): number {
      if (!(bound >= 1 && bound <= TWO_POW_32) || bound !== floor(bound)) {
        throw new RangeError(`bound must be an integer in 1..2^32, got ${bound}`);
      }
      if (bound <= 2097152) {
        // Lemire's multiply-shift (ACM TOMS 2019 "Fast random integer generation in an interval"):
        // r * bound < 2^53 is exact in a double; reject only the few low parts below 2^32 mod bound.
        for (;;) {
          const m = nextUint32() * bound;
          const high = floor(m / TWO_POW_32);
          const low = m - high * TWO_POW_32;
          if (low >= bound || low >= TWO_POW_32 % bound) return high;
        }
      }
      // Largest multiple of bound that fits in 2^32: values at or above it are redrawn.
      const limit = TWO_POW_32 - (TWO_POW_32 % bound);
      for (;;) {
        const r = nextUint32();
        if (r < limit) return r % bound;
      }
    },
  };
}

/** xoshiro128**: the generator of the statistics (and of anything new). */
export function createRandom(seed: number): SeededRandom {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let sm = (trunc(seed) >>> 0) | 0;
  const next = (): number => {
    const value = splitmix32(sm);
    sm = (sm + GOLDEN_GAMMA) | 0;
    return value;
  };
  let s0 = next();
  let s1 = next();
  let s2 = next();
  let s3 = next();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  return seededRandomFrom((): number => {
    const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  });
}

/**
 * sfc32, the demo city's generator (named variant, see the header). `stream` names an
 * independent sub-stream of the seed (e.g. 'incidents'); the first 15 outputs are discarded.
 */
export function createSfc32Random(seed: number, stream = ''): SeededRandom {
  const s = (floor(seed) ^ hashString(stream)) >>> 0;
  let a = splitmix32(s);
  let b = splitmix32(a ^ 0x6a09e667);
  let c = splitmix32(b ^ 0xbb67ae85);
  let d = splitmix32(c ^ 0x3c6ef372) | 1;
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) nextUint32();
  return seededRandomFrom(nextUint32);
}

/**
 * Mulberry32 (named variant, see the header): uniform floats in [0, 1) with 32 random bits, for
 * synthetic instances of tests and benchmarks.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return seededRandomFrom((): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }).nextFloat;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
