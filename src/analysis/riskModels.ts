/**
 * The fitted risk models behind riskFactors, riskSurface and fixPriorities, and their cache.
 *
 * Method: Risk Terrain Modeling style (Caplan and Kennedy 2016) count regressions over the H3
 * cells of a study area: each environmental factor (lighting outages, each road-defect kind,
 * youth-facility gaps, imported factor layers) as PROXIMITY and DENSITY, Poisson or negative
 * binomial regression with an exposure offset (as R glm and MASS::glm.nb), the better
 * operationalisation of each by BIC offered to forward BIC selection; lighting outages by a
 * cell and period fixed-effects Poisson panel. The formulas are in src/geo/risk and
 * src/geo/stats; this module gathers the per-cell layers and fits. See docs/risk.md.
 *
 * Below the analyst role the arguments are first fixed to the risk release lattice
 * (riskArgsForRelease); the model is fitted on true counts and only model-level figures leave.
 */
import { createCache, versionedKey } from '../cache';
import { chargeRiskFit } from '../compute/charges';
import type { RequestContext } from '../context';
import { layerVersions, memoByLayerVersion } from '../db/layerCache';
import { riskFeatureLayers } from '../db/reads';
import { incidentCountsByCellPeriod, outageNightsByCellPeriod, riskFeatureCountsByCell } from '../db/risk';
import { badInput } from '../errors';
import { cellAreaKm2, neighbourSpacingMeters } from '../geo/h3';
import { analyseRiskFactors, FamilyChoice, FixPriority, ImportedFactor, RiskAnalysis, RiskCellInput, TimeOfDay } from '../geo/risk';
import type { AnalysisWarning } from '../schema/analysis';
import type { HexagonAggregation } from '../schema/hexagons';
import type { RiskModelArgs } from '../schema/risk';
import { computeHexagons } from './hexagons';
import { nonEmpty, toTimeWindow } from './inputs';
import { auditSensitiveCount, releasePolicy, riskArgsForRelease, sensitiveScope } from './release';
import { resolveStudyArea } from './studyArea';

export const DAY_MS = 86_400_000;
/** Without a window start, rates are taken over the year before its end. */
const DEFAULT_WINDOW_DAYS = 365;
const MAX_RINGS = 3;
/** About one street block: lighting and pedestrian-infrastructure effects reach this far in the literature and in the demo. */
export const DEFAULT_PROXIMITY_M = 150;
/** The window is cut into periods of about this many days (at most MAX_PERIODS) so outages meet the nights they were dark. */
const TARGET_PERIOD_DAYS = 61;
const MAX_PERIODS = 12;

export interface FittedRisk {
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
  /** fitted on sensitive categories alone (an analyst's request): observed counts are not given */
  sensitive: boolean;
  /** the ranking at unit weights with every part of the score (src/analysis/fixPriorities.ts); weights and filters are applied per request */
  fixes?: Promise<UnitWeightFixes>;
}

/** Open items scored at unit weights, kept with the model they were scored by (made by src/analysis/fixPriorities.ts). */
export interface UnitWeightFixes {
  items: FixPriority[];
  /** how walking distances to posts were measured: along the streets when a network covers the area */
  distanceBasis: 'network' | 'straightLine';
  warnings: AnalysisWarning[];
}

/**
 * Fitted models by request shape and layer versions; fixPriorities reuses them across calls.
 * A window open at its end moves with the clock: models are refitted after ten minutes.
 */
const modelCache = createCache<string, FittedRisk>({ name: 'risk models', max: 16, ttlMs: 10 * 60_000 });

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
    throw badInput(
      'importedFactors',
      `no imported factor layer named ${unknown.map((n) => `"${n.slice(0, 60)}"`).join(', ')}; stored: ${stored.length > 0 ? stored.map((f) => f.name).join(', ') : 'none'} (see riskFeatureLayers)`,
    );
  }
  return [...new Set(asked)].sort().map((name) => byName.get(name)!);
}

/**
 * Gathers the cells (through the hexagons answer) and fits the models, or takes them from the
 * cache. Below analyst the arguments are first fixed to the risk release lattice.
 */
export async function fitRiskModels(ctx: RequestContext, asked: RiskModelArgs, timeOfDay: TimeOfDay | null): Promise<FittedRisk> {
  const policy = releasePolicy(ctx);
  const lattice = riskArgsForRelease(ctx, asked);
  const window = toTimeWindow(lattice.window, 'window');
  // analysts' sensitive categories: coarse cells, a day or longer, alone, audited (sensitiveScope)
  const scope = policy.restricted ? null : sensitiveScope(ctx, nonEmpty(lattice.categories, 'categories'), lattice.resolution, window);
  const args = scope ? { ...lattice, categories: scope.categories ?? undefined } : lattice;
  if (scope?.sensitive) await auditSensitiveCount(ctx, 'risk model', { area: args.area, resolution: args.resolution, window, categories: args.categories }, 0);
  const { rings } = checkModelArgs(args);
  const [importedFactors, versions] = await Promise.all([chooseImportedFactors(ctx, args.importedFactors), layerVersions(ctx.knex)]);
  const requestShape = {
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
  };
  const key = versionedKey(
    MODEL_LAYERS.map((layer) => versions.get(layer) ?? 0),
    requestShape,
  );
  const cached = modelCache.get(key);
  if (cached) return cached;
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
  const fitted: FittedRisk = {
    analysis,
    hexagons,
    from,
    to,
    rings,
    proximityMeters: rings * neighbourSpacingMeters(args.resolution),
    periods,
    options,
    resolution: args.resolution,
    envelope: area.envelope,
    sensitive: scope?.sensitive ?? false,
  };
  modelCache.set(key, fitted);
  return fitted;
}
