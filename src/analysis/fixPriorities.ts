/**
 * The fixPriorities answer: every open lighting outage, open road defect and youth-facility gap
 * cell ranked by expected incidents prevented per year, weight x incidents within its reach per
 * year x (1 - 1/RR), RR = exp(beta x change) from the selected risk model (src/geo/risk/
 * fixPriorities.ts), with the parts of the score, the responsible agency, days open and the
 * nearest post (along the streets where a network covers the area). The ranking at unit weights
 * is kept with the fitted model, so changing weights or filters costs a sort. Below the analyst
 * role the incidents near each item are released as a band (countBand). See docs/risk.md.
 */
import { agencyScope } from '../auth/scope';
import type { RequestContext } from '../context';
import { growEnvelope } from '../db/aggregates';
import { placesOfPoints } from '../db/places';
import { openFixRows, postSites } from '../db/risk';
import { badInput } from '../errors';
import { DEFAULT_ACCESS_M, nearestAlongStreets } from '../geo/coverage';
import { DEFAULT_DETOUR_FACTOR } from '../geo/coverage/straightLineReach';
import { cellCentre } from '../geo/h3';
import { countBand, CountBand } from '../geo/privacy';
import { FixBasis, FixItemInput, rankFixes } from '../geo/risk';
import { fixed, text, withTexts, type Text } from '../i18n/texts';
import type { AnalysisWarning } from '../schema/analysis';
import type { FixPriorityArgs, FixPriorityItem, FixPriorityList } from '../schema/risk';
import { encodeCursor, toPageRequest } from './inputs';
import { releasePolicy, ReleasePolicy } from './release';
import { DAY_MS, fitRiskModels, type FittedRisk, type UnitWeightFixes } from './riskModels';
import { lightingSummaryOf, methodOf, RISK_CAVEAT, riskPrivacyNote, studyAreaOf, summaryOf, warningsOf } from './riskReport';
import { resolveReach } from './walkingReach';

/** A fix item's street is the nearest named street within this distance. */
const STREET_SEARCH_M = 150;

/** Posts farther than this from the study area are not read (the largest walking radius). */
const POST_SEARCH_M = 5_000;
const MAX_WEIGHT = 100;

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
  const policy = fitted.sensitive ? { ...releasePolicy(ctx), restricted: true } : releasePolicy(ctx);
  const windowYears = (fitted.to.getTime() - fitted.from.getTime()) / (365.25 * DAY_MS);
  const kindOf = { lighting_outage: 'lighting', road_defect: 'roads', youth_facility_gap: 'youth' } as const;
  const agencies = ctx.config.fixAgencies;
  const agencyOf = (item: FixItemInput): string => (item.kind === 'road_defect' ? (agencies[`road_defect:${item.defectKind}`] ?? agencies.road_defect) : agencies[item.kind]);
  // light records for the whole ranking; the answer's objects are built for the page alone
  const ranked = unitWeight.items
    .map((base) => {
      const weight = weights[kindOf[base.item.kind]];
      const near = releasedCount(policy, base.crimesNear);
      const crimesNearPerYear = near.value / windowYears;
      const expectedPreventedPerYear = crimesNearPerYear * base.preventableShare;
      const effect = { low: crimesNearPerYear * shareOf(base.relativeRiskLow), high: crimesNearPerYear * shareOf(base.relativeRiskHigh) };
      return { base, rank: 0, weight, near: near.range, crimesNearPerYear, expectedPreventedPerYear, effect, score: weight * expectedPreventedPerYear };
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
  const pageRows = start < 0 ? [] : filtered.slice(start, start + page.first);
  const places = await placesOfPoints(
    ctx.knex,
    pageRows.map((r) => r.base.item),
    STREET_SEARCH_M,
  );
  const lang = ctx.lang ?? 'en';
  const pageItems: FixPriorityItem[] = pageRows.map((r, i) => ({
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
    expectedPreventedPerYearLow: r.effect.low,
    expectedPreventedPerYearHigh: r.effect.high,
    streetName: places[i]?.street ?? null,
    districtId: places[i]?.districtId ?? null,
    districtName: (lang === 'ru' ? places[i]?.districtNameRu : lang === 'kk' ? places[i]?.districtNameKk : null) ?? places[i]?.districtName ?? null,
    score: r.score,
    scoreParts: withTexts<FixPriorityItem['scoreParts']>({
      relativeRisk: r.base.relativeRisk,
      crimesNear: r.near,
      crimesNearPerYear: r.crimesNearPerYear,
      preventableShare: r.base.preventableShare,
      weight: r.weight,
      basis: basisText(r.base.basis),
    }),
  }));
  const last = pageItems[pageItems.length - 1];
  return withTexts<FixPriorityList>({
    method: text('analysis.risk.fixMethod', { model: methodOf(fitted), gap: fitted.options.youthGapMeters }),
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
    privacy: riskPrivacyNote(ctx, fitted, text('analysis.risk.releasedFixes', { threshold: policy.threshold, suppressedMax: policy.threshold - 1, imputed: policy.threshold / 2 }), suppressedCells),
  });
}

/** Where an item's relative risk comes from, in words (src/geo/risk/fixPriorities.ts gives it as data). */
function basisText(basis: FixBasis): Text {
  const response = text(`analysis.risk.timeOfDay.${basis.response}`);
  if (basis.kind === 'notSelected') return text('analysis.fix.notSelected', { factor: basis.factor, response });
  const operationalisation = text(`analysis.fix.operationalisation.${basis.operationalisation}`);
  const notPositive = basis.positive ? '' : text('analysis.fix.notPositive');
  if (basis.kind === 'lightingPanel') {
    return text('analysis.fix.lightingPanel', { response, operationalisation, detail: basis.operationalisation === 'density' ? text('analysis.fix.oneOutage') : '', notPositive });
  }
  const detail = basis.youthKmBeyondGap !== null ? text('analysis.fix.beyondGap', { km: fixed(basis.youthKmBeyondGap, 2) }) : basis.operationalisation === 'density' ? text('analysis.fix.oneItem') : '';
  return text('analysis.fix.selectedModel', { family: text(`analysis.fix.family.${basis.family}`), response, operationalisation, detail, notPositive });
}

/** 1 - 1/RR: the share of the incidents near an item associated with its factor; 0 when RR <= 1. */
function shareOf(relativeRisk: number): number {
  return relativeRisk > 1 ? 1 - 1 / relativeRisk : 0;
}

/** A count near a fix item as released: exact for analysts, banded below (see countBand). */
function releasedCount(policy: ReleasePolicy, count: number): { range: { low: number; high: number; suppressed: boolean }; value: number } {
  if (!policy.restricted) return { range: { low: count, high: count, suppressed: false }, value: count };
  const band: CountBand | null = countBand(count, policy.threshold);
  if (band === null) return { range: { low: 0, high: policy.threshold - 1, suppressed: true }, value: policy.threshold / 2 };
  return { range: { ...band, suppressed: false }, value: band.low };
}
