/**
 * Ranks open fixes (dark street lights, open road defects, youth-facility gap cells) by the
 * incidents a fix might prevent per year, from the fitted risk model:
 *
 *   crimes near it per year  C = incidents of the factor's response (night incidents for lighting)
 *                                within k rings of the item's cell (the gap cell alone for youth
 *                                gaps) / window years
 *   relative risk            RR = exp(beta * delta), beta from the selected multi-factor model
 *                                (lighting: from the within-cell panel, when selected),
 *                                delta = the change fixing the item makes to the factor's column:
 *                                1 for proximity and for densities per item, the km beyond the gap
 *                                distance for the youth distance density
 *   preventable share        1 - 1/RR (the share of C attributable to the factor if the
 *                                association were causal; 0 when RR <= 1 or the factor was not selected)
 *   expected prevented       C * (1 - 1/RR), with the same from the ends of RR's 95 % interval
 *   score                    weight of the item's kind * expected prevented
 *
 * This is an upper-bound style estimate under a causal reading the data cannot prove; the NYC
 * lighting experiment (Chalfin et al. 2022) found about 36 % fewer outdoor night index crimes, and
 * outage studies in Chicago found displacement to neighbouring segments, which this ignores.
 */
import { haversineDistanceMeters } from '../coverage/straightLineReach';
import type { NearestAlongStreets } from '../coverage/streetNetwork';
import { cellDisk } from '../h3';
import type { GlmFamily } from '../stats';
import { Operationalisation, RiskAnalysis, termName, TimeOfDay, YOUTH_DISTANCE_CAP_KM } from './types';

export type FixKind = 'lighting_outage' | 'road_defect' | 'youth_facility_gap';

export interface FixItemInput {
  kind: FixKind;
  /** the record id, or the H3 cell for a gap */
  id: string;
  /** for road defects */
  defectKind: string | null;
  /** the item's cell at the analysis resolution */
  cell: string;
  lng: number;
  lat: number;
  openSince: Date | null;
}

export interface PostLocation {
  id: string;
  lng: number;
  lat: number;
  walkingRadiusM: number;
}

export interface FixWeights {
  lighting: number;
  roads: number;
  youth: number;
}

export interface FixPriorityOptions {
  weights: FixWeights;
  rings: number;
  windowYears: number;
  /** the end of the window: days open are counted to it */
  end: Date;
  detourFactor: number;
  youthGapMeters: number;
  /**
   * Per item (same order), the nearest post along the street network when one covers the area;
   * an item without an entry (or null) gets the straight-line estimate
   */
  alongStreets?: readonly (NearestAlongStreets | null)[];
}

export interface FixPriority {
  item: FixItemInput;
  factor: string;
  daysOpen: number | null;
  nearestPostId: string | null;
  /** along the streets when `alongStreets` has the item, else straight-line distance times the detour factor */
  nearestPostWalkingM: number | null;
  /** how nearestPostWalkingM and withinPostReach were measured */
  distanceBasis: 'network' | 'straightLine';
  /** some post's walking radius reaches the item (estimated walking distance <= radius) */
  withinPostReach: boolean;
  relativeRisk: number;
  /** the 95 % Wald interval of relativeRisk (equal to it when no factor was selected) */
  relativeRiskLow: number;
  relativeRiskHigh: number;
  /** incidents of the factor's response within the item's reach over the window */
  crimesNear: number;
  crimesNearPerYear: number;
  preventableShare: number;
  weight: number;
  expectedPreventedPerYear: number;
  score: number;
  basis: FixBasis;
}

/**
 * Where an item's relative risk comes from, as data: src/analysis puts it into words in the
 * caller's language (this module stays free of the catalogues). `positive` false: the
 * association is not positive, so no expected effect.
 */
export type FixBasis =
  | { kind: 'notSelected'; factor: string; response: TimeOfDay }
  | { kind: 'lightingPanel'; response: TimeOfDay; operationalisation: Operationalisation; positive: boolean }
  | { kind: 'selectedModel'; family: GlmFamily; response: TimeOfDay; operationalisation: Operationalisation; youthKmBeyondGap: number | null; positive: boolean };

const DAY_MS = 86_400_000;

function factorOf(item: FixItemInput): string {
  if (item.kind === 'lighting_outage') return 'lighting_outages';
  if (item.kind === 'road_defect') return `road_defect:${item.defectKind}`;
  return 'youth_facility_gap';
}

export function rankFixes(analysis: RiskAnalysis, items: readonly FixItemInput[], posts: readonly PostLocation[], options: FixPriorityOptions): FixPriority[] {
  const index = new Map(analysis.cells.map((c, i) => [c, i]));
  const { model, lighting } = analysis;
  const nearCache = new Map<string, number>();
  const out = items.map((item, itemIndex): FixPriority => {
    const kind = item.kind === 'lighting_outage' ? 'lighting' : item.kind === 'road_defect' ? 'roads' : 'youth';
    const factor = factorOf(item);
    const weight = options.weights[kind];
    const counts = kind === 'lighting' ? lighting.yByCell : model.y;
    const response = kind === 'lighting' ? lighting.response : model.response;

    const cacheKey = `${kind === 'lighting' ? 'l' : 's'}|${kind === 'youth' ? 0 : options.rings}|${item.cell}`;
    let near = nearCache.get(cacheKey);
    if (near === undefined) {
      near = 0;
      for (const c of kind === 'youth' ? [item.cell] : cellDisk(item.cell, options.rings)) {
        const i = index.get(c);
        if (i !== undefined) near += counts[i];
      }
      nearCache.set(cacheKey, near);
    }
    const crimesNearPerYear = near / options.windowYears;

    let relativeRisk = 1;
    let relativeRiskLow = 1;
    let relativeRiskHigh = 1;
    let basis: FixBasis = { kind: 'notSelected', factor, response };
    if (kind === 'lighting') {
      if (lighting.selected && lighting.fit) {
        relativeRisk = lighting.fit.relativeRisk;
        relativeRiskLow = lighting.fit.relativeRiskLow;
        relativeRiskHigh = lighting.fit.relativeRiskHigh;
        // a selected panel always has its candidate operationalisation
        basis = { kind: 'lightingPanel', response, operationalisation: lighting.candidate ?? 'proximity', positive: relativeRisk > 1 };
      }
    } else {
      const term = model.selectedTerms.find((t) => t.startsWith(`${factor}|`));
      if (term) {
        const estimate = model.fit.coefficients[model.selectedTerms.indexOf(term) + 1];
        const coefficient = estimate.estimate;
        const density = term === termName(factor, 'density');
        let delta = 1;
        if (kind === 'youth' && density) {
          const i = index.get(item.cell);
          const km = i === undefined ? 0 : analysis.columns.get(term)![i];
          delta = Math.max(0, Math.min(km, YOUTH_DISTANCE_CAP_KM) - options.youthGapMeters / 1000);
        }
        relativeRisk = Math.exp(coefficient * delta);
        // the interval of exp(beta) scales as exp(beta * delta) does
        relativeRiskLow = Math.pow(estimate.relativeRiskLow, delta);
        relativeRiskHigh = Math.pow(estimate.relativeRiskHigh, delta);
        basis = {
          kind: 'selectedModel',
          family: model.family,
          response,
          operationalisation: density ? 'density' : 'proximity',
          youthKmBeyondGap: kind === 'youth' && density ? delta : null,
          positive: relativeRisk > 1,
        };
      }
    }
    const preventableShare = relativeRisk > 1 ? 1 - 1 / relativeRisk : 0;
    const expectedPreventedPerYear = crimesNearPerYear * preventableShare;

    let nearestPostId: string | null = null;
    let nearestPostWalkingM: number | null = null;
    let withinPostReach = false;
    const street = options.alongStreets?.[itemIndex] ?? null;
    if (street !== null) {
      nearestPostId = street.id;
      nearestPostWalkingM = street.walkingM;
      withinPostReach = street.withinRadius;
    } else {
      let nearestStraight = Infinity;
      for (const post of posts) {
        const d = haversineDistanceMeters(item, post);
        if (d < nearestStraight) {
          nearestStraight = d;
          nearestPostId = post.id;
        }
        if (d * options.detourFactor <= post.walkingRadiusM) withinPostReach = true;
      }
      if (Number.isFinite(nearestStraight)) nearestPostWalkingM = nearestStraight * options.detourFactor;
    }
    return {
      item,
      factor,
      daysOpen: item.openSince ? Math.max(0, (options.end.getTime() - item.openSince.getTime()) / DAY_MS) : null,
      nearestPostId,
      nearestPostWalkingM,
      distanceBasis: street !== null ? 'network' : 'straightLine',
      withinPostReach,
      relativeRisk,
      relativeRiskLow,
      relativeRiskHigh,
      crimesNear: near,
      crimesNearPerYear,
      preventableShare,
      weight,
      expectedPreventedPerYear,
      score: weight * expectedPreventedPerYear,
      basis,
    };
  });
  return out.sort((a, b) => b.score - a.score || b.crimesNearPerYear - a.crimesNearPerYear || (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0));
}
