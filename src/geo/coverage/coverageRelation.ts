/**
 * Turns reach (cells each candidate site reaches) and demand (cells carrying weight) into the
 * sparse index relation the siting solvers take, and back into covered flags.
 */

/**
 * For each candidate, the indices into `demandCells` of the cells it reaches. Reached cells
 * that carry no demand are dropped; each list is sorted and free of repeats.
 */
export function buildCoverageRelation(candidateReachCells: readonly (readonly string[])[], demandCells: readonly string[]): Int32Array[] {
  const demandIndex = new Map<string, number>();
  demandCells.forEach((cell, j) => {
    if (demandIndex.has(cell)) throw new RangeError(`demand cell ${cell} appears twice (indices ${demandIndex.get(cell)} and ${j})`);
    demandIndex.set(cell, j);
  });
  return candidateReachCells.map((cells) => {
    const indices = new Set<number>();
    for (const cell of cells) {
      const j = demandIndex.get(cell);
      if (j !== undefined) indices.add(j);
    }
    return Int32Array.from(indices).sort();
  });
}

/** 1 for each demand item within reach of at least one of `siteIndices` or listed in `alreadyCovered`. */
export function coveredDemandFlags(demandCount: number, candidateCoverage: readonly Int32Array[], siteIndices: ArrayLike<number>, alreadyCovered?: ArrayLike<number>): Uint8Array {
  const flags = new Uint8Array(demandCount);
  if (alreadyCovered !== undefined) for (let i = 0; i < alreadyCovered.length; i++) flags[alreadyCovered[i]] = 1;
  for (let i = 0; i < siteIndices.length; i++) {
    const list = candidateCoverage[siteIndices[i]];
    if (list === undefined) throw new RangeError(`no candidate ${siteIndices[i]}`);
    for (let k = 0; k < list.length; k++) flags[list[k]] = 1;
  }
  return flags;
}

/** Demand indices of the set flags (e.g. to pass as `coveredByExistingPosts`). */
export function indicesOfFlags(flags: ArrayLike<number | boolean>): Int32Array {
  const out: number[] = [];
  for (let j = 0; j < flags.length; j++) if (flags[j]) out.push(j);
  return Int32Array.from(out);
}
