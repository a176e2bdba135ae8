/** Hotspot statistics: pure functions over typed arrays, no I/O. See docs/methods.md. */
export * from './weights';
export * from './h3Weights';
export * from './normal';
export * from './fdr';
export * from './random';
export * from './permutation';
export * from './getisOrdGiStar';
export * from './localMoran';
export * from './mannKendall';
export * from './emergingHotSpots';
export * from './warnings';
export * from './differenceInDifferences';
export * from './mantelHaenszel';
