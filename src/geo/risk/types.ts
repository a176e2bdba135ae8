/** The vocabulary of the risk models: inputs per cell, options, factor definitions and results (see riskModel.ts). */
import type { FixedEffectsPoissonFit, GlmFamily, GlmFit } from '../stats';
import { ROAD_DEFECT_KINDS } from '../../domain';

export type TimeOfDay = 'all' | 'day' | 'night';
export type Exposure = 'residents' | 'area';
export type FamilyChoice = GlmFamily | 'auto';
export type Operationalisation = 'proximity' | 'density';
export type FactorKind = 'lighting' | 'roads' | 'youth' | 'imported';

export interface RiskCellInput {
  h3: string;
  /** per period of the window */
  incidents: number[];
  dayIncidents: number[];
  nightIncidents: number[];
  /** outage-nights in the cell per period (days of darkness summed over outages) */
  outageNights: number[];
  /** open road defects by kind at the window end */
  openDefectsByKind: Readonly<Record<string, number>>;
  residents: number;
  /** km² */
  areaKm2: number;
  /** walking metres to the nearest youth facility; null when there is none */
  nearestYouthFacilityM: number | null;
  /** features of each imported factor layer present in the cell at the window end, by factor name */
  importedByFactor?: Readonly<Record<string, number>>;
}

/** A factor layer the user imported (table risk_features), offered to the models like a road-defect kind. */
export interface ImportedFactor {
  /** the layer's factor name (slug) */
  name: string;
  label: string | null;
}

export interface RiskModelOptions {
  /** number of equal periods the window is cut into (the length of every per-period array) */
  periods: number;
  /** days in one period */
  periodDays: number;
  /** proximity and density reach: grid rings around the cell, 0 = the cell alone */
  rings: number;
  exposure: Exposure;
  family: FamilyChoice;
  /** null: lighting against night incidents, every other factor against all incidents */
  timeOfDay: TimeOfDay | null;
  /** a cell is in a youth-facility gap when its nearest facility is farther than this (walking metres) */
  youthGapMeters: number;
  /** imported factor layers to relate besides the built-in factors */
  importedFactors?: readonly ImportedFactor[];
  /**
   * Below the analyst role, the suppression threshold: a factor with fewer exposed cells than
   * this, or fewer incidents than this in its exposed or in its unexposed cells, gets no
   * estimate, standard error or test and takes no part in selection (see withheldNote).
   */
  minimumSupport?: number | null;
}

export interface FactorDefinition {
  /** lighting_outages, road_defect:<kind>, youth_facility_gap, imported:<name> */
  factor: string;
  kind: FactorKind;
  label: string;
}

export const YOUTH_DISTANCE_CAP_KM = 5;
/** AUTO picks the negative binomial above this Pearson dispersion of the full Poisson model. */
export const OVERDISPERSION_THRESHOLD = 1.2;
export const RESIDUAL_MORAN_ALPHA = 0.05;

export const RISK_FACTORS: readonly FactorDefinition[] = [
  { factor: 'lighting_outages', kind: 'lighting', label: 'street-lighting outages' },
  ...ROAD_DEFECT_KINDS.map((kind) => ({ factor: `road_defect:${kind}`, kind: 'roads' as const, label: `open road defects: ${kind.replace(/_/g, ' ')}` })),
  { factor: 'youth_facility_gap', kind: 'youth', label: 'distance to the nearest youth facility' },
];

export const IMPORTED_FACTOR_PREFIX = 'imported:';

/** The built-in factors and then the imported ones, in answer order. */
export function factorDefinitions(imported: readonly ImportedFactor[] = []): FactorDefinition[] {
  return [...RISK_FACTORS, ...imported.map((f) => ({ factor: `${IMPORTED_FACTOR_PREFIX}${f.name}`, kind: 'imported' as const, label: f.label ? `${f.label} (imported layer ${f.name})` : `imported layer ${f.name}` }))];
}

export interface FactorEstimate {
  coefficient: number;
  standardError: number;
  relativeRisk: number;
  relativeRiskLow: number;
  relativeRiskHigh: number;
  p: number;
  pFdr: number;
}

export interface FactorResult {
  factor: string;
  kind: FactorKind;
  label: string;
  operationalisation: Operationalisation;
  /** what the column measures, with its parameter (src/analysis words it) */
  parameter: FactorParameter;
  /** the incidents it is judged against */
  response: TimeOfDay;
  /** cells where the column is non-zero */
  exposedCells: number;
  spearmanRho: number;
  spearmanP: number;
  /** one-factor model (offset and intercept only besides it); null when not estimable */
  univariate: FactorEstimate | null;
  univariateBic: number | null;
  /** estimate in the selected multi-factor model; null when not selected */
  model: FactorEstimate | null;
  selected: boolean;
  /** the better of the two operationalisations by one-factor BIC: the one offered to selection */
  candidate: boolean;
  /** why the factor has no estimate, or null */
  note: FactorNote | null;
}

/**
 * What a factor's column measures, as data: `rings` around the cell (0: the cell itself), the
 * lighting panel's period length and count.
 */
export type FactorParameter =
  | { kind: 'youthGap'; metres: number }
  | { kind: 'youthDistance'; capKm: number }
  | { kind: 'defectPresent' | 'defectCount' | 'featurePresent' | 'featureCount'; rings: number }
  | { kind: 'outagePresent' | 'outageDensity'; rings: number; days: number; periods: number };

/** Why a factor has no estimate, as data. */
export type FactorNote =
  | { kind: 'nothingExposed' }
  | { kind: 'everythingExposed' }
  /** below the analyst role: fewer than `minimum` exposed cells, or incidents on either side */
  | { kind: 'withheld'; minimum: number }
  /** the fit failed; `detail` is the fitting code's own message */
  | { kind: 'notEstimable'; detail: string }
  /** one period only: no within-cell comparison */
  | { kind: 'windowTooShort' };

export interface ResidualMoran {
  i: number;
  expected: number;
  z: number;
  p: number;
  significant: boolean;
}

/**
 * Why the model has its family, as data: src/analysis puts it into words in the caller's
 * language (this module stays free of the catalogues). `dispersion`: the Pearson dispersion of
 * the Poisson model with every candidate.
 */
export type FamilyReason = { kind: 'asked' } | { kind: 'dispersion'; dispersion: number; threshold: number; overdispersed: boolean } | { kind: 'thetaNotConverging'; dispersion: number };

/** The cross-sectional model of the static factors. */
export interface RiskModelResult {
  response: TimeOfDay;
  family: GlmFamily;
  familyReason: FamilyReason;
  /** names: factor|operationalisation of the selected terms, in the order they entered */
  selectedTerms: string[];
  fit: GlmFit;
  nullBic: number;
  residualMoran: ResidualMoran | null;
  /** the columns of the selected terms over the model cells, for the surface */
  selectedColumns: Float64Array[];
  /** the response counts per model cell over the window */
  y: Float64Array;
}

/** The within-cell panel model of lighting outages. */
export interface LightingPanelResult {
  response: TimeOfDay;
  periods: number;
  periodDays: number;
  /** the better operationalisation (higher logLik), or null when neither could be fitted */
  candidate: Operationalisation | null;
  selected: boolean;
  fit: FixedEffectsPoissonFit | null;
  /** BIC of the model without lighting minus with it (> 0: lighting improves it) */
  bicImprovement: number | null;
  /** the response counts per model cell, summed over the periods */
  yByCell: Float64Array;
  /** the candidate column (rows cell x period) */
  column: Float64Array | null;
}

export interface RiskAnalysis {
  /** the cells the models use (cells without residents are left out when exposure is residents) */
  cellIndices: Int32Array;
  cells: string[];
  droppedCells: number;
  model: RiskModelResult;
  lighting: LightingPanelResult;
  factors: FactorResult[];
  warnings: { code: string; message: string }[];
  /** static columns per factor|operationalisation over the model cells */
  columns: Map<string, Float64Array>;
}

export function termName(factor: string, operationalisation: Operationalisation): string {
  return `${factor}|${operationalisation}`;
}
