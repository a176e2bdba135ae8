/** Walking-distance coverage and siting of police posts: pure functions, no I/O. */
export * from './straightLineReach';
export * from './coverageRelation';
export * from './maximalCovering';
export * from './setCovering';
export * from './coverageMip';
export * from './mipModel';
export * from './coverageShares';
export * from './pointReach';
export * from './incidentCoverage';
export type { CandidateCoverage } from './coverageIndex';
export * from './streetNetwork';
