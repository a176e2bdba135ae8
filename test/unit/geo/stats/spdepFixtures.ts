/** Typed access to the committed R spdep fixtures (test/fixtures/spdep). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { H3Kernel } from '../../../../src/geo/stats';

const dir = join(__dirname, '..', '..', '..', 'fixtures', 'spdep');

export interface InputCase {
  name: string;
  k: number;
  kernel: H3Kernel;
  cells: string[];
  values: number[];
  giPairs: [number, number, number][];
  moranPairs: [number, number][];
}

export interface Inputs {
  cases: InputCase[];
  zGrid: number[];
  pVectors: (number | null)[][];
  mkSeries: number[][];
}

type Num = number | null;
export interface Reference {
  spdep: string;
  cases: Record<
    string,
    {
      n: number;
      localG: { z: Num[]; p: Num[]; pTwoSided: Num[]; pBH: Num[] };
      localmoran: { Ii: Num[]; 'E.Ii': Num[]; 'Var.Ii': Num[]; 'Z.Ii': Num[]; p: Num[]; quadrantMean: string[]; pBH: Num[] };
    }
  >;
  normal: { z: number[]; pnorm: number[]; upper: number[]; twoSided: number[] };
  bh: { p: Num[]; adjusted: Num[] }[];
  mannKendall: { series: number[]; n: number; S: number[]; z: number[]; p: number[]; tau: number[]; varS: number[] }[];
}

export const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as Inputs;
export const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;

/** null (R's NA/NaN) as NaN, for comparison with our typed arrays. */
export function fromR(values: readonly Num[]): number[] {
  return values.map((v) => (v === null ? Number.NaN : v));
}

/**
 * Asserts |ours - R| <= absolute, or relative error <= relative (for tiny p-values);
 * NaN must match NaN.
 */
export function expectClose(ours: ArrayLike<number>, theirs: readonly Num[], absolute: number, relative = 0, label = ''): void {
  expect(ours.length).toBe(theirs.length);
  const failures: string[] = [];
  for (let i = 0; i < theirs.length; i++) {
    const r = theirs[i];
    const o = ours[i];
    if (r === null || Number.isNaN(r)) {
      if (!Number.isNaN(o)) failures.push(`${label}[${i}]: R NaN, ours ${o}`);
      continue;
    }
    const diff = Math.abs(o - r);
    if (!(diff <= absolute || (relative > 0 && diff <= relative * Math.abs(r)))) failures.push(`${label}[${i}]: R ${r}, ours ${o}, diff ${diff}`);
  }
  expect(failures).toEqual([]);
}
