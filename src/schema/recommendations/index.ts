/**
 * GraphQL types of the working group's cases, one concept per file: recommendations with their items
 * and history, the inputs that create and change them, the evaluation of one fix, agency statistics
 * and the pooled evaluation of many fixes.
 */
export { RecommendationItem, FieldChange, RecommendationHistoryEntry, Recommendation, RecommendationConnection } from './recommendation';
export { RecommendationFilter, RecommendationItemInput, ForecastItemInput, NearRepeatItemInput, CreateRecommendationInput, UpdateRecommendationInput } from './inputs';
export { EvaluationArgs, CellGroupCounts, DifferenceInDifferencesEstimate, RecommendationEvaluation } from './evaluation';
export type { TimeOfDay } from './evaluation';
export { AgencyStatistics, AgencyStatisticsReport, AgencyStatisticsArgs } from './agencyStatistics';
export { PooledEstimate, PooledCase, SkippedCase, PooledEvaluation } from './pooledEvaluation';
// one TimeOfDay enum for the whole API: the risk models define it
export { TimeOfDayEnum } from '../risk';
