/**
 * Environmental risk factors in the manner of Risk Terrain Modeling (Caplan and Kennedy 2016):
 * every factor is operationalised twice over the cells of a study area,
 *
 *   PROXIMITY  1 when the factor is present within k grid rings of the cell (the cell itself
 *              included), else 0; for the youth-facility gap: 1 when the nearest facility is
 *              farther than the gap distance
 *   DENSITY    how much of it is within k rings: dark outages on an average night (outage-nights
 *              / window days), open defects of the kind; for the gap: walking km to the nearest
 *              facility (capped at 5 km)
 *
 * and related to the incident count per cell and period: the window is cut into equal periods
 * (about two months each, at most 12) so that a lighting outage is compared with the nights it
 * was dark, not diluted over the whole window (static factors repeat in every period; the offset
 * adds log(period length)). Per factor: Spearman's rho, a one-factor count regression with
 * the exposure offset (log residents or log cell area), and a multi-factor model chosen by forward
 * BIC selection among the better operationalisation of each factor (lower one-factor BIC). The
 * family is Poisson, negative binomial, or chosen (AUTO: negative binomial when the Poisson model
 * with every candidate shows Pearson dispersion above 1.2 and theta converges). Residuals are
 * tested for spatial autocorrelation with global Moran's I (rook-like k = 1 hexagon neighbours,
 * row-standardised). All of it is association: the factors are where crime is, not proven causes.
 */
import { averageRanks, benjaminiHochberg, buildH3Weights, fitGlm, forwardSelectByBic, GlmCoefficient, GlmFamily, GlmFit, globalMoran, rowStandardised, spatialLag, SpatialWeights, spearman, withoutSelf } from '../stats';
import { ROAD_DEFECT_KINDS } from '../../domain';

// Module-level aliases: global lookups are slow inside vm contexts (jest).
const { exp, log, min, sqrt } = Math;

export type TimeOfDay = 'all' | 'day' | 'night';
export type Exposure = 'residents' | 'area';
export type FamilyChoice = GlmFamily | 'auto';
export type Operationalisation = 'proximity' | 'density';
export type FactorKind = 'lighting' | 'roads' | 'youth';

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
}

export interface FactorDefinition {
  /** lighting_outages, road_defect:<kind>, youth_facility_gap */
  factor: string;
  kind: FactorKind;
  label: string;
}

export const YOUTH_DISTANCE_CAP_KM = 5;
/** AUTO picks the negative binomial above this Pearson dispersion of the full Poisson model. */
export const OVERDISPERSION_THRESHOLD = 1.2;
export const RESIDUAL_MORAN_ALPHA = 0.05;
/** R's default IRLS tolerance: the reference tests use a tighter one to compare with R at 1e-6. */
const FIT_OPTIONS = { epsilon: 1e-8 };

export const RISK_FACTORS: readonly FactorDefinition[] = [
  { factor: 'lighting_outages', kind: 'lighting', label: 'street-lighting outages' },
  ...ROAD_DEFECT_KINDS.map((kind) => ({ factor: `road_defect:${kind}`, kind: 'roads' as const, label: `open road defects: ${kind.replace(/_/g, ' ')}` })),
  { factor: 'youth_facility_gap', kind: 'youth', label: 'distance to the nearest youth facility' },
];

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
  /** what the column measures, with its parameter, in words */
  parameter: string;
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
  note: string | null;
}

export interface ResidualMoran {
  i: number;
  expected: number;
  z: number;
  p: number;
  significant: boolean;
}

export interface RiskModelResult {
  response: TimeOfDay;
  family: GlmFamily;
  familyReason: string;
  /** names: factor|operationalisation of the selected terms, in the order they entered */
  selectedTerms: string[];
  fit: GlmFit;
  nullBic: number;
  residualMoran: ResidualMoran | null;
  /** the columns of the selected terms (rows cell x period), for the surface */
  selectedColumns: Float64Array[];
  /** the response counts per row (cell x period) */
  y: Float64Array;
  /** the response counts per model cell, summed over the periods */
  yByCell: Float64Array;
  /** fitted means per model cell, summed over the periods */
  fittedByCell: Float64Array;
}

export interface RiskAnalysis {
  /** the cells the models use (cells without residents are left out when exposure is residents) */
  cellIndices: Int32Array;
  cells: string[];
  /** model rows are cell m, period t at m * periods + t */
  periods: number;
  droppedCells: number;
  models: RiskModelResult[];
  factors: FactorResult[];
  warnings: { code: string; message: string }[];
  /** column per factor|operationalisation over the model rows (cell x period) */
  columns: Map<string, Float64Array>;
}

export function termName(factor: string, operationalisation: Operationalisation): string {
  return `${factor}|${operationalisation}`;
}

function responseOf(cell: RiskCellInput, t: TimeOfDay, period: number): number {
  return (t === 'night' ? cell.nightIncidents : t === 'day' ? cell.dayIncidents : cell.incidents)[period];
}

/** Disk sums over the study cells: sum of v over the cells within k rings (the cell included). */
function diskSums(disk: SpatialWeights | null, values: Float64Array): Float64Array {
  return disk === null ? values : spatialLag(disk, values);
}

/** Columns over every study cell and period: row i * periods + t. Static factors repeat in every period. */
function buildColumns(input: readonly RiskCellInput[], options: RiskModelOptions): Map<string, { column: Float64Array; parameter: string }> {
  const cells = input.map((c) => c.h3);
  const n = input.length;
  const P = options.periods;
  const out = new Map<string, { column: Float64Array; parameter: string }>();
  const disk = options.rings === 0 ? null : buildH3Weights(cells, { k: options.rings, kernel: 'binary', includeSelf: true });
  const reach = options.rings === 0 ? 'in the cell' : `within ${options.rings} ring${options.rings > 1 ? 's' : ''} of the cell`;
  const repeat = (perCell: Float64Array): Float64Array => {
    const column = new Float64Array(n * P);
    for (let i = 0; i < n; i++) column.fill(perCell[i], i * P, i * P + P);
    return column;
  };
  for (const def of RISK_FACTORS) {
    if (def.kind === 'youth') {
      const distance = new Float64Array(n);
      const gap = new Float64Array(n);
      input.forEach((c, i) => {
        const m = c.nearestYouthFacilityM ?? Infinity;
        distance[i] = min(m / 1000, YOUTH_DISTANCE_CAP_KM);
        gap[i] = m > options.youthGapMeters ? 1 : 0;
      });
      out.set(termName(def.factor, 'proximity'), { column: repeat(gap), parameter: `1 when the nearest youth facility is more than ${options.youthGapMeters} m walking from the cell centre` });
      out.set(termName(def.factor, 'density'), { column: repeat(distance), parameter: `walking km to the nearest youth facility, capped at ${YOUTH_DISTANCE_CAP_KM} km (per km)` });
      continue;
    }
    if (def.kind === 'lighting') {
      const density = new Float64Array(n * P);
      const raw = new Float64Array(n);
      for (let t = 0; t < P; t++) {
        input.forEach((c, i) => (raw[i] = (c.outageNights[t] ?? 0) / options.periodDays));
        const sums = diskSums(disk, raw);
        for (let i = 0; i < n; i++) density[i * P + t] = sums[i];
      }
      out.set(termName(def.factor, 'proximity'), { column: density.map((v) => (v > 0 ? 1 : 0)), parameter: `1 when an outage was dark ${reach} at some time in the period` });
      out.set(termName(def.factor, 'density'), { column: density, parameter: `outages dark on an average night of the period ${reach} (per outage)` });
      continue;
    }
    const raw = Float64Array.from(input, (c) => c.openDefectsByKind[def.factor.slice('road_defect:'.length)] ?? 0);
    const sums = diskSums(disk, raw);
    out.set(termName(def.factor, 'proximity'), { column: repeat(sums.map((v) => (v > 0 ? 1 : 0))), parameter: `1 when an open defect of this kind lies ${reach}` });
    out.set(termName(def.factor, 'density'), { column: repeat(sums), parameter: `open defects of this kind ${reach} (per defect)` });
  }
  return out;
}

function estimateOf(c: GlmCoefficient): FactorEstimate {
  return { coefficient: c.estimate, standardError: c.standardError, relativeRisk: c.relativeRisk, relativeRiskLow: c.relativeRiskLow, relativeRiskHigh: c.relativeRiskHigh, p: c.p, pFdr: NaN };
}

/** The rows of the kept cells, every period of each. */
function pickRows(column: Float64Array, indices: Int32Array, periods: number): Float64Array {
  const out = new Float64Array(indices.length * periods);
  for (let m = 0; m < indices.length; m++) out.set(column.subarray(indices[m] * periods, indices[m] * periods + periods), m * periods);
  return out;
}

/** Sums of a row vector over each cell's periods. */
function byCell(rows: ArrayLike<number>, cells: number, periods: number): Float64Array {
  const out = new Float64Array(cells);
  for (let m = 0; m < cells; m++) for (let t = 0; t < periods; t++) out[m] += rows[m * periods + t];
  return out;
}

function chooseFamily(choice: FamilyChoice, y: Float64Array, offset: Float64Array, columns: Float64Array[]): { family: GlmFamily; reason: string; warning: string | null } {
  let poisson: GlmFit;
  try {
    poisson = fitGlm('poisson', { y, offset, columns }, FIT_OPTIONS);
  } catch {
    poisson = fitGlm('poisson', { y, offset, columns: [] }, FIT_OPTIONS);
  }
  const dispersion = poisson.pearsonDispersion;
  if (choice === 'poisson') {
    const warning = dispersion > OVERDISPERSION_THRESHOLD ? `the Poisson model's Pearson dispersion is ${dispersion.toFixed(2)}: counts are overdispersed, standard errors are too small; prefer NEGATIVE_BINOMIAL` : null;
    return { family: 'poisson', reason: 'asked for', warning };
  }
  if (choice === 'negative_binomial') return { family: 'negative_binomial', reason: 'asked for', warning: null };
  if (dispersion <= OVERDISPERSION_THRESHOLD) return { family: 'poisson', reason: `AUTO: Pearson dispersion of the Poisson model with every candidate ${dispersion.toFixed(2)} <= ${OVERDISPERSION_THRESHOLD}`, warning: null };
  try {
    fitGlm('negative_binomial', { y, offset, columns: [] }, FIT_OPTIONS);
    return { family: 'negative_binomial', reason: `AUTO: Pearson dispersion of the Poisson model with every candidate ${dispersion.toFixed(2)} > ${OVERDISPERSION_THRESHOLD}`, warning: null };
  } catch {
    return { family: 'poisson', reason: `AUTO: dispersion ${dispersion.toFixed(2)} but theta does not converge`, warning: null };
  }
}

/** Fits every factor and the selected models. Pure: the inputs are the per-cell aggregates. */
export function analyseRiskFactors(input: readonly RiskCellInput[], options: RiskModelOptions): RiskAnalysis {
  const warnings: { code: string; message: string }[] = [];
  const all = buildColumns(input, options);
  const keep: number[] = [];
  input.forEach((c, i) => {
    if (options.exposure === 'area' || c.residents > 0) keep.push(i);
  });
  const cellIndices = Int32Array.from(keep);
  const cells = keep.map((i) => input[i].h3);
  const dropped = input.length - keep.length;
  if (dropped > 0) warnings.push({ code: 'CELLS_WITHOUT_EXPOSURE', message: `${dropped} cells without residents are left out (their exposure offset log(0) is undefined)` });
  if (cells.length < 30) warnings.push({ code: 'TOO_FEW_CELLS', message: `only ${cells.length} cells with exposure; regression estimates need many more` });
  const P = options.periods;
  const periodYears = options.periodDays / 365.25;
  const offset = new Float64Array(keep.length * P);
  keep.forEach((i, m) => offset.fill(log((options.exposure === 'residents' ? input[i].residents : input[i].areaKm2) * periodYears), m * P, m * P + P));
  const columns = new Map<string, Float64Array>();
  const parameters = new Map<string, string>();
  for (const [name, { column, parameter }] of all) {
    columns.set(name, pickRows(column, cellIndices, P));
    parameters.set(name, parameter);
  }

  const responses: TimeOfDay[] = options.timeOfDay ? [options.timeOfDay] : ['night', 'all'];
  const responseOfFactor = (kind: FactorKind): TimeOfDay => options.timeOfDay ?? (kind === 'lighting' ? 'night' : 'all');

  const factors: FactorResult[] = [];
  const models: RiskModelResult[] = [];
  for (const response of responses) {
    const y = new Float64Array(keep.length * P);
    keep.forEach((i, m) => {
      for (let t = 0; t < P; t++) y[m * P + t] = responseOf(input[i], response, t);
    });
    const yRanks = averageRanks(y);
    // every factor's better operationalisation is a candidate; the one-factor fits are kept for the rows
    const rows: FactorResult[] = [];
    const candidates: { name: string; column: Float64Array }[] = [];
    const family0 = options.family === 'auto' ? null : options.family;
    for (const def of RISK_FACTORS) {
      const pair: FactorResult[] = [];
      for (const op of ['proximity', 'density'] as const) {
        const name = termName(def.factor, op);
        const column = columns.get(name)!;
        let exposed = 0;
        for (const v of column) if (v !== 0) exposed++;
        const rho = spearman(column, y, yRanks);
        pair.push({
          factor: def.factor,
          kind: def.kind,
          label: def.label,
          operationalisation: op,
          parameter: parameters.get(name)!,
          response,
          exposedCells: exposed,
          spearmanRho: rho.rho,
          spearmanP: rho.p,
          univariate: null,
          univariateBic: null,
          model: null,
          selected: false,
          candidate: false,
          note: exposed === 0 ? 'no cell exposed: not estimable' : exposed === column.length && op === 'proximity' ? 'every cell exposed: not estimable' : null,
        });
      }
      rows.push(...pair);
    }
    const estimable = rows.filter((r) => r.note === null).map((r) => columns.get(termName(r.factor, r.operationalisation))!);
    const chosen = chooseFamily(options.family, y, offset, estimable);
    if (chosen.warning) warnings.push({ code: 'OVERDISPERSION', message: `${response} incidents: ${chosen.warning}` });
    const family = family0 ?? chosen.family;
    for (const row of rows) {
      if (row.note !== null) continue;
      const name = termName(row.factor, row.operationalisation);
      try {
        const fit = fitGlm(family, { y, offset, columns: [columns.get(name)!], names: [name] }, FIT_OPTIONS);
        row.univariate = estimateOf(fit.coefficients[1]);
        row.univariateBic = fit.bic;
      } catch (error) {
        row.note = `not estimable: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    for (const def of RISK_FACTORS) {
      const pair = rows.filter((r) => r.factor === def.factor && r.univariateBic !== null);
      if (pair.length === 0) continue;
      const best = pair.reduce((a, b) => (b.univariateBic! < a.univariateBic! ? b : a));
      best.candidate = true;
      candidates.push({ name: termName(best.factor, best.operationalisation), column: columns.get(termName(best.factor, best.operationalisation))! });
    }
    const selection = forwardSelectByBic(family, y, offset, candidates, FIT_OPTIONS);
    selection.fit.coefficients.slice(1).forEach((c) => {
      const row = rows.find((r) => termName(r.factor, r.operationalisation) === c.name)!;
      row.selected = true;
      row.model = estimateOf(c);
    });
    let residualMoran: ResidualMoran | null = null;
    if (cells.length >= 30) {
      const weights = rowStandardised(withoutSelf(buildH3Weights(cells, { k: 1, kernel: 'binary', includeSelf: true })));
      // residuals per cell: the periods' raw residuals summed and scaled by their summed variance
      const raw = new Float64Array(cells.length);
      const variance = new Float64Array(cells.length);
      const theta = selection.fit.theta;
      for (let r = 0; r < y.length; r++) {
        const mu = selection.fit.fitted[r];
        raw[(r / P) | 0] += y[r] - mu;
        variance[(r / P) | 0] += theta === null ? mu : mu + (mu * mu) / theta;
      }
      const m = globalMoran(raw.map((v, k) => v / sqrt(variance[k])), weights);
      residualMoran = { i: m.i, expected: m.expected, z: m.z, p: m.p, significant: m.p < RESIDUAL_MORAN_ALPHA };
      if (residualMoran.significant) {
        warnings.push({
          code: 'RESIDUAL_SPATIAL_AUTOCORRELATION',
          message: `${response} incidents: the model's Pearson residuals are spatially autocorrelated (Moran's I ${m.i.toFixed(3)}, z ${m.z.toFixed(2)}, p ${m.p.toExponential(2)}): something clustered is missing from the model, so standard errors are too small and p-values too optimistic`,
        });
      }
    }
    if (!selection.fit.converged) warnings.push({ code: 'NOT_CONVERGED', message: `${response} incidents: the selected model did not converge` });
    models.push({
      response,
      family,
      familyReason: chosen.reason,
      selectedTerms: selection.selected,
      fit: selection.fit,
      nullBic: selection.nullBic,
      residualMoran,
      selectedColumns: selection.selected.map((name) => columns.get(name)!),
      y,
      yByCell: byCell(y, cells.length, P),
      fittedByCell: byCell(selection.fit.fitted, cells.length, P),
    });
    // each factor is reported against the incidents it is judged against
    factors.push(...rows.filter((r) => responseOfFactor(r.kind) === response));
  }
  const univariateFdr = benjaminiHochberg(factors.map((r) => r.univariate?.p ?? NaN));
  const modelFdr = benjaminiHochberg(factors.map((r) => r.model?.p ?? NaN));
  factors.forEach((r, i) => {
    if (r.univariate) r.univariate.pFdr = univariateFdr[i];
    if (r.model) r.model.pFdr = modelFdr[i];
  });
  return { cellIndices, cells, periods: P, droppedCells: dropped, models, factors, warnings, columns };
}

/** The model whose response a factor kind is judged against. */
export function modelForKind(analysis: RiskAnalysis, kind: FactorKind): RiskModelResult {
  const wanted: TimeOfDay = kind === 'lighting' ? 'night' : 'all';
  return analysis.models.find((m) => m.response === wanted) ?? analysis.models[0];
}

export interface SurfaceCell {
  h3: string;
  /** exp(sum of selected beta_j x_ij): risk relative to a cell with none of the selected factors */
  relativeRisk: number;
  /** fitted mean of the model (exposure included) */
  expected: number;
  observed: number;
}

/** Per cell: the relative risk at the cell's mean factor values over the periods, expected and observed totals. */
export function riskSurface(analysis: RiskAnalysis, model: RiskModelResult): SurfaceCell[] {
  const betas = model.fit.coefficients.slice(1).map((c) => c.estimate);
  const P = analysis.periods;
  return analysis.cells.map((h3, m) => {
    let s = 0;
    betas.forEach((b, j) => {
      let mean = 0;
      for (let t = 0; t < P; t++) mean += model.selectedColumns[j][m * P + t];
      s += (b * mean) / P;
    });
    return { h3, relativeRisk: exp(s), expected: model.fittedByCell[m], observed: model.yByCell[m] };
  });
}
