import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { AnalysisWarning, StudyArea, StudyAreaArgs } from './analysis';
import { AgencyEnum, RoadDefectKindEnum } from './enums';
import { PageInfo } from './types';
import { PrivacyNote } from './privacy';
import { GeoJSONDocumentScalar, GeoJSONScalar } from './scalars';

export const TimeOfDayEnum = { ALL: 'all', DAY: 'day', NIGHT: 'night' } as const;
registerEnumType(TimeOfDayEnum, {
  name: 'TimeOfDay',
  valuesConfig: {
    ALL: { description: 'All incidents.' },
    DAY: { description: 'Incidents between sunrise and sunset at their place and moment.' },
    NIGHT: { description: 'Incidents between sunset and sunrise at their place and moment.' },
  },
  description: 'Which incidents a factor is judged against: ALL, DAY (sunrise to sunset at the place and moment) or NIGHT (sunset to sunrise). Incidents without an exact time count only in ALL.',
});

export const RiskExposureEnum = { RESIDENTS: 'residents', AREA: 'area' } as const;
registerEnumType(RiskExposureEnum, {
  name: 'RiskExposure',
  valuesConfig: {
    RESIDENTS: { description: 'log residents of the cell; cells without residents are left out.' },
    AREA: { description: 'log cell area in km².' },
  },
  description: 'The offset of the count regression: RESIDENTS (log residents; cells without residents are left out) or AREA (log cell area in km²).',
});

export const RiskModelFamilyEnum = { POISSON: 'poisson', NEGATIVE_BINOMIAL: 'negative_binomial', AUTO: 'auto' } as const;
registerEnumType(RiskModelFamilyEnum, {
  name: 'RiskModelFamily',
  valuesConfig: {
    POISSON: { description: 'Poisson regression with log link.' },
    NEGATIVE_BINOMIAL: { description: 'Negative binomial (NB2), theta by maximum likelihood as MASS::glm.nb.' },
    AUTO: { description: 'Negative binomial when the Poisson Pearson dispersion exceeds 1.2, else Poisson.' },
  },
  description: 'POISSON, NEGATIVE_BINOMIAL (NB2, theta by maximum likelihood as MASS::glm.nb) or AUTO (negative binomial when the Poisson model with every candidate factor has Pearson dispersion above 1.2).',
});

export const OperationalisationEnum = { PROXIMITY: 'proximity', DENSITY: 'density' } as const;
registerEnumType(OperationalisationEnum, {
  name: 'FactorOperationalisation',
  valuesConfig: {
    PROXIMITY: { description: '1 when the factor is present within reach of the cell, else 0.' },
    DENSITY: { description: 'How much of the factor is within reach.' },
  },
  description: 'PROXIMITY: 1 when the factor is present within the reach of the cell, else 0. DENSITY: how much of it is within reach.',
});

export const FixKindEnum = { LIGHTING_OUTAGE: 'lighting_outage', ROAD_DEFECT: 'road_defect', YOUTH_FACILITY_GAP: 'youth_facility_gap' } as const;
registerEnumType(FixKindEnum, { name: 'FixKind', valuesConfig: { LIGHTING_OUTAGE: { description: 'An open lighting outage.' }, ROAD_DEFECT: { description: 'An open road defect.' }, YOUTH_FACILITY_GAP: { description: 'A cell with young residents and no youth facility within reach.' } }, description: 'An open lighting outage, an open road defect, or a cell in a youth-facility gap.' });

@ArgsType()
export class RiskModelArgs extends StudyAreaArgs {
  @Field(() => TimeOfDayEnum, {
    nullable: true,
    description: 'Incidents the factors are judged against. Left out: lighting outages against NIGHT incidents and every other factor against ALL incidents (two models). For riskSurface, left out means ALL.',
  })
  timeOfDay?: 'all' | 'day' | 'night';

  @Field(() => RiskExposureEnum, { defaultValue: 'residents', description: 'Exposure offset of the regression.' })
  exposure: 'residents' | 'area';

  @Field(() => Int, { nullable: true, description: 'Reach of proximity and density: grid rings around the cell, 0 to 3 (0 = the cell alone). Give this or proximityMeters; with neither, 150 m turned into rings (0 at resolution 9, 1 at 10).' })
  proximityRings?: number;

  @Field(() => Float, { nullable: true, description: 'Reach in metres, turned into rings: round(metres / spacing of cell centres at the resolution), 0 to 3. Give this or proximityRings.' })
  proximityMeters?: number;

  @Field(() => RiskModelFamilyEnum, { defaultValue: 'auto', description: 'Regression family.' })
  model: 'poisson' | 'negative_binomial' | 'auto';

  @Field(() => Float, { defaultValue: 1000, description: 'A cell is in a youth-facility gap when the estimated walking distance to the nearest facility exceeds this many metres (100 to 5000).' })
  youthGapMeters: number;

  @Field(() => [String], {
    nullable: true,
    description: 'Imported factor layers (risk_features, see riskFeatureLayers) to relate as factors `imported:<name>`, besides the built-in ones. Left out: every stored layer; []: none. An unknown name is refused.',
  })
  importedFactors?: string[];
}

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

@ObjectType({ description: 'The modelled relative risk of one cell.' })
export class RiskSurfaceCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (GeoJSON Polygon).' })
  boundary: Geometry;

  @Field(() => Float, { description: 'exp(sum of selected beta x): the incident rate relative to the same exposure with none of the selected factors.' })
  relativeRisk: number;

  @Field(() => Float, { description: 'Incidents the model expects in the cell over the window (exposure included).' })
  expected: number;

  @Field(() => Int, { nullable: true, description: 'Incidents counted (of the response); null below the analyst role, where no per-cell count of a model is released (released counts are in hexagons).' })
  observed: number | null;
}

@ObjectType({ description: 'Each cell’s relative risk from the selected model, for mapping.' })
export class RiskSurface {
  @Field({ description: 'Method in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'What was analysed.' })
  studyArea: StudyArea;

  @Field(() => RiskModelSummary, { description: 'The model the surface comes from.' })
  model: RiskModelSummary;

  @Field(() => LightingPanelSummary, { description: 'The lighting model; its relative risk enters the surface only when it was selected against the same incidents (ask timeOfDay NIGHT for a night surface with lighting).' })
  lightingModel: LightingPanelSummary;

  @Field(() => [RiskSurfaceCell], { description: 'Every model cell.' })
  cells: RiskSurfaceCell[];

  @Field(() => GeoJSONDocumentScalar, { description: 'The cells as one GeoJSON FeatureCollection (properties h3, relativeRisk, expected, observed).' })
  featureCollection: unknown;

  @Field(() => [AnalysisWarning], { description: 'As for riskFactors.' })
  warnings: AnalysisWarning[];

  @Field({ description: 'How to read these numbers.' })
  caveat: string;

  @Field(() => PrivacyNote, { description: 'Whether the release rules for roles below analyst applied, and which (see docs/security.md).' })
  privacy: PrivacyNote;
}

@InputType({ description: 'How much each kind of fix counts in the ranking; 0 leaves a kind out of the top.' })
export class FixWeightsInput {
  @Field(() => Float, { defaultValue: 1, description: 'Weight of lighting outages (0 to 100).' })
  lighting: number;

  @Field(() => Float, { defaultValue: 1, description: 'Weight of road defects (0 to 100).' })
  roads: number;

  @Field(() => Float, { defaultValue: 1, description: 'Weight of youth-facility gaps (0 to 100).' })
  youth: number;
}

@ArgsType()
export class FixPriorityArgs extends RiskModelArgs {
  @Field(() => FixWeightsInput, { nullable: true, description: 'Weights per kind; all 1 when left out.' })
  weights?: FixWeightsInput;

  @Field(() => Boolean, { nullable: true, description: 'true: only items within walking reach of some post; false: only items outside; left out: all.' })
  withinPostReach?: boolean;

  @Field(() => [AgencyEnum], { nullable: true, description: 'Only items of these responsible agencies.' })
  agencies?: string[];

  @Field(() => [FixKindEnum], { nullable: true, description: 'Only these kinds of item.' })
  kinds?: string[];

  @Field(() => Int, { nullable: true, description: 'Page size (default 100, at most the server maximum).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor from pageInfo.endCursor.' })
  after?: string;
}

@ObjectType({ description: 'A count as released: exact for analysts; below the analyst role a band (5-9, 10-19, 20-49, 50-99, 100-199, ...), 0 as it is, 1 to threshold - 1 suppressed.' })
export class CountRange {
  @Field(() => Int, { description: 'Lowest count the range allows (0 when suppressed).' })
  low: number;

  @Field(() => Int, { description: 'Highest count the range allows (threshold - 1 when suppressed).' })
  high: number;

  @Field({ description: 'True when the count is from 1 to threshold - 1 and not released.' })
  suppressed: boolean;
}

@ObjectType({ description: 'The parts of a fix item’s score.' })
export class FixScoreParts {
  @Field(() => Float, { description: 'Relative risk used: exp(beta x change) from the selected model; 1 when the factor was not selected or is not positively associated.' })
  relativeRisk: number;

  @Field(() => CountRange, { description: 'Incidents of the model response (night for lighting) within the proximity reach of the item (the gap cell itself for youth gaps) over the window: exact for analysts, a band below.' })
  crimesNear: CountRange;

  @Field(() => Float, { description: 'crimesNear per year of the window. Below the analyst role from the low end of the band (threshold / 2 when suppressed), so every score is a function of released numbers.' })
  crimesNearPerYear: number;

  @Field(() => Float, { description: '1 - 1/RR: the share of those incidents associated with the factor.' })
  preventableShare: number;

  @Field(() => Float, { description: 'Weight of the item’s kind.' })
  weight: number;

  @Field({ description: 'Where the relative risk comes from, in words.' })
  basis: string;
}

@ObjectType({ description: 'One open item that a city service could fix, with its expected effect.' })
export class FixPriorityItem {
  @Field(() => Int, { description: 'Rank by score, 1 first.' })
  rank: number;

  @Field(() => FixKindEnum, { description: 'What it is.' })
  kind: string;

  @Field(() => ID, { description: 'Outage or defect id; the H3 cell for a youth-facility gap.' })
  id: string;

  @Field(() => RoadDefectKindEnum, { nullable: true, description: 'Kind of road defect; null otherwise.' })
  roadDefectKind: string | null;

  @Field({ description: 'The risk factor it belongs to.' })
  factor: string;

  @Field(() => AgencyEnum, { description: 'Responsible agency (configurable with FIX_AGENCIES).' })
  agency: string;

  @Field(() => GeoJSONScalar, { description: 'A point on the item (ST_PointOnSurface), or the gap cell centre.' })
  location: Geometry;

  @Field({ description: 'The cell the item counts in at the analysis resolution.' })
  h3: string;

  @Field(() => Date, { nullable: true, description: 'When it was reported; null for gaps.' })
  openSince: Date | null;

  @Field(() => Float, { nullable: true, description: 'Days open up to the window end (or now).' })
  daysOpen: number | null;

  @Field(() => ID, { nullable: true, description: 'Nearest post (straight line).' })
  nearestPostId: string | null;

  @Field(() => Float, { nullable: true, description: 'Walking distance to the nearest post: along the streets (access legs included) when the street network covers the area, else straight-line (haversine) distance x the detour factor; see nearestPostDistanceBasis.' })
  nearestPostWalkingM: number | null;

  @Field({ description: 'network (along the streets, the nearest post within 3 km of walking) or straightLine (haversine x the detour factor: no street network here, or the item is off it or farther from every post).' })
  distanceBasis: string;

  @Field({ description: 'Some post’s walking radius reaches the item (walking distance along the streets, or the straight-line estimate, <= radius).' })
  withinPostReach: boolean;

  @Field(() => Float, { description: 'crimesNearPerYear x preventableShare: incidents a year associated with the item.' })
  expectedPreventedPerYear: number;

  @Field(() => Float, { description: 'weight x expectedPreventedPerYear; the ranking key.' })
  score: number;

  @Field(() => FixScoreParts, { description: 'The parts of the score.' })
  scoreParts: FixScoreParts;
}

@ObjectType({ description: 'Open fixes ranked by expected incidents prevented per year.' })
export class FixPriorityList {
  @Field({ description: 'Method in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'What was analysed.' })
  studyArea: StudyArea;

  @Field({ description: 'network: walking distances to posts along the streets (as the coverage answers, AUTO), items off the network falling back to the straight line with a PARTLY_STRAIGHT_LINE warning; straightLine: straight lines x the detour factor, no street network covers the area.' })
  distanceBasis: string;

  @Field(() => Float, { description: 'The pedestrian detour factor used.' })
  detourFactor: number;

  @Field(() => Int, { description: 'Items matching the filters (all pages).' })
  totalCount: number;

  @Field(() => [FixPriorityItem], { description: 'This page of the ranking.' })
  items: FixPriorityItem[];

  @Field(() => PageInfo, { description: 'Cursor for the next page.' })
  pageInfo: PageInfo;

  @Field(() => RiskModelSummary, { description: 'The model the road and youth relative risks come from.' })
  model: RiskModelSummary;

  @Field(() => LightingPanelSummary, { description: 'The model the lighting relative risk comes from.' })
  lightingModel: LightingPanelSummary;

  @Field(() => [AnalysisWarning], { description: 'As for riskFactors.' })
  warnings: AnalysisWarning[];

  @Field({ description: 'How to read these numbers.' })
  caveat: string;
  @Field(() => PrivacyNote, { description: 'Whether the release rules for roles below analyst applied (banded crimes near each item), and which; suppressedCells counts the item cells whose crimes near are suppressed.' })
  privacy: PrivacyNote;
}
