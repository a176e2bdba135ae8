import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { AnalysisWarning } from './analysis';
import { IncidentCategoryEnum } from './enums';
import { AreaInput } from './inputs';
import { PrivacyNote } from './privacy';
import { GeoJSONScalar } from './scalars';

export const ForecastPeriodEnum = { DAY: 'day', WEEK: 'week', MONTH: 'month' } as const;
registerEnumType(ForecastPeriodEnum, {
  name: 'ForecastPeriod',
  valuesConfig: {
    DAY: { description: "A calendar day in the city's time zone." },
    WEEK: { description: "An ISO week from Monday, in the city's time zone." },
    MONTH: { description: "A calendar month in the city's time zone (below the analyst role: a UTC month of the release lattice)." },
  },
  description: "DAY, WEEK (from Monday) or MONTH, each beginning at midnight in the city's time zone (CITY_TIME_ZONE, Asia/Almaty); UTC months on the release lattice below the analyst role.",
});

export const ForecastMethodEnum = {
  LAST_PERIOD: 'lastPeriod',
  LONG_TERM_AVERAGE: 'longTermAverage',
  RECENT_KDE: 'recentKde',
  SELF_EXCITING: 'selfExciting',
  NEGATIVE_BINOMIAL: 'negativeBinomial',
} as const;
registerEnumType(ForecastMethodEnum, {
  name: 'ForecastMethod',
  valuesConfig: {
    LAST_PERIOD: { description: 'The previous period’s counts.' },
    LONG_TERM_AVERAGE: { description: 'The mean count per period over the history.' },
    RECENT_KDE: { description: 'Quartic kernel density of the last 4 periods.' },
    SELF_EXCITING: { description: 'Background plus near-repeat triggering (Mohler et al. 2011, 2015), fitted by EM on the grid.' },
    NEGATIVE_BINOMIAL: { description: 'Negative binomial regression with lags and season.' },
  },
  description: "LAST_PERIOD, LONG_TERM_AVERAGE, RECENT_KDE (baselines); SELF_EXCITING (Mohler et al.'s grid Hawkes process, EM); NEGATIVE_BINOMIAL (lags and season). See docs/forecasting.md.",
});

@ArgsType()
export class ForecastArgs {
  @Field(() => AreaInput, { description: 'The study area: every cell whose centre lies in it, zero-count cells included.' })
  area: AreaInput;

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution, 7 to 11; below the analyst role the release resolution (8).' })
  resolution: number;

  @Field(() => ForecastPeriodEnum, { nullable: true, description: 'Length of a period: WEEK when left out; below the analyst role MONTH only (and when left out).' })
  period?: 'day' | 'week' | 'month';

  @Field(() => Date, { nullable: true, description: 'The forecast is for the period that starts at the last period boundary at or before this instant (default now); history ends there. Not below the analyst role.' })
  asOf?: Date;

  @Field(() => Int, { nullable: true, description: 'Periods of history (default 52 weeks, 24 months or 120 days; at most 156 weeks, 36 months, 730 days).' })
  historyPeriods?: number;

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Categories; all when left out (no filter below the analyst role).' })
  categories?: string[];

  @Field(() => Float, { defaultValue: 0.02, description: 'Share of the area marked hot and scored: 0.01, 0.02 or 0.05.' })
  areaShare: number;

  @Field(() => Int, { nullable: true, description: 'Seed of the tie-break order of equal forecasts (default 12345).' })
  seed?: number;
}

@ArgsType()
export class ForecastHotspotsArgs extends ForecastArgs {
  @Field(() => ForecastMethodEnum, { defaultValue: 'selfExciting', description: 'The method.' })
  method: 'lastPeriod' | 'longTermAverage' | 'recentKde' | 'selfExciting' | 'negativeBinomial';
}

@ArgsType()
export class ForecastBacktestArgs extends ForecastArgs {
  @Field(() => Int, { defaultValue: 12, description: 'Rolling origins: the last periods of the history, each forecast from the ones before it (2 to 52).' })
  origins: number;
}

@ObjectType({ simpleResolvers: true, description: 'One cell of a forecast.' })
export class ForecastCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (Polygon).' })
  boundary: Geometry;

  @Field(() => Float, { description: 'Expected incidents in the cell in the forecast period.' })
  expected: number;

  @Field(() => Int, { description: 'Rank by expected count (1 is the highest; ties in the seeded order).' })
  rank: number;

  @Field({ description: 'Among the highest-ranked cells that make up areaShare of the area.' })
  hot: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'Where and when the forecast stands.' })
export class ForecastFrame {
  @Field({ description: 'The area as asked.' })
  area: string;

  @Field(() => Int, { description: 'H3 resolution of the cells.' })
  resolution: number;

  @Field(() => Int, { description: 'Cells of the study area, zero-count cells included.' })
  cellCount: number;

  @Field({ description: 'day, week or month.' })
  period: string;

  @Field(() => Date, { description: 'Start of the history.' })
  historyFrom: Date;

  @Field(() => Date, { description: 'End of the history, start of the forecast period.' })
  historyTo: Date;

  @Field(() => Int, { description: 'Periods of history.' })
  historyPeriods: number;

  @Field(() => Int, { description: 'Incidents of the history (below analyst: the sum of released counts).' })
  incidentCount: number;

  @Field(() => [String], { nullable: true, description: 'Categories counted; null means all.' })
  categories: string[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'A hotspot forecast for the next period.' })
export class HotspotForecast {
  @Field({ description: 'The method, its fitted parameters and the data, in words.' })
  method: string;

  @Field(() => ForecastFrame, { description: 'The study area and the history the forecast was made from.' })
  frame: ForecastFrame;

  @Field(() => Date, { description: 'Start of the forecast period (inclusive).' })
  forecastFrom: Date;

  @Field(() => Date, { description: 'End of the forecast period (exclusive).' })
  forecastTo: Date;

  @Field(() => Float, { description: 'Share of the area marked hot.' })
  areaShare: number;

  @Field(() => [ForecastCell], { description: 'Every cell of the study area with its forecast.' })
  cells: ForecastCell[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how the forecast should be read.' })
  warnings: AnalysisWarning[];

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}

@ObjectType({ simpleResolvers: true, description: 'Mean scores of a method over the backtest origins at one share of the area.' })
export class BacktestScore {
  @Field(() => Float, { description: 'Share of the area of the hot cells (0.01, 0.02 or 0.05).' })
  areaShare: number;

  @Field(() => Float, { nullable: true, description: 'Predictive Accuracy Index: hit rate / area share.' })
  pai: number | null;

  @Field(() => Float, { nullable: true, description: 'Predictive Efficiency Index: PAI / the best possible PAI of the same area.' })
  pei: number | null;

  @Field(() => Float, { nullable: true, description: 'Recapture Rate Index: hit rate / the forecast share of the hot cells.' })
  rri: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of the incidents in the hot cells.' })
  hitRate: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'One method in the backtest.' })
export class MethodBacktest {
  @Field({ description: 'The method (lastPeriod, longTermAverage, recentKde, selfExciting, negativeBinomial).' })
  method: string;

  @Field(() => [BacktestScore], { description: 'Mean scores at 1, 2 and 5 % of the area.' })
  scores: BacktestScore[];

  @Field(() => [Float], { nullable: 'items', description: 'PAI at areaShare for each origin, oldest first.' })
  paiByOrigin: (number | null)[];

  @Field(() => Float, { nullable: true, description: 'Exact sign-flip test of the mean paired PAI difference against LAST_PERIOD (two-sided); null for LAST_PERIOD.' })
  pVersusLastPeriod: number | null;

  @Field(() => Float, { nullable: true, description: 'The same, Benjamini-Hochberg adjusted over the methods compared.' })
  pVersusLastPeriodFdr: number | null;

  @Field({ description: 'The fit at the last origin, in words.' })
  note: string;
}

@ObjectType({ simpleResolvers: true, description: 'Rolling-origin backtest of every forecast method, scored as the NIJ Real-Time Crime Forecasting Challenge.' })
export class ForecastBacktest {
  @Field({ description: 'The backtest and its test, in words.' })
  method: string;

  @Field(() => ForecastFrame, { description: 'The study area and the history.' })
  frame: ForecastFrame;

  @Field(() => [Date], { description: 'Start of each period forecast (the origins), oldest first.' })
  origins: Date[];

  @Field(() => Float, { description: 'The share of the area the choice and the test use.' })
  areaShare: number;

  @Field({ description: 'The method with the highest mean PAI at areaShare.' })
  chosen: string;

  @Field(() => [MethodBacktest], { description: 'Every method with its scores.' })
  methods: MethodBacktest[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how the scores should be read.' })
  warnings: AnalysisWarning[];

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}
