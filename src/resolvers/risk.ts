/** Risk factors, the risk surface and ranked fixes: check input, gather per-cell layers, fit, shape. */
import { Authorized, Args, Ctx, Query, Resolver } from 'type-graphql';
import { rolesFor } from '../auth/roleRules';
import { incidentCountsByCellPeriod, openFixRows, outageNightsByCellPeriod, postSites, riskFeatureCountsByCell } from '../db/risk';
import { riskFeatureLayers } from '../db/reads';
import { growEnvelope } from '../db/aggregates';
import { layerVersions, memoByLayerVersion } from '../db/layerCache';
import { agencyScope } from '../auth/scope';
import { countBand, CountBand } from '../geo/privacy';
import { DEFAULT_DETOUR_FACTOR } from '../geo/coverage/straightLineReach';
import { DEFAULT_ACCESS_M, nearestAlongStreets } from '../geo/coverage';
import type { AnalysisWarning } from '../schema/analysis';
import { resolveReach } from './coverageReach';
import { cellAreaKm2, cellCentre, cellFeatureCollection, cellPolygon, neighbourSpacingMeters } from '../geo/h3';
import { analyseRiskFactors, FamilyChoice, FixItemInput, FixPriority, ImportedFactor, LightingPanelResult, RiskAnalysis, RiskCellInput, RiskModelResult, rankFixes, riskSurface, TimeOfDay } from '../geo/risk';
import type { GlmCoefficient } from '../geo/stats';
import type { StudyArea } from '../schema/analysis';
import type { HexagonAggregation } from '../schema/hexagons';
import { FixPriorityArgs, FixPriorityItem, FixPriorityList, LightingPanelSummary, RelativeRiskEstimate, RiskFactorAnalysis, RiskModelArgs, RiskModelSummary, RiskSurface } from '../schema/risk';
import type { RequestContext } from '../context';
import { resolveStudyArea } from '../analysis/studyArea';
import { chargeRiskFit } from '../compute/charges';
import { badInput } from '../errors';
import { computeHexagons } from './hexagons';
import { encodeCursor, nonEmpty, toPageRequest, toTimeWindow } from '../analysis/inputs';
import { auditSensitiveCount, releasePolicy as releasePolicyOf, ReleasePolicy, RISK_RELEASE_MONTHS, riskArgsForRelease, sensitiveScope } from '../analysis/release';
import type { PrivacyNote } from '../schema/privacy';

const DAY_MS = 86_400_000;
/** Without a window start, rates are taken over the year before its end. */
const DEFAULT_WINDOW_DAYS = 365;
const MAX_RINGS = 3;
/** About one street block: lighting and pedestrian-infrastructure effects reach this far in the literature and in the demo. */
export const DEFAULT_PROXIMITY_M = 150;
/** The window is cut into periods of about this many days (at most MAX_PERIODS) so outages meet the nights they were dark. */
const TARGET_PERIOD_DAYS = 61;
const MAX_PERIODS = 12;
/** Posts farther than this from the study area are not read (the largest walking radius). */
const POST_SEARCH_M = 5_000;
const MAX_WEIGHT = 100;

export const RISK_CAVEAT =
  'These are associations between environmental factors and recorded incidents per cell, not causes: a factor can stand for something else that is there too (a market, a through road, who reports), recorded incidents depend on reporting, and the regression assumes independent cells (see the residual Moran test). Expected prevented incidents read the association as if it were causal and ignore displacement to neighbouring streets; field evidence such as the New York City lighting experiment (Chalfin et al. 2022) is what shows whether a fix works.';

interface FittedRisk {
  analysis: RiskAnalysis;
  hexagons: HexagonAggregation;
  from: Date;
  to: Date;
  rings: number;
  proximityMeters: number;
  periods: number;
  options: { exposure: 'residents' | 'area'; family: FamilyChoice; timeOfDay: TimeOfDay | null; youthGapMeters: number; importedFactors: ImportedFactor[] };
  resolution: number;
  envelope: [number, number, number, number];
  fittedAt: number;
  /** fitted on sensitive categories alone (an analyst's request): observed counts are not given */
  sensitive: boolean;
  /** the ranking at unit weights with every part of the score; weights and filters are applied per request */
  fixes?: Promise<UnitWeightFixes>;
}

/** Fitted models by request shape, least recently used first; fixPriorities reuses them across calls. */
const modelCache = new Map<string, FittedRisk>();
const MODEL_CACHE_LIMIT = 16;
/** Imports change the data and a window open at its end moves with the clock: models are refitted after this long. */
const CACHE_TTL_MS = 10 * 60_000;

function checkModelArgs(args: RiskModelArgs): { rings: number } {
  if (args.proximityRings !== undefined && args.proximityRings !== null && args.proximityMeters !== undefined && args.proximityMeters !== null) {
    throw badInput('proximityRings', 'give proximityRings or proximityMeters, not both');
  }
  let rings = Math.round(DEFAULT_PROXIMITY_M / neighbourSpacingMeters(args.resolution));
  if (args.proximityRings !== undefined && args.proximityRings !== null) {
    if (!Number.isInteger(args.proximityRings) || args.proximityRings < 0 || args.proximityRings > MAX_RINGS) throw badInput('proximityRings', `must be an integer from 0 to ${MAX_RINGS}, got ${args.proximityRings}`);
    rings = args.proximityRings;
  } else if (args.proximityMeters !== undefined && args.proximityMeters !== null) {
    const spacing = neighbourSpacingMeters(args.resolution);
    if (!Number.isFinite(args.proximityMeters) || args.proximityMeters < 0 || Math.round(args.proximityMeters / spacing) > MAX_RINGS) {
      throw badInput('proximityMeters', `must be from 0 to about ${Math.round(MAX_RINGS * spacing)} m at resolution ${args.resolution} (${MAX_RINGS} rings), got ${args.proximityMeters}`);
    }
    rings = Math.round(args.proximityMeters / spacing);
  }
  if (!Number.isFinite(args.youthGapMeters) || args.youthGapMeters < 100 || args.youthGapMeters > 5000) throw badInput('youthGapMeters', `must be from 100 to 5000, got ${args.youthGapMeters}`);
  return { rings };
}

/** Layers a fitted model is read from: a write to any of them makes a new model. */
const MODEL_LAYERS = ['incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'population', 'posts', 'risk_features'];

/** The imported factor layers to relate: the asked ones (each must be stored), or every stored one. */
async function chooseImportedFactors(ctx: RequestContext, asked: readonly string[] | null | undefined): Promise<ImportedFactor[]> {
  // read again only after a write to the layer: a cached model costs one version lookup per request
  const layers = await memoByLayerVersion(ctx.knex, 'risk_features', 'stored factors', () => riskFeatureLayers(ctx.knex, { area: null }));
  const stored = layers.map((layer) => ({ name: layer.factor, label: layer.label }));
  if (asked === null || asked === undefined) return stored;
  const byName = new Map(stored.map((f) => [f.name, f]));
  const unknown = asked.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw badInput('importedFactors', `no imported factor layer named ${unknown.map((n) => `"${n.slice(0, 60)}"`).join(', ')}; stored: ${stored.length > 0 ? stored.map((f) => f.name).join(', ') : 'none'} (see riskFeatureLayers)`);
  }
  return [...new Set(asked)].sort().map((name) => byName.get(name)!);
}

/**
 * Gathers the cells (through the hexagons answer) and fits the models, or takes them from the
 * cache. Below analyst the arguments are first fixed to the risk release lattice.
 */
export async function fitRiskModels(ctx: RequestContext, asked: RiskModelArgs, timeOfDay: TimeOfDay | null): Promise<FittedRisk> {
  const policy = releasePolicyOf(ctx);
  const lattice = riskArgsForRelease(ctx, asked);
  const window = toTimeWindow(lattice.window, 'window');
  // analysts' sensitive categories: coarse cells, a day or longer, alone, audited (sensitiveScope)
  const scope = policy.restricted ? null : sensitiveScope(ctx, nonEmpty(lattice.categories, 'categories'), lattice.resolution, window);
  const args = scope ? { ...lattice, categories: scope.categories ?? undefined } : lattice;
  if (scope?.sensitive) await auditSensitiveCount(ctx, 'risk model', { area: args.area, resolution: args.resolution, window, categories: args.categories }, 0);
  const { rings } = checkModelArgs(args);
  const [importedFactors, versions] = await Promise.all([chooseImportedFactors(ctx, args.importedFactors), layerVersions(ctx.knex)]);
  const key = JSON.stringify({
    area: args.area,
    resolution: args.resolution,
    from: window?.from ?? null,
    to: window?.to ?? null,
    categories: args.categories ?? null,
    timeOfDay,
    exposure: args.exposure,
    rings,
    model: args.model,
    gap: args.youthGapMeters,
    minimumSupport: policy.restricted ? policy.threshold : null,
    imported: importedFactors.map((f) => f.name),
    versions: MODEL_LAYERS.map((layer) => versions.get(layer) ?? 0),
  });
  const cached = modelCache.get(key);
  if (cached && Date.now() - cached.fittedAt < CACHE_TTL_MS) {
    modelCache.delete(key);
    modelCache.set(key, cached);
    return cached;
  }
  const to = window?.to ?? new Date();
  const from = window?.from ?? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  const periods = Math.min(MAX_PERIODS, Math.max(1, Math.round(days / TARGET_PERIOD_DAYS)));
  const area = await resolveStudyArea(ctx, args);
  await chargeRiskFit(ctx, area.cells.length, importedFactors.length);
  const categories = args.categories && args.categories.length > 0 ? args.categories : null;
  const periodQuery = { resolution: area.resolution, envelope: area.envelope, from, to, periods };
  const [hexagons, countRows, outageRows, featureRows] = await Promise.all([
    // the model is fitted on true counts; below analyst only model-level figures and banded
    // counts leave, on the lattice riskArgsForRelease fixed
    computeHexagons(ctx, { ...args, window: { from, to } }, { trueCounts: true }),
    incidentCountsByCellPeriod(ctx.knex, { ...periodQuery, categories }),
    outageNightsByCellPeriod(ctx.knex, periodQuery),
    riskFeatureCountsByCell(ctx.knex, { resolution: area.resolution, envelope: area.envelope, at: to, factors: importedFactors.map((f) => f.name) }),
  ]);
  const input: RiskCellInput[] = hexagons.cells.map((c) => ({
    h3: c.h3,
    incidents: new Array<number>(periods).fill(0),
    dayIncidents: new Array<number>(periods).fill(0),
    nightIncidents: new Array<number>(periods).fill(0),
    outageNights: new Array<number>(periods).fill(0),
    openDefectsByKind: Object.fromEntries(c.openRoadDefectsByKind.map((k) => [k.kind, k.count])),
    residents: c.residents,
    areaKm2: cellAreaKm2(c.h3),
    nearestYouthFacilityM: c.nearestYouthFacilityM,
    importedByFactor: {},
  }));
  for (const row of featureRows) {
    const i = area.index.get(row.cell);
    if (i !== undefined) (input[i].importedByFactor as Record<string, number>)[row.factor] = row.count;
  }
  for (const row of countRows) {
    const i = area.index.get(row.cell);
    if (i === undefined) continue;
    const cell = input[i];
    cell.incidents[row.period] += row.count;
    if (row.night === true) cell.nightIncidents[row.period] += row.count;
    else if (row.night === false) cell.dayIncidents[row.period] += row.count;
  }
  for (const row of outageRows) {
    const i = area.index.get(row.cell);
    if (i !== undefined) input[i].outageNights[row.period] += row.value;
  }
  const options = { exposure: args.exposure, family: args.model, timeOfDay, youthGapMeters: args.youthGapMeters, importedFactors, minimumSupport: policy.restricted ? policy.threshold : null };
  let analysis: RiskAnalysis;
  try {
    analysis = analyseRiskFactors(input, { ...options, rings, periods, periodDays: days / periods });
  } catch (error) {
    if (error instanceof RangeError) throw badInput('model', `the model cannot be fitted on this study area: ${error.message}`);
    throw error;
  }
  const fitted: FittedRisk = { analysis, hexagons, from, to, rings, proximityMeters: rings * neighbourSpacingMeters(args.resolution), periods, options, resolution: args.resolution, envelope: area.envelope, fittedAt: Date.now(), sensitive: scope?.sensitive ?? false };
  if (modelCache.size >= MODEL_CACHE_LIMIT) modelCache.delete(modelCache.keys().next().value as string);
  modelCache.set(key, fitted);
  return fitted;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function estimateOf(c: { coefficient: number; standardError: number; relativeRisk: number; relativeRiskLow: number; relativeRiskHigh: number; p: number; pFdr: number }): RelativeRiskEstimate {
  return { ...c, pFdr: finiteOrNull(c.pFdr) };
}

function coefficientOf(c: GlmCoefficient): RelativeRiskEstimate {
  return { coefficient: c.estimate, standardError: c.standardError, relativeRisk: c.relativeRisk, relativeRiskLow: c.relativeRiskLow, relativeRiskHigh: c.relativeRiskHigh, p: c.p, pFdr: null };
}

function summaryOf(m: RiskModelResult): RiskModelSummary {
  const f = m.fit;
  return {
    response: m.response,
    family: m.family,
    familyReason: m.familyReason,
    selectedTerms: m.selectedTerms,
    coefficients: f.coefficients.map((c) => ({ name: c.name, estimate: coefficientOf(c) })),
    cellCount: f.n,
    logLikelihood: f.logLikelihood,
    aic: f.aic,
    bic: f.bic,
    nullBic: m.nullBic,
    deviance: f.deviance,
    residualDegreesOfFreedom: f.residualDegreesOfFreedom,
    pearsonDispersion: f.pearsonDispersion,
    theta: f.theta,
    thetaStandardError: f.thetaStandardError,
    converged: f.converged,
    residualMoran: m.residualMoran,
  };
}

function lightingSummaryOf(l: LightingPanelResult): LightingPanelSummary {
  const f = l.fit;
  return {
    response: l.response,
    periods: l.periods,
    periodDays: l.periodDays,
    operationalisation: l.candidate,
    selected: l.selected,
    estimate: f
      ? { coefficient: f.estimate, standardError: f.standardError, relativeRisk: f.relativeRisk, relativeRiskLow: f.relativeRiskLow, relativeRiskHigh: f.relativeRiskHigh, p: f.p, pFdr: null }
      : null,
    bicImprovement: l.bicImprovement,
    dispersion: f ? f.dispersion : null,
    informativeCells: f ? f.informativeCells : 0,
    rows: f ? f.rows : 0,
    converged: f ? f.converged : false,
  };
}

function studyAreaOf(fitted: FittedRisk): StudyArea {
  return { ...fitted.hexagons.studyArea, k: fitted.rings, weights: null, from: fitted.from, to: fitted.to };
}

function warningsOf(fitted: FittedRisk): { code: string; message: string; cells: string[] }[] {
  return fitted.analysis.warnings.map((w) => ({ ...w, cells: [] }));
}

function methodOf(fitted: FittedRisk): string {
  const o = fitted.options;
  const responses = o.timeOfDay ? `${o.timeOfDay} incidents for every factor` : 'night incidents for lighting outages, all incidents for the other factors';
  return [
    `Risk Terrain Modeling style count regressions over the H3 resolution-${fitted.resolution} cells of the study area, window ${fitted.from.toISOString()} to ${fitted.to.toISOString()}; response: ${responses}`,
    `each factor as PROXIMITY (present within ${fitted.rings} ring(s), about ${Math.round(fitted.proximityMeters)} m) and DENSITY, with Spearman rho`,
    `road defects (open at the window end), youth-facility gaps${o.importedFactors.length > 0 ? ` and imported factor layers (${o.importedFactors.map((f) => f.name).join(', ')}; features present at the window end)` : ''}: counts per cell over the window, offset log(${o.exposure === 'residents' ? 'residents' : 'cell area km²'}), one-factor ${o.family === 'auto' ? 'Poisson or negative binomial (AUTO)' : o.family} regressions, the better operationalisation of each factor by BIC offered to forward BIC selection, global Moran's I of the Pearson residuals (k = 1, row-standardised, randomisation)`,
    `lighting outages: counts per cell and period (${fitted.periods} periods of ${Math.round((fitted.to.getTime() - fitted.from.getTime()) / DAY_MS / fitted.periods)} days) with cell and period fixed effects (Poisson, SE scaled by sqrt(dispersion) when above 1), selected when BIC improves`,
    'Wald 95 % intervals of exp(beta), two-sided p, Benjamini-Hochberg FDR over the rows',
  ].join('; ');
}

function riskPrivacyNote(ctx: RequestContext, fitted: FittedRisk, released: string, suppressedCells = 0): PrivacyNote {
  const policy = releasePolicyOf(ctx);
  return {
    applied: policy.restricted,
    threshold: policy.threshold,
    resolution: fitted.resolution,
    suppressedCells,
    rules: policy.restricted
      ? `below the analyst role: a risk model covers a whole district or the city at resolution ${fitted.resolution} with the default reach, over ${RISK_RELEASE_MONTHS} whole ended calendar months (UTC) and all categories; ${released}`
      : 'analyst or admin: true counts, any area, resolution, window and categories',
  };
}

@Resolver()
export class RiskQueries {
  @Authorized(...rolesFor('Query.riskFactors'))
  @Query(() => RiskFactorAnalysis, {
    description:
      'Which environmental factors (lighting outages, each road-defect kind, youth-facility gaps) go with incident counts per cell, how strongly and how surely: Spearman rho, Poisson or negative-binomial regression with an exposure offset, relative risks with 95 % intervals, BIC selection and a residual spatial autocorrelation check. Associations, not causes.',
  })
  async riskFactors(@Ctx() ctx: RequestContext, @Args() args: RiskModelArgs): Promise<RiskFactorAnalysis> {
    const fitted = await fitRiskModels(ctx, args, args.timeOfDay ?? null);
    const a = fitted.analysis;
    return {
      method: methodOf(fitted),
      studyArea: studyAreaOf(fitted),
      exposure: fitted.options.exposure,
      proximityRings: fitted.rings,
      proximityMeters: fitted.proximityMeters,
      modelCellCount: a.cells.length,
      droppedCellCount: a.droppedCells,
      model: summaryOf(a.model),
      lightingModel: lightingSummaryOf(a.lighting),
      factors: a.factors.map((r) => ({
        ...r,
        spearmanRho: finiteOrNull(r.spearmanRho),
        spearmanP: finiteOrNull(r.spearmanP),
        univariate: r.univariate ? estimateOf(r.univariate) : null,
        model: r.model ? estimateOf(r.model) : null,
      })),
      warnings: warningsOf(fitted),
      caveat: RISK_CAVEAT,
      privacy: riskPrivacyNote(ctx, fitted, 'model-level figures only (coefficients, relative risks, fit), no per-cell count'),
    };
  }

  @Authorized(...rolesFor('Query.riskSurface'))
  @Query(() => RiskSurface, { description: "Each cell's relative risk from the selected model (and expected and observed counts), for mapping; also as a GeoJSON FeatureCollection." })
  async riskSurface(@Ctx() ctx: RequestContext, @Args() args: RiskModelArgs): Promise<RiskSurface> {
    const fitted = await fitRiskModels(ctx, args, args.timeOfDay ?? null);
    const restricted = releasePolicyOf(ctx).restricted || fitted.sensitive;
    const cells = riskSurface(fitted.analysis).map((c) => ({
      ...c,
      // relative risk and expected are functions of the model and of the factors; the count is not
      observed: restricted ? null : c.observed,
      get boundary() {
        return cellPolygon(c.h3);
      },
    }));
    return {
      method: `${methodOf(fitted)}; relativeRisk = exp(sum of the selected terms' beta x value) against a cell with none of them, expected = the fitted mean`,
      studyArea: studyAreaOf(fitted),
      model: summaryOf(fitted.analysis.model),
      lightingModel: lightingSummaryOf(fitted.analysis.lighting),
      cells,
      get featureCollection() {
        return cellFeatureCollection(cells);
      },
      warnings: warningsOf(fitted),
      caveat: RISK_CAVEAT,
      privacy: riskPrivacyNote(ctx, fitted, 'each cell gives its modelled relative risk and expected count, never its observed count'),
    };
  }

  @Authorized(...rolesFor('Query.fixPriorities'))
  @Query(() => FixPriorityList, {
    description:
      'Every open lighting outage, open road defect and youth-facility gap cell ranked by expected incidents prevented per year (relative risk from the fitted model x incidents near it), with the parts of the score, the responsible agency, days open and the nearest post. Change the weights to see the ranking change.',
  })
  async fixPriorities(@Ctx() ctx: RequestContext, @Args() args: FixPriorityArgs): Promise<FixPriorityList> {
    return computeFixPriorities(ctx, args);
  }
}

interface UnitWeightFixes {
  items: FixPriority[];
  /** how walking distances to posts were measured: along the streets when a network covers the area */
  distanceBasis: 'network' | 'straightLine';
  warnings: AnalysisWarning[];
}

/** Along the streets, the nearest post is looked for this far; beyond it an item gets the straight-line estimate. */
const NEAREST_POST_SEARCH_M = 3_000;

/** Open items scored at unit weights: read once per fitted model, so changing weights or filters costs a sort. */
async function unitWeightFixes(ctx: RequestContext, fitted: FittedRisk): Promise<UnitWeightFixes> {
  const [rows, posts, reach] = await Promise.all([
    openFixRows(ctx.knex, { envelope: fitted.envelope, end: fitted.to, resolution: fitted.resolution }),
    postSites(ctx.knex, { envelope: growEnvelope(fitted.envelope, POST_SEARCH_M), end: fitted.to }),
    // the coverage answers' walking reach: the street network when it covers the area (AUTO)
    resolveReach(ctx, { method: 'auto', detourFactor: DEFAULT_DETOUR_FACTOR, accessDistance: DEFAULT_ACCESS_M }, fitted.envelope, fitted.analysis.cells),
  ]);
  const inModel = new Set(fitted.analysis.cells);
  const items: FixItemInput[] = rows
    .filter((r) => inModel.has(r.cell))
    .map((r) => ({ kind: r.table === 'lighting_outages' ? 'lighting_outage' : 'road_defect', id: r.id, defectKind: r.kind, cell: r.cell, lng: r.lng, lat: r.lat, openSince: r.reportedAt }));
  for (const c of fitted.hexagons.cells) {
    const gap = c.nearestYouthFacilityM === null || c.nearestYouthFacilityM > fitted.options.youthGapMeters;
    if (gap && c.youngResidents > 0 && inModel.has(c.h3)) {
      const [lng, lat] = cellCentre(c.h3);
      items.push({ kind: 'youth_facility_gap', id: c.h3, defectKind: null, cell: c.h3, lng, lat, openSince: null });
    }
  }
  const warnings: AnalysisWarning[] = [...reach.warnings];
  let alongStreets: ReturnType<typeof nearestAlongStreets> | undefined;
  if (reach.method === 'network' && reach.network) {
    const sources = posts.map((p) => ({ id: p.id, place: { lng: p.lng, lat: p.lat }, radiusM: p.walkingRadiusM }));
    alongStreets = nearestAlongStreets(reach.network.graph, sources, items, { searchM: NEAREST_POST_SEARCH_M, accessM: reach.accessM });
    const off = alongStreets.filter((a) => a === null).length;
    if (off > 0) {
      warnings.push({
        code: 'PARTLY_STRAIGHT_LINE',
        message: `${off} of ${items.length} items are more than ${reach.accessM} m from a street or more than ${NEAREST_POST_SEARCH_M} m along the streets from every post: their nearest post and reach are straight line x ${DEFAULT_DETOUR_FACTOR}`,
        cells: [],
      });
    }
  }
  const ranked = rankFixes(fitted.analysis, items, posts, {
    weights: { lighting: 1, roads: 1, youth: 1 },
    rings: fitted.rings,
    windowYears: (fitted.to.getTime() - fitted.from.getTime()) / (365.25 * DAY_MS),
    end: fitted.to,
    detourFactor: DEFAULT_DETOUR_FACTOR,
    youthGapMeters: fitted.options.youthGapMeters,
    alongStreets,
  });
  return { items: ranked, distanceBasis: alongStreets ? 'network' : 'straightLine', warnings };
}

/** The fixPriorities answer; also called by the benchmark (p50 target 200 ms for the city with the model cached). */
export async function computeFixPriorities(ctx: RequestContext, args: FixPriorityArgs): Promise<FixPriorityList> {
  const weights = { lighting: args.weights?.lighting ?? 1, roads: args.weights?.roads ?? 1, youth: args.weights?.youth ?? 1 };
  for (const [name, w] of Object.entries(weights)) {
    if (!Number.isFinite(w) || w < 0 || w > MAX_WEIGHT) throw badInput(`weights.${name}`, `must be from 0 to ${MAX_WEIGHT}, got ${w}`);
  }
  if (args.agencies && args.agencies.length === 0) throw badInput('agencies', 'must not be empty (leave it out to mean all)');
  if (args.kinds && args.kinds.length === 0) throw badInput('kinds', 'must not be empty (leave it out to mean all)');
  const page = toPageRequest({ first: args.first, after: args.after }, ctx.config);
  const fitted = await fitRiskModels(ctx, args, args.timeOfDay ?? null);
  fitted.fixes ??= unitWeightFixes(ctx, fitted);
  let unitWeight: UnitWeightFixes;
  try {
    unitWeight = await fitted.fixes;
  } catch (error) {
    fitted.fixes = undefined;
    throw error;
  }
  // an analyst's model of sensitive categories alone gives the incidents near each item as bands too
  const policy = fitted.sensitive ? { ...releasePolicyOf(ctx), restricted: true } : releasePolicyOf(ctx);
  const windowYears = (fitted.to.getTime() - fitted.from.getTime()) / (365.25 * DAY_MS);
  const kindOf = { lighting_outage: 'lighting', road_defect: 'roads', youth_facility_gap: 'youth' } as const;
  const agencies = ctx.config.fixAgencies;
  const agencyOf = (item: FixItemInput): string => (item.kind === 'road_defect' ? agencies[`road_defect:${item.defectKind}`] ?? agencies.road_defect : agencies[item.kind]);
  // light records for the whole ranking; the answer's objects are built for the page alone
  const ranked = unitWeight.items
    .map((base) => {
      const weight = weights[kindOf[base.item.kind]];
      const near = releasedCount(policy, base.crimesNear);
      const crimesNearPerYear = near.value / windowYears;
      const expectedPreventedPerYear = crimesNearPerYear * base.preventableShare;
      return { base, rank: 0, weight, near: near.range, crimesNearPerYear, expectedPreventedPerYear, score: weight * expectedPreventedPerYear };
    })
    // below analyst every key of the order is a released number (or the item's id)
    .sort((a, b) => b.score - a.score || b.crimesNearPerYear - a.crimesNearPerYear || (a.base.item.id < b.base.item.id ? -1 : a.base.item.id > b.base.item.id ? 1 : 0));
  ranked.forEach((r, i) => (r.rank = i + 1));
  const scope = agencyScope(ctx.user);
  const filtered = ranked.filter((r) => {
    const agency = agencyOf(r.base.item);
    return (
      // the ranked list is computed in memory from the cached model, so the agency scope applies here
      scope.kind !== 'none' &&
      (scope.kind === 'all' || agency === scope.agency) &&
      (args.withinPostReach === undefined || args.withinPostReach === null || r.base.withinPostReach === args.withinPostReach) &&
      (!args.agencies || args.agencies.includes(agency)) &&
      (!args.kinds || args.kinds.includes(r.base.item.kind))
    );
  });
  const suppressedCells = new Set(filtered.filter((r) => r.near.suppressed).map((r) => r.base.item.cell)).size;
  const afterRank = page.afterId === null ? 0 : Number(page.afterId);
  const start = filtered.findIndex((r) => r.rank > afterRank);
  const pageItems: FixPriorityItem[] = (start < 0 ? [] : filtered.slice(start, start + page.first)).map((r) => ({
    rank: r.rank,
    kind: r.base.item.kind,
    id: r.base.item.id,
    roadDefectKind: r.base.item.defectKind,
    factor: r.base.factor,
    agency: agencyOf(r.base.item),
    location: { type: 'Point', coordinates: [r.base.item.lng, r.base.item.lat] },
    h3: r.base.item.cell,
    openSince: r.base.item.openSince,
    daysOpen: r.base.daysOpen,
    nearestPostId: r.base.nearestPostId,
    nearestPostWalkingM: r.base.nearestPostWalkingM,
    distanceBasis: r.base.distanceBasis,
    withinPostReach: r.base.withinPostReach,
    expectedPreventedPerYear: r.expectedPreventedPerYear,
    score: r.score,
    scoreParts: { relativeRisk: r.base.relativeRisk, crimesNear: r.near, crimesNearPerYear: r.crimesNearPerYear, preventableShare: r.base.preventableShare, weight: r.weight, basis: r.base.basis },
  }));
  const last = pageItems[pageItems.length - 1];
  return {
    method: `${methodOf(fitted)}; each open item scored as weight x incidents within its reach per year x (1 - 1/RR), RR = exp(beta x change) from the selected model (1 when its factor was not selected); youth-facility gaps: cells with young residents whose nearest facility is more than ${fitted.options.youthGapMeters} m walking away`,
    studyArea: studyAreaOf(fitted),
    distanceBasis: unitWeight.distanceBasis,
    detourFactor: DEFAULT_DETOUR_FACTOR,
    totalCount: filtered.length,
    items: pageItems,
    pageInfo: { endCursor: last ? encodeCursor(String(last.rank)) : null, hasNextPage: start >= 0 && start + page.first < filtered.length },
    model: summaryOf(fitted.analysis.model),
    lightingModel: lightingSummaryOf(fitted.analysis.lighting),
    warnings: [...warningsOf(fitted), ...unitWeight.warnings],
    caveat: RISK_CAVEAT,
    privacy: riskPrivacyNote(ctx, fitted, `the incidents near each item are released as a band (0, ${policy.threshold}-9, 10-19, 20-49, 50-99, ...; 1 to ${policy.threshold - 1} suppressed) and every score and rank is computed from the band's low end (${policy.threshold / 2} when suppressed); an agency sees its own agency's items only`, suppressedCells),
  };
}

/** A count near a fix item as released: exact for analysts, banded below (see countBand). */
function releasedCount(policy: ReleasePolicy, count: number): { range: { low: number; high: number; suppressed: boolean }; value: number } {
  if (!policy.restricted) return { range: { low: count, high: count, suppressed: false }, value: count };
  const band: CountBand | null = countBand(count, policy.threshold);
  if (band === null) return { range: { low: 0, high: policy.threshold - 1, suppressed: true }, value: policy.threshold / 2 };
  return { range: { ...band, suppressed: false }, value: band.low };
}
