/**
 * GraphQL types of walking-distance coverage of posts and of siting new ones, one concept per file:
 * the enums, walking reach (of one post), coverage (of an area) and siting (of new posts).
 */
export { ReachMethodEnum, SitingDemandEnum, SitingSolverEnum } from './enums';
export type { ReachMethodChoice, SitingDemand } from './enums';
export { ReachArgs, PostReachArgs, ReachMethodUsed, PostReach } from './reach';
export { CoverageArgs, CoverageShareResult, CategoryCoverage, CoverageMeasures, AreaCoverage, PostCoverage, UncoveredHotspotCell, CoverageAnalysis } from './areaCoverage';
export { CandidateSiteInput, SitingArgs, SuggestSitesArgs, SuggestedSite, SiteSuggestion, MinimumSites, SolverRun } from './siting';
