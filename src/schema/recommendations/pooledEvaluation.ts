/** The pooled evaluation of many fixes of one kind (Mantel-Haenszel, each fix against its own controls). */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A pooled difference-in-differences estimate over many fixes (Mantel-Haenszel, each fix against its own controls).' })
export class PooledEstimate {
  @Field(() => Float, { nullable: true, description: 'Mantel-Haenszel common ratio of rate ratios; null when no fix has counts on both sides.' })
  ratioOfRateRatios: number | null;

  @Field(() => Float, { nullable: true, description: '100 * (ratio - 1), per cent.' })
  percentChange: number | null;

  @Field(() => Float, { nullable: true, description: 'Lower end of the confidence interval.' })
  lower: number | null;

  @Field(() => Float, { nullable: true, description: 'Upper end of the confidence interval.' })
  upper: number | null;

  @Field(() => Float, { description: 'Confidence level of the interval.' })
  confidence: number;

  @Field(() => Float, { nullable: true, description: 'Robins-Breslow-Greenland standard error of log ratio.' })
  standardErrorLog: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided Wald p that the common ratio is 1.' })
  p: number | null;

  @Field(() => Int, { description: 'Fixes whose table held any incident.' })
  strata: number;

  @Field(() => Int, { description: 'Sum over fixes: treated (or ring) cells before.' })
  treatedBefore: number;

  @Field(() => Int, { description: 'Sum over fixes: treated (or ring) cells after.' })
  treatedAfter: number;

  @Field(() => Int, { description: 'Sum over fixes: control cells before.' })
  controlBefore: number;

  @Field(() => Int, { description: 'Sum over fixes: control cells after.' })
  controlAfter: number;

  @Field({ description: 'False when the pooled counts are too small to conclude.' })
  conclusive: boolean;

  @Field(() => [String], { description: 'Why the estimate is missing or inconclusive.' })
  notes: string[];
}

@ObjectType({ description: 'One fix in a pooled evaluation.' })
export class PooledCase {
  @Field(() => ID, { description: 'The recommendation.' })
  recommendationId: string;

  @Field({ description: 'Its title.' })
  title: string;

  @Field(() => Date, { description: 'When the fix was made.' })
  fixedAt: Date;

  @Field(() => Int, { description: 'Days of each window used for this fix.' })
  days: number;

  @Field({ description: 'Which incidents counted for this fix.' })
  incidents: string;

  @Field(() => Int, { description: 'Incidents in the treated cells before the fix.' })
  treatedBefore: number;

  @Field(() => Int, { description: 'Incidents in the treated cells after the fix.' })
  treatedAfter: number;

  @Field(() => Int, { description: 'Incidents in the control cells before the fix.' })
  controlBefore: number;

  @Field(() => Int, { description: 'Incidents in the control cells after the fix.' })
  controlAfter: number;

  @Field(() => Float, { description: "This fix's own ratio of rate ratios (0.5 added to every count when one is zero)." })
  ratioOfRateRatios: number;

  @Field({ description: "False when this fix's counts alone are too small to conclude." })
  conclusive: boolean;
}

@ObjectType({ description: 'A fix left out of a pooled evaluation, and why.' })
export class SkippedCase {
  @Field(() => ID, { description: 'The recommendation left out.' })
  recommendationId: string;

  @Field({ description: 'Why it was left out.' })
  reason: string;
}

@ObjectType({ description: 'Did crime fall where fixes of one kind were made? The fixes pooled, each against its own controls, with a pooled displacement check.' })
export class PooledEvaluation {
  @Field({ description: 'The method in words.' })
  method: string;

  @Field(() => Int, { description: 'Fixes pooled.' })
  caseCount: number;

  @Field(() => [PooledCase], { description: 'Each pooled fix with its own counts.' })
  cases: PooledCase[];

  @Field(() => [SkippedCase], { description: 'DONE recommendations left out (e.g. no data on both sides of the fix).' })
  skipped: SkippedCase[];

  @Field(() => PooledEstimate, { description: 'Treated cells against controls, pooled.' })
  effect: PooledEstimate;

  @Field(() => PooledEstimate, { description: 'Adjacent rings against controls, pooled: above 1 suggests displacement.' })
  displacement: PooledEstimate;

  @Field({ description: 'False when the pooled effect is too small to conclude anything.' })
  conclusive: boolean;

  @Field(() => [String], { description: 'Caveats: an association, not a cause; overlapping fixes; choices made.' })
  notes: string[];
}
