/**
 * The working group's cases: argument mapping and one call each. Who may call what is declared
 * with @Authorized; the workflow, the agency scope and the evaluations are in src/analysis
 * (cases.ts, agencyStatistics.ts, evaluation.ts, pooledEvaluation.ts).
 */
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { computeAgencyStatistics } from '../analysis/agencyStatistics';
import { caseById, caseHistory, caseItems, changeCaseStatus, closeCase, commentOnCase, createCase, listCases, updateCase } from '../analysis/cases';
import { evaluateCase } from '../analysis/evaluation';
import { computePooledEvaluation } from '../analysis/pooledEvaluation';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import type { RecommendationStatus } from '../domain';
import { RecommendationStatusEnum } from '../schema/enums';
import { PageArgs } from '../schema/inputs';
import {
  AgencyStatisticsArgs,
  AgencyStatisticsReport,
  CreateRecommendationInput,
  EvaluationArgs,
  PooledEvaluation,
  Recommendation,
  RecommendationConnection,
  RecommendationEvaluation,
  RecommendationFilter,
  RecommendationHistoryEntry,
  RecommendationItem,
  UpdateRecommendationInput,
} from '../schema/recommendations';
import type { Page } from '../schema/types';

@Resolver(() => Recommendation)
export class RecommendationResolver {
  @Authorized(...rolesFor('Query.recommendations'))
  @Query(() => RecommendationConnection, { description: "The working group's recommendations, filtered by status, agency, overdue and area. Agency users see their own agency's only." })
  async recommendations(
    @Ctx() ctx: RequestContext,
    @Args() pageArgs: PageArgs,
    @Arg('filter', () => RecommendationFilter, { nullable: true, description: 'Which recommendations.' }) filter?: RecommendationFilter,
  ): Promise<Page<Recommendation>> {
    return listCases(ctx, pageArgs, filter);
  }

  @Authorized(...rolesFor('Query.recommendation'))
  @Query(() => Recommendation, { description: "One recommendation by id. FORBIDDEN for another agency's case." })
  async recommendation(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string): Promise<Recommendation> {
    return caseById(ctx, id);
  }

  @Authorized(...rolesFor('Query.agencyStatistics'))
  @Query(() => AgencyStatisticsReport, { description: 'Per agency: open, closed, median days to fix, share overdue and the oldest open case, over the recommendations created in the window.' })
  async agencyStatistics(@Ctx() ctx: RequestContext, @Args() args: AgencyStatisticsArgs): Promise<AgencyStatisticsReport> {
    return computeAgencyStatistics(ctx, args);
  }

  @Authorized(...rolesFor('Query.recommendationsEvaluation'))
  @Query(() => PooledEvaluation, {
    description:
      'Pools the evaluations of the DONE recommendations matching the filter (at most 200, by id): each fix against its own controls, combined by Mantel-Haenszel, so one kind of fix can be judged when single fixes have too few incidents.',
  })
  async recommendationsEvaluation(
    @Ctx() ctx: RequestContext,
    @Args() args: EvaluationArgs,
    @Arg('filter', () => RecommendationFilter, { nullable: true, description: 'Which recommendations; only DONE ones are evaluated, whatever `statuses` says.' }) filter?: RecommendationFilter,
  ): Promise<PooledEvaluation> {
    return computePooledEvaluation(ctx, args, filter);
  }

  @Authorized(...rolesFor('Mutation.createRecommendation'))
  @Mutation(() => Recommendation, { description: 'Creates a recommendation (status PROPOSED) with its items; history records who and when.' })
  async createRecommendation(@Ctx() ctx: RequestContext, @Arg('input', () => CreateRecommendationInput, { description: 'The new recommendation.' }) input: CreateRecommendationInput): Promise<Recommendation> {
    return createCase(ctx, input);
  }

  @Authorized(...rolesFor('Mutation.updateRecommendation'))
  @Mutation(() => Recommendation, { description: 'Changes text, due date, agency, geometry or items of an open recommendation; history records each changed field.' })
  async updateRecommendation(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string,
    @Arg('input', () => UpdateRecommendationInput, { description: 'The changes.' }) input: UpdateRecommendationInput,
    @Arg('comment', () => String, { nullable: true, description: 'Why, for the history.' }) comment?: string,
  ): Promise<Recommendation> {
    return updateCase(ctx, id, input, comment);
  }

  @Authorized(...rolesFor('Mutation.changeRecommendationStatus'))
  @Mutation(() => Recommendation, { description: "Moves a recommendation to its next status (see `nextStatuses`). Agency users may move their own agency's cases only. DONE needs `fixedAt`." })
  async changeRecommendationStatus(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string,
    @Arg('status', () => RecommendationStatusEnum, { description: 'The new status.' }) status: RecommendationStatus,
    @Arg('comment', () => String, { nullable: true, description: 'Why, for the history.' }) comment?: string,
    @Arg('fixedAt', () => Date, { nullable: true, description: 'When the fix was made; required for DONE.' }) fixedAt?: Date,
  ): Promise<Recommendation> {
    return changeCaseStatus(ctx, id, status, comment, fixedAt);
  }

  @Authorized(...rolesFor('Mutation.closeRecommendation'))
  @Mutation(() => Recommendation, { description: 'Closes a recommendation as DONE: when the fix was made and what came of it. Its evaluation becomes available.' })
  async closeRecommendation(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string,
    @Arg('fixedAt', () => Date, { description: 'When the fix was made (not in the future).' }) fixedAt: Date,
    @Arg('outcomeNote', () => String, { nullable: true, description: 'What was done and what came of it.' }) outcomeNote?: string,
  ): Promise<Recommendation> {
    return closeCase(ctx, id, fixedAt, outcomeNote);
  }

  @Authorized(...rolesFor('Mutation.commentOnRecommendation'))
  @Mutation(() => Recommendation, { description: "Adds a comment to a recommendation's history. Agency users may comment on their own agency's cases only." })
  async commentOnRecommendation(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string,
    @Arg('comment', () => String, { description: 'The comment (1 to 10,000 characters).' }) comment: string,
  ): Promise<Recommendation> {
    return commentOnCase(ctx, id, comment);
  }

  @FieldResolver(() => [RecommendationItem], { description: 'The records the recommendation is about.' })
  async items(@Root() recommendation: Recommendation, @Ctx() ctx: RequestContext): Promise<RecommendationItem[]> {
    return caseItems(ctx, recommendation.id);
  }

  @FieldResolver(() => [RecommendationHistoryEntry], { description: 'Every change, oldest first: who, with which role, when, from which status to which, and why.' })
  async history(@Root() recommendation: Recommendation, @Ctx() ctx: RequestContext): Promise<RecommendationHistoryEntry[]> {
    return caseHistory(ctx, recommendation.id);
  }

  @FieldResolver(() => RecommendationEvaluation, {
    nullable: true,
    description:
      'For a DONE recommendation: crime in the influence area before and after the fix against matched control cells (difference in differences), with a displacement check. Null until the recommendation is DONE.',
  })
  async evaluation(@Root() recommendation: Recommendation, @Ctx() ctx: RequestContext, @Args() args: EvaluationArgs): Promise<RecommendationEvaluation | null> {
    return evaluateCase(ctx, recommendation, args);
  }
}
