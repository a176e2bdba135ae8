import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Geometry } from '../domain';
import { StudyArea } from './analysis';
import { PrivacyNote } from './privacy';
import { IncidentCategoryEnum, RoadDefectKindEnum } from './enums';
import { GeoJSONDocumentScalar, GeoJSONScalar } from './scalars';

@ObjectType({ simpleResolvers: true, description: 'Incidents of one category in a cell.' })
export class CategoryCount {
  @Field(() => IncidentCategoryEnum, { description: 'Incident category.' })
  category: string;

  @Field(() => Int, { nullable: true, description: 'Incidents of that category in the cell and window; null when suppressed.' })
  count: number | null;

  @Field({ description: 'True when count is withheld by the privacy rules (small, or would let a small count be subtracted out).' })
  suppressed: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'Open road defects of one kind in a cell.' })
export class KindCount {
  @Field(() => RoadDefectKindEnum, { description: 'Road defect kind.' })
  kind: string;

  @Field(() => Int, { description: 'Defects of that kind open at the end of the window.' })
  count: number;
}

@ObjectType({ simpleResolvers: true, description: 'One H3 cell of the study area with every layer aggregated to it.' })
export class HexagonCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (GeoJSON Polygon, [lng, lat]).' })
  boundary: Geometry;

  @Field(() => Int, { nullable: true, description: 'Incidents in the cell and window (of the asked categories); null when suppressed (below the analyst role, counts from 1 to the threshold - 1).' })
  incidents: number | null;

  @Field({ description: 'True when incidents is withheld by the privacy rules.' })
  suppressed: boolean;

  @Field(() => [CategoryCount], {
    description:
      'Incidents by category; categories with none are left out. Below analyst only released categories are listed (a hidden category is left out like an empty one, so a listing never proves a category present), sensitive categories are counted in OTHER, and a suppressed cell lists none.',
  })
  incidentsByCategory: CategoryCount[];

  @Field(() => Int, { nullable: true, description: 'Incidents between sunrise and sunset at their place and moment; null when suppressed.' })
  dayIncidents: number | null;

  @Field(() => Int, { nullable: true, description: 'Incidents between the actual sunset and sunrise at their place and moment; null when suppressed.' })
  nightIncidents: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Incidents whose time is not exact (day or month only), so neither day nor night. dayIncidents + nightIncidents + unknownTimeIncidents = incidents (when none is suppressed).',
  })
  unknownTimeIncidents: number | null;

  @Field(() => Float, {
    description:
      'Outage-nights: for each lighting outage overlapping the window, the days (fractional) of overlap between the outage [reported, fixed or window end or now) and the window, summed. A segment counts wholly at the cell of its middle point.',
  })
  outageNights: number;

  @Field(() => Int, { description: 'Road defects open at the end of the window (now when it has none): reported before it, not fixed before it.' })
  openRoadDefects: number;

  @Field(() => [KindCount], { description: 'Open road defects by kind; kinds with none are left out.' })
  openRoadDefectsByKind: KindCount[];

  @Field(() => Int, { description: 'Residents (synthetic in the demo). Stored cells finer than the analysis resolution are summed; coarser ones are split evenly among their children and rounded.' })
  residents: number;

  @Field(() => Int, { description: 'Young residents aged 14-24, aggregated as residents.' })
  youngResidents: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Estimated walking distance in metres from the cell centre to the nearest youth facility (a point on its surface): the straight-line (haversine) distance times the pedestrian detour factor, not a street-network route. Null when there is no facility.',
  })
  nearestYouthFacilityM: number | null;

  @Field({ description: 'Whether the cell centre lies within walking reach of a post opened by the window end: straight-line distance at most walking radius / detour factor.' })
  withinPostReach: boolean;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'The cells of a hexagon aggregation as parallel arrays, entry i of every array belonging to h3[i] (the order of `cells`); the same numbers as `cells`, built only for the arrays selected. Per-category and per-kind breakdowns are in `cells`.',
})
export class HexagonColumns {
  @Field(() => [String], { description: 'H3 cells (hex).' })
  h3: string[];

  @Field(() => [Int], { nullable: 'items', description: 'Incidents per cell; null where suppressed.' })
  incidents: (number | null)[];

  @Field(() => [Int], { nullable: 'items', description: 'Day incidents per cell; null where suppressed.' })
  dayIncidents: (number | null)[];

  @Field(() => [Int], { nullable: 'items', description: 'Night incidents per cell; null where suppressed.' })
  nightIncidents: (number | null)[];

  @Field(() => [Int], { nullable: 'items', description: 'Incidents of unknown time of day per cell; null where suppressed.' })
  unknownTimeIncidents: (number | null)[];

  @Field(() => [Float], { description: 'Outage-nights per cell.' })
  outageNights: number[];

  @Field(() => [Int], { description: 'Open road defects per cell.' })
  openRoadDefects: number[];

  @Field(() => [Int], { description: 'Residents per cell.' })
  residents: number[];

  @Field(() => [Int], { description: 'Young residents (14-24) per cell.' })
  youngResidents: number[];

  @Field(() => [Float], { nullable: 'items', description: 'Estimated walking distance to the nearest youth facility, metres; null when there is none.' })
  nearestYouthFacilityM: (number | null)[];

  @Field(() => [Boolean], { description: 'Whether the cell centre is within walking reach of a post.' })
  withinPostReach: boolean[];
}

@ObjectType({ simpleResolvers: true, description: 'Every cell of a study area with incidents, outages, road defects, population, youth facility distance and post reach.' })
export class HexagonAggregation {
  @Field(() => StudyArea, { description: 'What was aggregated: the area, resolution, window and categories (k and weights are null).' })
  studyArea: StudyArea;

  @Field({ description: 'How each column is computed, in words.' })
  method: string;

  @Field({ description: 'Notes on the approximations made (representative cells, even splits, straight-line distances).' })
  notes: string;

  @Field(() => [HexagonCell], { description: 'Every cell whose centre lies in the area, zero-count cells included.' })
  cells: HexagonCell[];

  @Field(() => GeoJSONDocumentScalar, { description: 'The cells as one GeoJSON FeatureCollection: one Feature per cell, its outline as geometry and the other fields as properties.' })
  featureCollection: unknown;

  @Field(() => HexagonColumns, { description: 'The cells as parallel arrays: the fast way to fetch a large study area.' })
  columns: HexagonColumns;

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}
