/**
 * GraphQL types of the risk models (Risk Terrain Modeling style), one concept per file: the enums,
 * the arguments every risk query shares, the factor analysis, the risk surface and the fix priorities.
 */
export { TimeOfDayEnum, RiskExposureEnum, RiskModelFamilyEnum, OperationalisationEnum, FixKindEnum } from './enums';
export { RiskModelArgs } from './args';
export { RelativeRiskEstimate, RiskFactor, ResidualMoran, ModelCoefficient, RiskModelSummary, LightingPanelSummary, RiskFactorAnalysis } from './factors';
export { RiskSurfaceCell, RiskSurface } from './surface';
export { FixWeightsInput, FixPriorityArgs, CountRange, FixScoreParts, FixPriorityItem, FixPriorityList } from './fixPriorities';
