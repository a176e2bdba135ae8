/** How each agency handles its cases: per-agency statistics and their arguments. */
import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { AgencyEnum } from '../enums';
import { TimeWindowInput } from '../inputs';
import { Recommendation } from './recommendation';

@ObjectType({ description: 'How one agency handles its cases, over the recommendations created in the window.' })
export class AgencyStatistics {
  @Field(() => AgencyEnum, { description: 'The agency.' })
  agency: string;

  @Field(() => Int, { description: 'Recommendations created in the window.' })
  total: number;

  @Field(() => Int, { description: 'Still open: proposed, accepted or in progress.' })
  open: number;

  @Field(() => Int, { description: 'Closed as done (fixed).' })
  closed: number;

  @Field(() => Int, { description: 'Rejected.' })
  rejected: number;

  @Field(() => Int, { description: 'Cancelled.' })
  cancelled: number;

  @Field(() => Float, { nullable: true, description: 'Median days from creation to the fix (fixedAt) over the closed ones recorded before their fix; null when there is none.' })
  medianDaysToFix: number | null;

  @Field(() => Int, { description: 'Open recommendations past their due date (due date before the reference date).' })
  overdue: number;

  @Field(() => Float, { nullable: true, description: 'Share overdue = open past the due date / open with a due date; null when no open one has a due date.' })
  shareOverdue: number | null;

  @Field(() => Float, { nullable: true, description: 'Closed ones fixed after their due date / closed ones with a due date; null when none.' })
  shareClosedLate: number | null;

  @Field(() => Recommendation, { nullable: true, description: 'The open recommendation created first.' })
  oldestOpen: Recommendation | null;

  @Field(() => Float, { nullable: true, description: 'Days since the oldest open recommendation was created.' })
  oldestOpenDays: number | null;
}

@ObjectType({ description: 'Per-agency statistics with the definitions used.' })
export class AgencyStatisticsReport {
  @Field(() => Date, { nullable: true, description: 'Start of the creation window (inclusive); null = from the beginning.' })
  from: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the creation window (exclusive); null = up to now.' })
  to: Date | null;

  @Field({ description: 'Date (YYYY-MM-DD, city time zone) against which due dates are judged: today.' })
  asOf: string;

  @Field({ description: 'Definitions of the figures.' })
  definitions: string;

  @Field(() => [AgencyStatistics], { description: 'One row per agency the caller may see, zeros included.' })
  agencies: AgencyStatistics[];
}

@ArgsType()
export class AgencyStatisticsArgs {
  @Field(() => TimeWindowInput, { nullable: true, description: 'Recommendations created in this window (default all).' })
  window?: TimeWindowInput;
}
