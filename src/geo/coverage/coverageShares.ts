/**
 * Share of demand covered: overall and per group (district, precinct, ...), for any weight
 * (residents, young people, incidents). A share is null where the group has no weight at all,
 * because 0/0 is "nothing to cover", not 0 % and not 100 %.
 */

export interface CoverageShare {
  readonly totalWeight: number;
  readonly coveredWeight: number;
  /** coveredWeight / totalWeight, or null when totalWeight is 0. */
  readonly share: number | null;
  /** Number of demand items (cells), weighted or not. */
  readonly itemCount: number;
  readonly coveredItemCount: number;
}

export interface GroupCoverageShare<G> extends CoverageShare {
  readonly group: G;
}

export interface CoverageShares<G> {
  readonly overall: CoverageShare;
  /** One entry per group, in order of first appearance in `groupIds`. */
  readonly groups: GroupCoverageShare<G>[];
}

interface Tally {
  totalWeight: number;
  coveredWeight: number;
  itemCount: number;
  coveredItemCount: number;
}

function finish(t: Tally): CoverageShare {
  return { ...t, share: t.totalWeight > 0 ? t.coveredWeight / t.totalWeight : null };
}

/**
 * @param weights demand weight per item, finite and >= 0
 * @param covered truthy where the item is within reach of a post
 * @param groupIds optional group of each item; items with an `undefined` group count only overall
 */
export function coverageShares<G extends string | number>(weights: ArrayLike<number>, covered: ArrayLike<number | boolean>, groupIds?: ArrayLike<G | undefined>): CoverageShares<G> {
  if (covered.length !== weights.length) throw new RangeError(`covered has ${covered.length} items, weights ${weights.length}`);
  if (groupIds !== undefined && groupIds.length !== weights.length) {
    throw new RangeError(`groupIds has ${groupIds.length} items, weights ${weights.length}`);
  }
  const overall: Tally = { totalWeight: 0, coveredWeight: 0, itemCount: 0, coveredItemCount: 0 };
  const byGroup = new Map<G, Tally>();
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j];
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights[${j}] = ${w}: weights must be finite and >= 0`);
    const isCovered = Boolean(covered[j]);
    const tallies: Tally[] = [overall];
    const group = groupIds?.[j];
    if (group !== undefined) {
      let tally = byGroup.get(group);
      if (tally === undefined) {
        tally = { totalWeight: 0, coveredWeight: 0, itemCount: 0, coveredItemCount: 0 };
        byGroup.set(group, tally);
      }
      tallies.push(tally);
    }
    for (const t of tallies) {
      t.totalWeight += w;
      t.itemCount++;
      if (isCovered) {
        t.coveredWeight += w;
        t.coveredItemCount++;
      }
    }
  }
  return {
    overall: finish(overall),
    groups: Array.from(byGroup, ([group, t]) => ({ group, ...finish(t) })),
  };
}

/** The same shares for several weights at once, e.g. `{ residents, youngPeople, incidents }`. */
export function coverageSharesByMeasure<M extends string, G extends string | number>(
  weightsByMeasure: Readonly<Record<M, ArrayLike<number>>>,
  covered: ArrayLike<number | boolean>,
  groupIds?: ArrayLike<G | undefined>,
): Record<M, CoverageShares<G>> {
  const out = {} as Record<M, CoverageShares<G>>;
  for (const measure of Object.keys(weightsByMeasure) as M[]) {
    out[measure] = coverageShares(weightsByMeasure[measure], covered, groupIds);
  }
  return out;
}
