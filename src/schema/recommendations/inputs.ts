/** Inputs of the recommendation mutations and filters of the list. */
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { Geometry, RecommendationStatus } from '../../domain';
import { AgencyEnum, RecommendationStatusEnum } from '../enums';
import { ForecastMethodEnum, ForecastPeriodEnum } from '../forecast';
import { AreaInput, TimeWindowInput } from '../inputs';
import { GeoJSONScalar } from '../scalars';

@InputType({ description: 'Filters for recommendations. Agency users only ever see their own agency.' })
export class RecommendationFilter {
  @Field(() => [RecommendationStatusEnum], { nullable: true, description: 'Any of these statuses.' })
  statuses?: RecommendationStatus[];

  @Field(() => AgencyEnum, { nullable: true, description: 'Only this agency.' })
  agency?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only overdue (open past the due date); false: only not overdue.' })
  overdue?: boolean;

  @Field(() => AreaInput, { nullable: true, description: 'Recommendations whose geometry intersects the area.' })
  area?: AreaInput;
}

@InputType({
  description:
    'A forecast to attach: the forecast is made as `forecastHotspots` makes it for the caller (below the analyst role on the release lattice) and its hot cells, or the cells named, are kept with the method and the forecast period.',
})
export class ForecastItemInput {
  @Field(() => AreaInput, { description: 'The study area of the forecast.' })
  area: AreaInput;

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution; below the analyst role the release resolution (8).' })
  resolution: number;

  @Field(() => ForecastPeriodEnum, { nullable: true, description: 'DAY, WEEK or MONTH (below the analyst role MONTH only).' })
  period?: 'day' | 'week' | 'month';

  @Field(() => ForecastMethodEnum, { defaultValue: 'selfExciting', description: 'The method.' })
  method: string;

  @Field(() => Date, { nullable: true, description: 'As `forecastHotspots` asOf (not below the analyst role).' })
  asOf?: Date;

  @Field(() => Int, { nullable: true, description: 'Periods of history, as `forecastHotspots`.' })
  historyPeriods?: number;

  @Field(() => Float, { defaultValue: 0.02, description: 'Share of the area marked hot: 0.01, 0.02 or 0.05.' })
  areaShare: number;

  @Field(() => [String], { nullable: true, description: 'Cells of the forecast to attach (each must be among its hot cells); all its hot cells when left out.' })
  cells?: string[];
}

@InputType({ description: 'A near-repeat area to attach (analysts and admins only): `nearRepeat` with its default bands is run and its risk cells, or the cells named, are kept with their risk window.' })
export class NearRepeatItemInput {
  @Field(() => AreaInput, { description: 'The study area.' })
  area: AreaInput;

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution of the risk cells.' })
  resolution: number;

  @Field(() => TimeWindowInput, { nullable: true, description: 'Incidents of this window (default: the year up to the latest incident).' })
  window?: TimeWindowInput;

  @Field(() => [String], { nullable: true, description: "Risk cells to attach (each must be among the answer's cells); all of them when left out." })
  cells?: string[];
}

@InputType({ description: 'One item: exactly one of a lighting outage, a road defect, a youth-gap H3 cell, a feature of an imported factor layer, a forecast or a near-repeat area.' })
export class RecommendationItemInput {
  @Field(() => ID, { nullable: true, description: 'Id of a stored lighting outage.' })
  lightingOutageId?: string;

  @Field(() => ID, { nullable: true, description: 'Id of a stored road defect.' })
  roadDefectId?: string;

  @Field(() => String, { nullable: true, description: 'H3 cell (hex, resolution 7 to 11) lacking youth facilities.' })
  youthGapCell?: string;

  @Field(() => ID, { nullable: true, description: 'Id of a stored feature of an imported factor layer (see `riskFeatures`).' })
  riskFeatureId?: string;

  @Field(() => ForecastItemInput, { nullable: true, description: 'The hot cells of a forecast (a FORECAST_CELL item).' })
  forecast?: ForecastItemInput;

  @Field(() => NearRepeatItemInput, { nullable: true, description: 'The cells under elevated near-repeat risk (a NEAR_REPEAT_AREA item; analysts and admins only).' })
  nearRepeat?: NearRepeatItemInput;
}

@InputType({ description: 'A new recommendation. Give a geometry, or items to derive it from, or both.' })
export class CreateRecommendationInput {
  @Field({ description: 'What should be done, in a line (1 to 300 characters).' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Why and how (at most 10,000 characters).' })
  description?: string;

  @Field(() => AgencyEnum, { description: 'Agency responsible for the fix.' })
  agency: string;

  @Field(() => String, { nullable: true, description: 'Due date, YYYY-MM-DD.' })
  dueDate?: string;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Point, LineString, MultiLineString, Polygon or MultiPolygon within the city; derived from the items when left out.' })
  geometry?: Geometry;

  @Field(() => [RecommendationItemInput], { nullable: true, description: 'Records the recommendation is about (at most 200).' })
  items?: RecommendationItemInput[];

  @Field(() => String, { nullable: true, description: 'Comment for the history entry.' })
  comment?: string;
}

@InputType({ description: 'Changes to a recommendation; fields left out stay as they are, null clears an optional field.' })
export class UpdateRecommendationInput {
  @Field(() => String, { nullable: true, description: 'New title.' })
  title?: string;

  @Field(() => String, { nullable: true, description: 'New description; null clears it.' })
  description?: string | null;

  @Field(() => AgencyEnum, { nullable: true, description: 'Hand the case to another agency.' })
  agency?: string;

  @Field(() => String, { nullable: true, description: 'New due date (YYYY-MM-DD); null clears it.' })
  dueDate?: string | null;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'New geometry; null derives it from the items again.' })
  geometry?: Geometry | null;

  @Field(() => [RecommendationItemInput], { nullable: true, description: 'Replaces all items.' })
  items?: RecommendationItemInput[];
}
