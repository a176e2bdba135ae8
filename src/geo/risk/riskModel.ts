/**
 * Environmental risk factors in the manner of Risk Terrain Modeling (Caplan and Kennedy 2016):
 * every factor is operationalised twice over the cells of a study area,
 *
 *   PROXIMITY  1 when the factor is present within k grid rings of the cell (the cell itself
 *              included), else 0; for the youth-facility gap: 1 when the nearest facility is
 *              farther than the gap distance
 *   DENSITY    how much of it is within k rings: dark outages on an average night (outage-nights
 *              / window days), open defects of the kind, features of an imported layer
 *              present at the window end; for the gap: walking km to the nearest facility
 *              (capped at 5 km)
 *
 * and related to incident counts in two designs:
 *
 *   road defects, youth gaps and imported factor layers (static over the window): counts per
 *   cell over the window, with Spearman's rho, a one-factor count regression with the exposure
 *   offset (log residents or log cell area), and a multi-factor model chosen by forward BIC
 *   selection among the better operationalisation of each factor (lower one-factor BIC). The
 *   family is Poisson, negative binomial, or chosen (AUTO: negative binomial when the Poisson
 *   model with every candidate shows Pearson dispersion above 1.2 and theta converges).
 *   Residuals are tested for spatial autocorrelation with global Moran's I (k = 1 hexagon
 *   neighbours, row-standardised).
 *
 *   lighting outages (they come and go): counts per cell and period (the window cut into equal
 *   periods of about two months) with cell and period fixed effects (fixedEffectsPoisson.ts):
 *   each cell is compared with itself in periods with and without darkness nearby, so nothing
 *   constant about a place (residents, a market, a hot spot) can masquerade as a lighting effect.
 *   Selected when BIC improves: 2 (logLik - logLik without it) > log(rows).
 *
 * All of it is association: the factors are where crime is, not proven causes.
 */
import {
  averageRanks,
  benjaminiHochberg,
  buildH3Weights,
  fitFixedEffectsPoisson,
  FixedEffectsPoissonFit,
  fitGlm,
  forwardSelectByBic,
  GlmFamily,
  GlmFit,
  globalMoran,
  pearsonResiduals,
  rowStandardised,
  spatialLag,
  SpatialWeights,
  spearman,
  withoutSelf,
} from '../stats';
import { withheldNote } from './minimumSupport';
import {
  FamilyChoice,
  IMPORTED_FACTOR_PREFIX,
  FactorDefinition,
  FamilyReason,
  factorDefinitions,
  FactorEstimate,
  FactorResult,
  LightingPanelResult,
  Operationalisation,
  OVERDISPERSION_THRESHOLD,
  RESIDUAL_MORAN_ALPHA,
  RISK_FACTORS,
  RiskAnalysis,
  RiskCellInput,
  RiskModelOptions,
  RiskModelResult,
  ResidualMoran,
  termName,
  TimeOfDay,
  FactorNote,
  FactorParameter,
  YOUTH_DISTANCE_CAP_KM,
} from './types';

const { exp, log, min } = Math;

/** R's default IRLS tolerance: the reference tests use a tighter one to compare with R at 1e-6. */
const FIT_OPTIONS = { epsilon: 1e-8 };

function series(cell: RiskCellInput, t: TimeOfDay): number[] {
  return t === 'night' ? cell.nightIncidents : t === 'day' ? cell.dayIncidents : cell.incidents;
}

function diskSums(disk: SpatialWeights | null, values: Float64Array): Float64Array {
  return disk === null ? values : spatialLag(disk, values);
}

interface Column {
  column: Float64Array;
  parameter: FactorParameter;
}

/** Static columns over every study cell, and the lighting columns over every cell x period (row i * periods + t). */
function buildColumns(input: readonly RiskCellInput[], options: RiskModelOptions, definitions: readonly FactorDefinition[]): { statics: Map<string, Column>; lighting: Map<Operationalisation, Column> } {
  const cells = input.map((c) => c.h3);
  const n = input.length;
  const P = options.periods;
  const statics = new Map<string, Column>();
  const disk = options.rings === 0 ? null : buildH3Weights(cells, { k: options.rings, kernel: 'binary', includeSelf: true });
  const rings = options.rings;
  for (const def of definitions) {
    if (def.kind === 'youth') {
      const distance = new Float64Array(n);
      const gap = new Float64Array(n);
      input.forEach((c, i) => {
        const m = c.nearestYouthFacilityM ?? Infinity;
        distance[i] = min(m / 1000, YOUTH_DISTANCE_CAP_KM);
        gap[i] = m > options.youthGapMeters ? 1 : 0;
      });
      statics.set(termName(def.factor, 'proximity'), { column: gap, parameter: { kind: 'youthGap', metres: options.youthGapMeters } });
      statics.set(termName(def.factor, 'density'), { column: distance, parameter: { kind: 'youthDistance', capKm: YOUTH_DISTANCE_CAP_KM } });
    } else if (def.kind === 'roads') {
      const raw = Float64Array.from(input, (c) => c.openDefectsByKind[def.factor.slice('road_defect:'.length)] ?? 0);
      const sums = diskSums(disk, raw);
      statics.set(termName(def.factor, 'proximity'), { column: sums.map((v) => (v > 0 ? 1 : 0)), parameter: { kind: 'defectPresent', rings } });
      statics.set(termName(def.factor, 'density'), { column: sums, parameter: { kind: 'defectCount', rings } });
    } else if (def.kind === 'imported') {
      const name = def.factor.slice(IMPORTED_FACTOR_PREFIX.length);
      const raw = Float64Array.from(input, (c) => c.importedByFactor?.[name] ?? 0);
      const sums = diskSums(disk, raw);
      statics.set(termName(def.factor, 'proximity'), { column: sums.map((v) => (v > 0 ? 1 : 0)), parameter: { kind: 'featurePresent', rings } });
      statics.set(termName(def.factor, 'density'), { column: sums, parameter: { kind: 'featureCount', rings } });
    }
  }
  const density = new Float64Array(n * P);
  const raw = new Float64Array(n);
  for (let t = 0; t < P; t++) {
    input.forEach((c, i) => (raw[i] = (c.outageNights[t] ?? 0) / options.periodDays));
    const sums = diskSums(disk, raw);
    for (let i = 0; i < n; i++) density[i * P + t] = sums[i];
  }
  const days = Math.round(options.periodDays);
  const lighting = new Map<Operationalisation, Column>([
    ['proximity', { column: density.map((v) => (v > 0 ? 1 : 0)), parameter: { kind: 'outagePresent', rings, days, periods: P } }],
    ['density', { column: density, parameter: { kind: 'outageDensity', rings, days, periods: P } }],
  ]);
  return { statics, lighting };
}

function estimateOf(c: { estimate: number; standardError: number; relativeRisk: number; relativeRiskLow: number; relativeRiskHigh: number; p: number }): FactorEstimate {
  return { coefficient: c.estimate, standardError: c.standardError, relativeRisk: c.relativeRisk, relativeRiskLow: c.relativeRiskLow, relativeRiskHigh: c.relativeRiskHigh, p: c.p, pFdr: NaN };
}

function pick(column: Float64Array, indices: Int32Array): Float64Array {
  return Float64Array.from(indices, (i) => column[i]);
}

/** The rows of the kept cells, every period of each. */
function pickRows(column: Float64Array, indices: Int32Array, periods: number): Float64Array {
  const out = new Float64Array(indices.length * periods);
  for (let m = 0; m < indices.length; m++) out.set(column.subarray(indices[m] * periods, indices[m] * periods + periods), m * periods);
  return out;
}

function chooseFamily(choice: FamilyChoice, y: Float64Array, offset: Float64Array, columns: Float64Array[]): { family: GlmFamily; reason: FamilyReason; warning: string | null } {
  let poisson: GlmFit;
  try {
    poisson = fitGlm('poisson', { y, offset, columns }, FIT_OPTIONS);
  } catch {
    poisson = fitGlm('poisson', { y, offset, columns: [] }, FIT_OPTIONS);
  }
  const dispersion = poisson.pearsonDispersion;
  if (choice === 'poisson') {
    const warning = dispersion > OVERDISPERSION_THRESHOLD ? `the Poisson model's Pearson dispersion is ${dispersion.toFixed(2)}: counts are overdispersed, standard errors are too small; prefer NEGATIVE_BINOMIAL` : null;
    return { family: 'poisson', reason: { kind: 'asked' }, warning };
  }
  if (choice === 'negative_binomial') return { family: 'negative_binomial', reason: { kind: 'asked' }, warning: null };
  if (dispersion <= OVERDISPERSION_THRESHOLD) return { family: 'poisson', reason: { kind: 'dispersion', dispersion, threshold: OVERDISPERSION_THRESHOLD, overdispersed: false }, warning: null };
  try {
    fitGlm('negative_binomial', { y, offset, columns: [] }, FIT_OPTIONS);
    return { family: 'negative_binomial', reason: { kind: 'dispersion', dispersion, threshold: OVERDISPERSION_THRESHOLD, overdispersed: true }, warning: null };
  } catch {
    return { family: 'poisson', reason: { kind: 'thetaNotConverging', dispersion }, warning: null };
  }
}

function newRow(def: FactorDefinition, op: Operationalisation, parameter: FactorParameter, response: TimeOfDay, column: Float64Array, y: Float64Array, yRanks: Float64Array): FactorResult {
  let exposed = 0;
  for (const v of column) if (v !== 0) exposed++;
  const rho = spearman(column, y, yRanks);
  return {
    factor: def.factor,
    kind: def.kind,
    label: def.label,
    operationalisation: op,
    parameter,
    response,
    exposedCells: exposed,
    spearmanRho: rho.rho,
    spearmanP: rho.p,
    univariate: null,
    univariateBic: null,
    model: null,
    selected: false,
    candidate: false,
    note: exposed === 0 ? { kind: 'nothingExposed' } : exposed === column.length && op === 'proximity' ? { kind: 'everythingExposed' } : null,
  };
}

/** A withheld row keeps its name and exposed cells, and loses its test as well as its estimates. */
function withhold(row: FactorResult, note: FactorNote | null): void {
  if (note === null) return;
  row.note = note;
  row.spearmanRho = NaN;
  row.spearmanP = NaN;
}

/** Fits every factor and the selected models. Pure: the inputs are the per-cell aggregates. */
export function analyseRiskFactors(input: readonly RiskCellInput[], options: RiskModelOptions): RiskAnalysis {
  const warnings: { code: string; message: string }[] = [];
  const definitions = factorDefinitions(options.importedFactors);
  const { statics, lighting } = buildColumns(input, options, definitions);
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

  // static factors: one count per cell over the window
  const staticResponse: TimeOfDay = options.timeOfDay ?? 'all';
  const offset = Float64Array.from(keep, (i) => log(options.exposure === 'residents' ? input[i].residents : input[i].areaKm2));
  const y = Float64Array.from(keep, (i) => series(input[i], staticResponse).reduce((a, b) => a + b, 0));
  const yRanks = averageRanks(y);
  const columns = new Map<string, Float64Array>();
  const rows: FactorResult[] = [];
  for (const def of definitions) {
    if (def.kind === 'lighting') continue;
    for (const op of ['proximity', 'density'] as const) {
      const name = termName(def.factor, op);
      const { column, parameter } = statics.get(name)!;
      columns.set(name, pick(column, cellIndices));
      const row = newRow(def, op, parameter, staticResponse, columns.get(name)!, y, yRanks);
      if (row.note === null && options.minimumSupport) withhold(row, withheldNote(columns.get(name)!, y, options.minimumSupport));
      rows.push(row);
    }
  }
  const estimable = rows.filter((r) => r.note === null).map((r) => columns.get(termName(r.factor, r.operationalisation))!);
  const chosen = chooseFamily(options.family, y, offset, estimable);
  if (chosen.warning) warnings.push({ code: 'OVERDISPERSION', message: `${staticResponse} incidents: ${chosen.warning}` });
  const family = chosen.family;
  for (const row of rows) {
    if (row.note !== null) continue;
    const name = termName(row.factor, row.operationalisation);
    try {
      const fit = fitGlm(family, { y, offset, columns: [columns.get(name)!], names: [name] }, FIT_OPTIONS);
      row.univariate = estimateOf(fit.coefficients[1]);
      row.univariateBic = fit.bic;
    } catch (error) {
      row.note = { kind: 'notEstimable', detail: error instanceof Error ? error.message : String(error) };
    }
  }
  const candidates: { name: string; column: Float64Array }[] = [];
  for (const def of definitions) {
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
    const m = globalMoran(pearsonResiduals(selection.fit, y), weights);
    residualMoran = { i: m.i, expected: m.expected, z: m.z, p: m.p, significant: m.p < RESIDUAL_MORAN_ALPHA };
    if (residualMoran.significant) {
      warnings.push({
        code: 'RESIDUAL_SPATIAL_AUTOCORRELATION',
        message: `${staticResponse} incidents: the model's Pearson residuals are spatially autocorrelated (Moran's I ${m.i.toFixed(3)}, z ${m.z.toFixed(2)}, p ${m.p.toExponential(2)}): something clustered is missing from the model (hot spots it does not know), so standard errors are too small, p-values too optimistic, and a factor that happens to lie in hot spots can look like a risk`,
      });
    }
  }
  if (!selection.fit.converged) warnings.push({ code: 'NOT_CONVERGED', message: `${staticResponse} incidents: the selected model did not converge` });
  const model: RiskModelResult = {
    response: staticResponse,
    family,
    familyReason: chosen.reason,
    selectedTerms: selection.selected,
    fit: selection.fit,
    nullBic: selection.nullBic,
    residualMoran,
    selectedColumns: selection.selected.map((name) => columns.get(name)!),
    y,
  };

  // lighting: cell x period panel with cell and period fixed effects
  const lightingResponse: TimeOfDay = options.timeOfDay ?? 'night';
  const panelY = new Float64Array(keep.length * P);
  keep.forEach((i, m) => {
    const values = series(input[i], lightingResponse);
    for (let t = 0; t < P; t++) panelY[m * P + t] = values[t];
  });
  const panelRanks = averageRanks(panelY);
  const lightingDef = RISK_FACTORS.find((d) => d.kind === 'lighting')!;
  const lightingRows: FactorResult[] = [];
  const panelFits = new Map<Operationalisation, FixedEffectsPoissonFit>();
  const panelColumns = new Map<Operationalisation, Float64Array>();
  for (const op of ['proximity', 'density'] as const) {
    const { column, parameter } = lighting.get(op)!;
    const x = pickRows(column, cellIndices, P);
    panelColumns.set(op, x);
    const row = newRow(lightingDef, op, parameter, lightingResponse, x, panelY, panelRanks);
    if (P < 2) row.note = { kind: 'windowTooShort' };
    if (row.note === null && options.minimumSupport) withhold(row, withheldNote(x, panelY, options.minimumSupport));
    if (row.note === null) {
      try {
        const fit = fitFixedEffectsPoisson({ y: panelY, x, cells: keep.length, periods: P });
        panelFits.set(op, fit);
        row.univariate = estimateOf(fit);
        row.univariateBic = -2 * fit.logLikelihood + log(fit.rows) * (fit.informativeCells + P);
      } catch (error) {
        row.note = { kind: 'notEstimable', detail: error instanceof Error ? error.message : String(error) };
      }
    }
    lightingRows.push(row);
  }
  let candidate: Operationalisation | null = null;
  for (const op of ['proximity', 'density'] as const) {
    const fit = panelFits.get(op);
    if (fit && (candidate === null || fit.logLikelihood > panelFits.get(candidate)!.logLikelihood)) candidate = op;
  }
  const panelFit = candidate ? panelFits.get(candidate)! : null;
  const bicImprovement = panelFit ? 2 * (panelFit.logLikelihood - panelFit.nullLogLikelihood) - log(panelFit.rows) : null;
  const lightingSelected = bicImprovement !== null && bicImprovement > 0;
  if (candidate) {
    const row = lightingRows.find((r) => r.operationalisation === candidate)!;
    row.candidate = true;
    if (lightingSelected) {
      row.selected = true;
      row.model = { ...row.univariate! };
    }
  }
  const lightingResult: LightingPanelResult = {
    response: lightingResponse,
    periods: P,
    periodDays: options.periodDays,
    candidate,
    selected: lightingSelected,
    fit: panelFit,
    bicImprovement,
    yByCell: Float64Array.from(keep, (i) => series(input[i], lightingResponse).reduce((a, b) => a + b, 0)),
    column: candidate ? panelColumns.get(candidate)! : null,
  };

  const factors = [...lightingRows, ...rows];
  const univariateFdr = benjaminiHochberg(factors.map((r) => r.univariate?.p ?? NaN));
  const modelFdr = benjaminiHochberg(factors.map((r) => r.model?.p ?? NaN));
  factors.forEach((r, i) => {
    if (r.univariate) r.univariate.pFdr = univariateFdr[i];
    if (r.model) r.model.pFdr = modelFdr[i];
  });
  return { cellIndices, cells, droppedCells: dropped, model, lighting: lightingResult, factors, warnings, columns };
}

export interface SurfaceCell {
  h3: string;
  /** exp(sum of selected beta_j x_ij), times the lighting RR at the cell's mean darkness when lighting was selected against the same incidents */
  relativeRisk: number;
  /** fitted mean of the static model over the window (exposure included) */
  expected: number;
  observed: number;
}

export function riskSurface(analysis: RiskAnalysis): SurfaceCell[] {
  const { model, lighting } = analysis;
  const betas = model.fit.coefficients.slice(1).map((c) => c.estimate);
  const P = lighting.periods;
  return analysis.cells.map((h3, m) => {
    let s = 0;
    betas.forEach((b, j) => (s += b * model.selectedColumns[j][m]));
    if (lighting.selected && lighting.fit && lighting.column && lighting.response === model.response) {
      let mean = 0;
      for (let t = 0; t < P; t++) mean += lighting.column[m * P + t];
      s += (lighting.fit.estimate * mean) / P;
    }
    return { h3, relativeRisk: exp(s), expected: model.fit.fitted[m], observed: model.y[m] };
  });
}
