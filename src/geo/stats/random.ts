/**
 * Seeded pseudo-random numbers for permutation tests, so that a pseudo p-value can be
 * reproduced exactly from (data, weights, permutations, seed).
 *
 * Generator: xoshiro128** 1.1 (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021), 128-bit state, period 2^128 - 1, passes BigCrush.
 * The state is filled from the 32-bit seed with SplitMix32 so that nearby seeds give unrelated
 * streams and the state is never all zero. Integers in [0, bound) use rejection on the top of
 * the 32-bit range or Lemire's multiply-shift with rejection (no modulo bias either way), which
 * matters for pseudo p-values near 1/(perms + 1).
 *
 * Math.random is not used anywhere in the statistics: it cannot be seeded.
 */
// Module-level alias: global lookups are slow inside vm contexts (jest), and this runs per draw.
const { imul, floor } = Math;

export interface SeededRandom {
  /** uniform integer in [0, 2^32) */
  nextUint32(): number;
  /** uniform float in [0, 1) with 32 random bits */
  nextFloat(): number;
  /** uniform integer in [0, bound), bound an integer in 1..2^32 */
  nextInt(bound: number): number;
}

export function createRandom(seed: number): SeededRandom {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let sm = (Math.trunc(seed) >>> 0) | 0;
  const splitMix32 = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = imul(z ^ (z >>> 16), 0x85ebca6b);
    z = imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitMix32();
  let s1 = splitMix32();
  let s2 = splitMix32();
  let s3 = splitMix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  return {
    nextUint32,
    nextFloat: () => nextUint32() / 4294967296,
    nextInt(bound: number): number {
      if (!(bound >= 1 && bound <= 4294967296) || bound !== floor(bound)) {
        throw new RangeError(`bound must be an integer in 1..2^32, got ${bound}`);
      }
      if (bound <= 2097152) {
        // Lemire's multiply-shift (ACM TOMS 2019 "Fast random integer generation in an interval"):
        // r * bound < 2^53 is exact in a double; reject only the few low parts below 2^32 mod bound.
        for (;;) {
          const m = nextUint32() * bound;
          const high = floor(m / 4294967296);
          const low = m - high * 4294967296;
          if (low >= bound || low >= 4294967296 % bound) return high;
        }
      }
      // Largest multiple of bound that fits in 2^32: values at or above it are redrawn.
      const limit = 4294967296 - (4294967296 % bound);
      for (;;) {
        const r = nextUint32();
        if (r < limit) return r % bound;
      }
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
