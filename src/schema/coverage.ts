/** GraphQL types of walking-distance coverage of posts and of siting new ones. */
import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { DEFAULT_ACCESS_M } from '../geo/coverage/streetNetwork';
import { AnalysisWarning, StudyArea } from './analysis';
import { IncidentCategoryEnum } from './enums';
import { AreaInput, TimeWindowInput } from './inputs';
import { GeoJSONScalar } from './scalars';

export const ReachMethodEnum = { STRAIGHT_LINE: 'straightLine', NETWORK: 'network', AUTO: 'auto' } as const;
export type ReachMethodChoice = (typeof ReachMethodEnum)[keyof typeof ReachMethodEnum];
registerEnumType(ReachMethodEnum, {
  name: 'ReachMethod',
  description:
    'NETWORK: walking distance along the loaded street network (access legs from places to the nearest street included). STRAIGHT_LINE: a circle of radius / detour factor. AUTO: NETWORK where streets are loaded in the area, otherwise STRAIGHT_LINE.',
  valuesConfig: {
    STRAIGHT_LINE: { description: 'A circle of radius / detour factor around each post.' },
    NETWORK: { description: 'Walking distance along the loaded street network, access legs included.' },
    AUTO: { description: 'NETWORK where the street network covers at least 80 % of the area, otherwise STRAIGHT_LINE (the answer says which).' },
  },
});

export const SitingDemandEnum = { RESIDENTS: 'residents', YOUNG_RESIDENTS: 'youngResidents', INCIDENTS: 'incidents', HOTSPOT_WEIGHT: 'hotspotWeight' } as const;
export type SitingDemand = (typeof SitingDemandEnum)[keyof typeof SitingDemandEnum];
registerEnumType(SitingDemandEnum, {
  name: 'SitingDemand',
  description: 'What new sites should bring within walking reach: residents, young residents (14-24), incidents in the window, or significant hot spot cells weighted by their Gi* z.',
  valuesConfig: {
    RESIDENTS: { description: 'Residents of the population grid.' },
    YOUNG_RESIDENTS: { description: 'Residents aged 14-24.' },
    INCIDENTS: { description: 'Incidents in the window (of the asked categories).' },
    HOTSPOT_WEIGHT: { description: 'Significant hot spot cells (binFdr >= 2), each weighted by its Gi* z.' },
  },
});

export const SitingSolverEnum = { AUTO: 'auto', GREEDY: 'greedy', EXACT: 'exact' } as const;
registerEnumType(SitingSolverEnum, {
  name: 'SitingSolver',
  description: 'GREEDY: greedy with its proven bound. EXACT: branch and bound within a node and time budget. AUTO: greedy, then the exact search when the instance is small enough to prove.',
  valuesConfig: {
    AUTO: { description: 'Greedy, then the exact search when the instance is small enough to prove optimal.' },
    GREEDY: { description: 'Greedy selection with its proven bound (at least 1 - 1/e of the optimum).' },
    EXACT: { description: 'Branch and bound within a node and time budget; says whether optimality was proven.' },
  },
});

@ArgsType()
export class ReachArgs {
  @Field(() => Float, { nullable: true, description: "Walking radius in metres (above 0, at most 5000); default: each post's own walking radius." })
  radius?: number;

  @Field(() => ReachMethodEnum, { defaultValue: 'auto', description: 'How walking reach is computed.' })
  method: ReachMethodChoice;

  @Field(() => Float, { defaultValue: 1.3, description: 'Detour factor f (1 to 3) of the straight-line method: reach is a circle of radius / f.' })
  detourFactor: number;

  @Field(() => Float, { defaultValue: DEFAULT_ACCESS_M, description: 'Network method: the longest straight leg (metres, 0 to 500) between a place and its nearest street; the leg counts toward the radius.' })
  accessDistance: number;
}

@ArgsType()
export class CoverageArgs extends ReachArgs {
  @Field(() => AreaInput, { description: 'The area: every cell whose centre lies in it counts.' })
  area: AreaInput;

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution (9 to 11) of the study area, population, hot spots and grouping; incidents are placed at their stored resolution-11 cell.' })
  resolution: number;

  @Field(() => TimeWindowInput, { nullable: true, description: 'Incidents in this window; posts opened before its end (or undated).' })
  window?: TimeWindowInput;

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Incident categories counted; all when left out.' })
  categories?: string[];
}

@ArgsType()
export class PostReachArgs extends ReachArgs {
  @Field(() => ID, { nullable: true, description: 'One post; give this or area.' })
  postId?: string;

  @Field(() => AreaInput, { nullable: true, description: 'Every post in the area; give this or postId.' })
  area?: AreaInput;
}

@InputType({ description: 'A candidate location for a new post, e.g. an available premises.' })
export class CandidateSiteInput {
  @Field(() => Float, { description: 'Longitude, degrees.' })
  lng: number;

  @Field(() => Float, { description: 'Latitude, degrees.' })
  lat: number;

  @Field({ nullable: true, description: 'A label returned with the site (an address, a premises id).' })
  label?: string;
}

@ArgsType()
export class SitingArgs extends ReachArgs {
  @Field(() => AreaInput, { description: 'The area whose demand is to be covered (cells whose centre lies in it).' })
  area: AreaInput;

  @Field(() => [CandidateSiteInput], { nullable: true, description: 'Candidate locations (at most 20 000); default: the centres of the area\'s cells at candidateResolution.' })
  candidates?: CandidateSiteInput[];

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution (7 to 10) of the default candidates (cell centres of the area).' })
  candidateResolution: number;

  @Field(() => Int, { defaultValue: 10, description: 'H3 resolution (9 to 11) of the demand cells.' })
  resolution: number;

  @Field(() => SitingSolverEnum, { defaultValue: 'auto', description: 'Solver.' })
  solver: 'auto' | 'greedy' | 'exact';

  @Field(() => TimeWindowInput, { nullable: true, description: 'Incidents (and hot spots) in this window; posts opened before its end.' })
  window?: TimeWindowInput;

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Incident categories counted; all when left out.' })
  categories?: string[];
}

@ArgsType()
export class SuggestSitesArgs extends SitingArgs {
  @Field(() => Int, { description: 'How many new sites to choose (1 to 200, at most the number of candidates).' })
  count: number;

  @Field(() => SitingDemandEnum, { defaultValue: 'incidents', description: 'What to bring within reach.' })
  demand: SitingDemand;
}

@ObjectType({ description: 'How walking reach was computed.' })
export class ReachMethodUsed {
  @Field({ description: 'network or straightLine.' })
  method: string;

  @Field(() => Float, { nullable: true, description: "Walking radius in metres; null when each post's own radius was used." })
  radiusM: number | null;

  @Field(() => Float, { nullable: true, description: 'Detour factor of the straight-line method; null for the network method.' })
  detourFactor: number | null;

  @Field(() => Float, { nullable: true, description: 'Longest access leg to the street (network method); null for the straight-line method.' })
  accessDistanceM: number | null;

  @Field({ description: 'The method in words, with its parameters and conventions.' })
  description: string;
}

@ObjectType({ description: 'Covered share of one measure.' })
export class CoverageShareResult {
  @Field(() => Float, { description: 'Total weight (residents, incidents, cells) in the area.' })
  total: number;

  @Field(() => Float, { description: 'Weight within walking reach of some post.' })
  covered: number;

  @Field(() => Float, { nullable: true, description: 'covered / total; null when total is 0 (nothing to cover).' })
  share: number | null;

  @Field(() => Int, { description: 'Cells carrying this measure.' })
  cellCount: number;

  @Field(() => Int, { description: 'Of them, cells within reach.' })
  coveredCellCount: number;
}

@ObjectType({ description: 'Incidents of one category within reach.' })
export class CategoryCoverage {
  @Field(() => IncidentCategoryEnum, { description: 'Category.' })
  category: string;

  @Field(() => CoverageShareResult, { description: 'Incidents of the category within reach (cellCount and coveredCellCount are not counted per category and are 0).' })
  incidents: CoverageShareResult;
}

@ObjectType({ description: 'Coverage of residents, young residents, incidents and significant hot spot cells.' })
export class CoverageMeasures {
  @Field(() => CoverageShareResult, { description: 'Residents (population records; finer cells get an even split of their resolution-9 record).' })
  residents: CoverageShareResult;

  @Field(() => CoverageShareResult, { description: 'Young residents (14-24).' })
  youngResidents: CoverageShareResult;

  @Field(() => CoverageShareResult, { description: 'Incidents in the window and categories, each within reach when the centre of its stored resolution-11 cell is; a cell counts as covered when any of its incidents is.' })
  incidents: CoverageShareResult;

  @Field(() => CoverageShareResult, { description: 'Significant hot spot cells (Gi* binFdr >= 2: hot at 95 % or 99 % after FDR); each counts 1.' })
  significantHotspotCells: CoverageShareResult;
}

@ObjectType({ description: 'Coverage within one district or precinct.' })
export class AreaCoverage {
  @Field(() => ID, { description: 'Area id.' })
  areaId: string;

  @Field({ description: 'district or precinct.' })
  kind: string;

  @Field({ description: 'Area name.' })
  name: string;

  @Field(() => ID, { nullable: true, description: 'The district of a precinct.' })
  parentId: string | null;

  @Field(() => CoverageMeasures, { description: 'Covered shares within the area (its cells inside the study area).' })
  coverage: CoverageMeasures;

  @Field(() => Int, { description: 'Precinct offices located in the area (any opening date).' })
  precinctOffices: number;

  @Field(() => Float, { nullable: true, description: 'Residents of the area per precinct office; null without an office.' })
  residentsPerOffice: number | null;

  @Field(() => Float, { nullable: true, description: 'Incidents of the area per precinct office; null without an office.' })
  incidentsPerOffice: number | null;
}

@ObjectType({ description: 'What one post has within walking reach (inside the study area).' })
export class PostCoverage {
  @Field(() => ID, { description: 'Post id.' })
  postId: string;

  @Field(() => String, { nullable: true, description: 'Post name.' })
  name: string | null;

  @Field({ description: 'modular_post, precinct_office or police_station.' })
  kind: string;

  @Field(() => Float, { description: 'Walking radius used, metres.' })
  radiusM: number;

  @Field(() => Float, { description: 'Residents within reach.' })
  residents: number;

  @Field(() => Float, { description: 'Young residents within reach.' })
  youngResidents: number;

  @Field(() => Int, { description: 'Incidents within reach (window and categories).' })
  incidents: number;

  @Field(() => Int, { description: 'Significant hot spot cells within reach.' })
  significantHotspotCells: number;

  @Field(() => Float, { nullable: true, description: 'Network method: straight distance from the post to its nearest street; null when no street is within the access distance (then it reaches nothing) or for the straight-line method.' })
  accessLegM: number | null;
}

@ObjectType({ description: 'A significant hot spot cell no post reaches.' })
export class UncoveredHotspotCell {
  @Field({ description: 'H3 cell.' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline.' })
  boundary: Geometry;

  @Field(() => Int, { nullable: true, description: 'Incidents in the cell (null only where the privacy rules suppress it).' })
  count: number | null;

  @Field(() => Float, { nullable: true, description: 'Gi* z.' })
  z: number | null;

  @Field(() => Float, { nullable: true, description: 'Benjamini-Hochberg adjusted p.' })
  pFdr: number | null;

  @Field(() => Int, { description: 'Esri bin with FDR (2: 95 %, 3: 99 %).' })
  binFdr: number;

  @Field(() => ID, { nullable: true, description: 'District the cell lies in.' })
  districtId: string | null;
}

@ObjectType({ description: 'Who and what is within walking reach of police posts.' })
export class CoverageAnalysis {
  @Field(() => ReachMethodUsed, { description: 'Reach method and its parameters.' })
  reach: ReachMethodUsed;

  @Field(() => StudyArea, { description: 'Exactly which area and window were analysed.' })
  studyArea: StudyArea;

  @Field({ description: 'How significant hot spots were found.' })
  hotspotMethod: string;

  @Field(() => Int, { description: 'Posts taken into account: opened before the window end (or undated) and within their walking radius of the area\'s bounding box.' })
  postCount: number;

  @Field(() => CoverageMeasures, { description: 'Covered shares over the whole area.' })
  overall: CoverageMeasures;

  @Field(() => [CategoryCoverage], { description: 'Incidents within reach, per category.' })
  incidentsByCategory: CategoryCoverage[];

  @Field(() => [AreaCoverage], { description: 'Per district meeting the area.' })
  districts: AreaCoverage[];

  @Field(() => [AreaCoverage], { description: 'Per precinct meeting the area.' })
  precincts: AreaCoverage[];

  @Field(() => [PostCoverage], { description: 'Per post: residents and incident load within its reach.' })
  posts: PostCoverage[];

  @Field(() => [UncoveredHotspotCell], { description: 'Significant hot spot cells outside every post\'s reach, strongest first.' })
  uncoveredHotspotCells: UncoveredHotspotCell[];

  @Field(() => String, { nullable: true, description: 'Why the answer is empty (e.g. no posts near the area); null otherwise.' })
  emptyReason: string | null;

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how to read the answer.' })
  warnings: AnalysisWarning[];
}

@ObjectType({ description: 'Walking reach of one post: its service area.' })
export class PostReach {
  @Field(() => ID, { description: 'Post id.' })
  postId: string;

  @Field(() => String, { nullable: true, description: 'Post name.' })
  name: string | null;

  @Field({ description: 'Post kind.' })
  kind: string;

  @Field(() => ReachMethodUsed, { description: 'Reach method and parameters.' })
  reach: ReachMethodUsed;

  @Field(() => Float, { description: 'Walking radius used, metres.' })
  radiusM: number;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Service area: network method, reached street parts grown by the access distance; straight line, the circle of radius / f. Null when nothing is reached.' })
  serviceArea: Geometry | null;

  @Field(() => Float, { nullable: true, description: 'Network method: length of street within reach, metres.' })
  reachedStreetM: number | null;

  @Field(() => Float, { nullable: true, description: 'Network method: straight leg from the post to its nearest street, metres.' })
  accessLegM: number | null;

  @Field(() => Int, { description: 'Resolution-11 cells whose centre is within reach.' })
  reachedCellCount: number;
}

@ObjectType({ description: 'A chosen site, in order of choice.' })
export class SuggestedSite {
  @Field(() => Int, { description: '1 for the first choice.' })
  rank: number;

  @Field(() => Float, { description: 'Longitude.' })
  lng: number;

  @Field(() => Float, { description: 'Latitude.' })
  lat: number;

  @Field(() => String, { nullable: true, description: 'The candidate\'s label, or its H3 cell for default candidates.' })
  label: string | null;

  @Field(() => Int, { description: 'Index of the candidate in the list given (or generated).' })
  candidateIndex: number;

  @Field(() => Float, { description: 'Demand this site newly covers, beyond existing posts and earlier sites.' })
  marginalGain: number;

  @Field(() => Float, { description: 'Demand covered once this site and all before it are open.' })
  coveredAfter: number;
}

@ObjectType({ description: 'Where new posts cover the most demand (maximal covering location problem).' })
export class SiteSuggestion {
  @Field(() => ReachMethodUsed, { description: 'Reach method of existing posts and candidates.' })
  reach: ReachMethodUsed;

  @Field({ description: 'Demand measure.' })
  demand: string;

  @Field({ description: 'Model and solver in words.' })
  method: string;

  @Field({ description: 'exact or greedy: which algorithm produced the sites.' })
  solver: string;

  @Field({ description: 'True when no choice of `count` sites covers more (search proof, or greedy meeting its bound).' })
  optimal: boolean;

  @Field({ description: 'notAttempted, proven, nodeBudgetExceeded or timeBudgetExceeded.' })
  searchOutcome: string;

  @Field(() => Int, { description: 'Candidates considered.' })
  candidateCount: number;

  @Field(() => Int, { description: 'Existing posts kept fixed.' })
  existingPostCount: number;

  @Field(() => Float, { description: 'Total demand in the area.' })
  totalDemand: number;

  @Field(() => Float, { description: 'Demand covered by existing posts.' })
  coveredBefore: number;

  @Field(() => Float, { description: 'Demand covered with the new sites.' })
  coveredAfter: number;

  @Field(() => Float, { nullable: true, description: 'coveredBefore / totalDemand.' })
  shareBefore: number | null;

  @Field(() => Float, { nullable: true, description: 'coveredAfter / totalDemand.' })
  shareAfter: number | null;

  @Field(() => Float, { description: 'No choice of `count` sites covers more than this.' })
  upperBound: number;

  @Field(() => Float, { description: 'Gain / (upperBound - coveredBefore): the share of the best possible gain proven for this answer.' })
  provenGainRatio: number;

  @Field(() => Float, { description: 'A priori greedy guarantee 1 - (1 - 1/p)^p.' })
  greedyGuarantee: number;

  @Field(() => Float, { description: 'Demand no candidate and no post reaches.' })
  uncoverableDemand: number;

  @Field(() => [SuggestedSite], { description: 'Sites in order; sites that add nothing are left out.' })
  sites: SuggestedSite[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how to read the answer.' })
  warnings: AnalysisWarning[];
}

@ObjectType({ description: 'The fewest new sites that bring every significant hot spot cell within reach (location set covering).' })
export class MinimumSites {
  @Field(() => ReachMethodUsed, { description: 'Reach method.' })
  reach: ReachMethodUsed;

  @Field({ description: 'Model and solver in words.' })
  method: string;

  @Field({ description: 'exact or greedy.' })
  solver: string;

  @Field({ description: 'True when no smaller set covers every coverable target.' })
  optimal: boolean;

  @Field(() => Int, { description: 'Sites needed (length of sites).' })
  count: number;

  @Field(() => Int, { description: 'No fewer sites can do it.' })
  lowerBound: number;

  @Field(() => Float, { description: 'Greedy guarantee H(d).' })
  greedyFactor: number;

  @Field(() => Int, { description: 'Significant hot spot cells in the area.' })
  targetCount: number;

  @Field(() => Int, { description: 'Of them, already within reach of a post.' })
  alreadyCovered: number;

  @Field(() => [String], { description: 'Target cells no candidate reaches (left out; no number of sites covers them).' })
  uncoverableCells: string[];

  @Field(() => Int, { description: 'Candidates considered.' })
  candidateCount: number;

  @Field(() => [SuggestedSite], { description: 'The sites; marginalGain counts newly covered target cells.' })
  sites: SuggestedSite[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how to read the answer.' })
  warnings: AnalysisWarning[];
}
