/** The answer of riskFactors: each factor's relative risk, the fitted models and their diagnostics. */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { AnalysisWarning, StudyArea } from '../analysis';
import { PrivacyNote } from '../privacy';
import { OperationalisationEnum, RiskExposureEnum, RiskModelFamilyEnum, TimeOfDayEnum } from './enums';

@ObjectType({ description: 'A coefficient as a relative risk with its uncertainty.' })
export class RelativeRiskEstimate {
  @Field(() => Float, { description: 'beta on the log scale, per unit of the operationalisation.' })
  coefficient: number;

  @Field(() => Float, { description: 'Standard error of beta from the Fisher information (dispersion 1).' })
  standardError: number;

  @Field(() => Float, { description: 'exp(beta): the incident rate with one unit more of the factor relative to without, other selected factors held fixed.' })
  relativeRisk: number;

  @Field(() => Float, { description: 'Lower end of the 95 % Wald interval of exp(beta).' })
  relativeRiskLow: number;

  @Field(() => Float, { description: 'Upper end of the 95 % Wald interval of exp(beta).' })
  relativeRiskHigh: number;

  @Field(() => Float, { description: 'Two-sided Wald p-value of beta = 0.' })
  p: number;

  @Field(() => Float, { nullable: true, description: 'Benjamini-Hochberg adjusted p over every factor row of the answer.' })
  pFdr: number | null;
}

@ObjectType({ description: 'One factor in one operationalisation, related to incident counts per cell.' })
export class RiskFactor {
  @Field({ description: 'lighting_outages, road_defect:<kind>, youth_facility_gap, or imported:<name> for an imported factor layer.' })
  factor: string;

  @Field({ description: 'lighting, roads or youth (which weight and agency it belongs to), or imported (a layer the user imported; not a fix item).' })
  kind: string;

  @Field({ description: 'The factor in words.' })
  label: string;

  @Field(() => OperationalisationEnum, { description: 'PROXIMITY or DENSITY.' })
  operationalisation: string;

  @Field({ description: 'What the column measures, with its parameter (reach, unit).' })
  parameter: string;

  @Field(() => TimeOfDayEnum, { description: 'The incidents this factor is judged against.' })
  response: string;

  @Field(() => Int, { description: 'Model cells where the column is not zero.' })
  exposedCells: number;

  @Field(() => Float, { nullable: true, description: "Spearman's rank correlation of the column with the counts (average ranks for ties); null when a side is constant." })
  spearmanRho: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided p of rho from the t approximation on n - 2 df (R cor.test, exact = FALSE).' })
  spearmanP: number | null;

  @Field(() => RelativeRiskEstimate, { nullable: true, description: 'The factor alone (with intercept and offset); null when not estimable.' })
  univariate: RelativeRiskEstimate | null;

  @Field(() => Float, { nullable: true, description: 'BIC of the one-factor model.' })
  univariateBic: number | null;

  @Field({ description: 'The better operationalisation of this factor by one-factor BIC: the one offered to the selection.' })
  candidate: boolean;

  @Field({ description: 'Chosen by forward BIC selection into the multi-factor model.' })
  selected: boolean;

  @Field(() => RelativeRiskEstimate, { nullable: true, description: 'The estimate in the selected multi-factor model (adjusted for the other selected factors); null when not selected.' })
  model: RelativeRiskEstimate | null;

  @Field(() => String, { nullable: true, description: 'Why a value is missing, e.g. no cell exposed.' })
  note: string | null;
}

@ObjectType({ description: "Global Moran's I of the model's Pearson residuals (k = 1 hexagon neighbours, row-standardised; z under randomisation as spdep::moran.test)." })
export class ResidualMoran {
  @Field(() => Float, { description: "Moran's I." })
  i: number;

  @Field(() => Float, { description: 'E[I] = -1/(n-1).' })
  expected: number;

  @Field(() => Float, { description: 'z under randomisation.' })
  z: number;

  @Field(() => Float, { description: 'One-sided p for positive autocorrelation.' })
  p: number;

  @Field({ description: 'p < 0.05: residuals cluster, so standard errors are too small (a warning is added).' })
  significant: boolean;
}

@ObjectType({ description: 'A term of a fitted model.' })
export class ModelCoefficient {
  @Field({ description: '(Intercept) or factor|operationalisation.' })
  name: string;

  @Field(() => RelativeRiskEstimate, { description: 'The estimate; for the intercept, exp(beta) is the rate per unit of exposure with no factor present.' })
  estimate: RelativeRiskEstimate;
}

@ObjectType({ description: 'A fitted count regression: family, fit statistics and selection.' })
export class RiskModelSummary {
  @Field(() => TimeOfDayEnum, { description: 'The incidents counted per cell (the response).' })
  response: string;

  @Field(() => RiskModelFamilyEnum, { description: 'POISSON or NEGATIVE_BINOMIAL as fitted.' })
  family: string;

  @Field({ description: 'Why this family (asked for, or the AUTO rule with the dispersion found).' })
  familyReason: string;

  @Field(() => [String], { description: 'Selected terms (factor|operationalisation) in the order forward BIC selection added them.' })
  selectedTerms: string[];

  @Field(() => [ModelCoefficient], { description: 'The intercept and the selected terms.' })
  coefficients: ModelCoefficient[];

  @Field(() => Int, { description: 'Cells in the model.' })
  cellCount: number;

  @Field(() => Float, { description: 'Log-likelihood.' })
  logLikelihood: number;

  @Field(() => Float, { description: 'AIC = -2 logLik + 2k (k counts theta for the negative binomial).' })
  aic: number;

  @Field(() => Float, { description: 'BIC = -2 logLik + log(n) k.' })
  bic: number;

  @Field(() => Float, { description: 'BIC of the intercept-only model, for comparison.' })
  nullBic: number;

  @Field(() => Float, { description: 'Residual deviance.' })
  deviance: number;

  @Field(() => Int, { description: 'Residual degrees of freedom.' })
  residualDegreesOfFreedom: number;

  @Field(() => Float, { description: 'Pearson chi-square / residual df: near 1 when the family fits; well above 1 means overdispersion.' })
  pearsonDispersion: number;

  @Field(() => Float, { nullable: true, description: 'Negative binomial theta (Var = mu + mu²/theta); null for Poisson.' })
  theta: number | null;

  @Field(() => Float, { nullable: true, description: 'Standard error of theta (MASS::theta.ml).' })
  thetaStandardError: number | null;

  @Field({ description: 'IRLS and the theta iteration converged.' })
  converged: boolean;

  @Field(() => ResidualMoran, { nullable: true, description: 'Spatial autocorrelation left in the residuals; null with fewer than 30 cells.' })
  residualMoran: ResidualMoran | null;
}

@ObjectType({ description: 'The within-cell panel model of lighting outages: incidents per cell and period with cell and period fixed effects.' })
export class LightingPanelSummary {
  @Field(() => TimeOfDayEnum, { description: 'The incidents counted (NIGHT unless timeOfDay says otherwise).' })
  response: string;

  @Field(() => Int, { description: 'Equal periods the window is cut into.' })
  periods: number;

  @Field(() => Float, { description: 'Days in one period.' })
  periodDays: number;

  @Field(() => OperationalisationEnum, { nullable: true, description: 'The operationalisation with the higher log-likelihood; null when neither could be fitted.' })
  operationalisation: string | null;

  @Field({ description: 'BIC improves with lighting in the model: 2 (logLik - logLik without it) > log(rows).' })
  selected: boolean;

  @Field(() => RelativeRiskEstimate, { nullable: true, description: 'The lighting estimate (SE scaled by sqrt(dispersion) when above 1, quasi-Poisson).' })
  estimate: RelativeRiskEstimate | null;

  @Field(() => Float, { nullable: true, description: 'BIC without lighting minus BIC with it.' })
  bicImprovement: number | null;

  @Field(() => Float, { nullable: true, description: 'Pearson chi-square / residual df of the panel model.' })
  dispersion: number | null;

  @Field(() => Int, { description: 'Cells with at least one incident (the others carry no information within cells).' })
  informativeCells: number;

  @Field(() => Int, { description: 'Rows (informative cells x periods).' })
  rows: number;

  @Field({ description: 'The Newton iteration converged.' })
  converged: boolean;
}

@ObjectType({ description: 'Environmental risk factors related to incident counts per cell (Risk Terrain Modeling style).' })
export class RiskFactorAnalysis {
  @Field({ description: 'Method and parameters in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'The area, resolution, window and categories (k is the proximity reach in rings).' })
  studyArea: StudyArea;

  @Field(() => RiskExposureEnum, { description: 'The offset used.' })
  exposure: string;

  @Field(() => Int, { description: 'Proximity and density reach in grid rings.' })
  proximityRings: number;

  @Field(() => Float, { description: 'The reach in metres: rings x the spacing of cell centres (about).' })
  proximityMeters: number;

  @Field(() => Int, { description: 'Cells used by the models.' })
  modelCellCount: number;

  @Field(() => Int, { description: 'Study cells left out (no residents when the exposure is RESIDENTS).' })
  droppedCellCount: number;

  @Field(() => RiskModelSummary, { description: 'The cross-sectional model of road defects and youth-facility gaps (counts per cell over the window; ALL incidents unless timeOfDay says otherwise).' })
  model: RiskModelSummary;

  @Field(() => LightingPanelSummary, { description: 'The within-cell panel model of lighting outages (NIGHT incidents unless timeOfDay says otherwise).' })
  lightingModel: LightingPanelSummary;

  @Field(() => [RiskFactor], { description: 'Every factor in both operationalisations, each against the incidents it is judged against.' })
  factors: RiskFactor[];

  @Field(() => [AnalysisWarning], { description: 'RESIDUAL_SPATIAL_AUTOCORRELATION, OVERDISPERSION, CELLS_WITHOUT_EXPOSURE, TOO_FEW_CELLS, NOT_CONVERGED.' })
  warnings: AnalysisWarning[];

  @Field({ description: 'How to read these numbers: associations, not causes.' })
  caveat: string;

  @Field(() => PrivacyNote, { description: 'Whether the release rules for roles below analyst applied, and which (see docs/security.md).' })
  privacy: PrivacyNote;
}
