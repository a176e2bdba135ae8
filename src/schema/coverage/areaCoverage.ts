/** coverage: who and what is within walking reach of the posts of an area, overall, per district and per post. */
import { ArgsType, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { Geometry } from '../../domain';
import { AnalysisWarning, StudyArea } from '../analysis';
import { IncidentCategoryEnum } from '../enums';
import { AreaInput, TimeWindowInput } from '../inputs';
import { GeoJSONScalar } from '../scalars';
import { ReachArgs, ReachMethodUsed } from './reach';

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

  @Field(() => CoverageShareResult, {
    description: 'Incidents in the window and categories, each within reach when the centre of its stored resolution-11 cell is; a cell counts as covered when any of its incidents is.',
  })
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

  @Field(() => Float, {
    nullable: true,
    description: 'Network method: straight distance from the post to its nearest street; null when no street is within the access distance (then it reaches nothing) or for the straight-line method.',
  })
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

  @Field(() => Int, { description: "Posts taken into account: opened before the window end (or undated) and within their walking radius of the area's bounding box." })
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

  @Field(() => [UncoveredHotspotCell], { description: "Significant hot spot cells outside every post's reach, strongest first." })
  uncoveredHotspotCells: UncoveredHotspotCell[];

  @Field(() => String, { nullable: true, description: 'Why the answer is empty (e.g. no posts near the area); null otherwise.' })
  emptyReason: string | null;

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how to read the answer.' })
  warnings: AnalysisWarning[];
}
