/**
 * The working group's cases. Who may call what is declared with @Authorized; which cases an
 * agency user sees is a filter on the data (its own agency), and addressing another agency's
 * case by id is FORBIDDEN.
 */
import { getHexagonEdgeLengthAvg } from 'h3-js';
import type { Knex } from 'knex';
import { rolesFor } from '../auth/roleRules';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Config } from '../config';
import { growEnvelope, incidentCountsByCell } from '../db/aggregates';
import {
  Actor,
  agencyStatistics as agencyStatisticsRows,
  AgencyStatisticsRow,
  appendHistory,
  CaseScope,
  districtsContaining,
  HistoryRow,
  incidentTimeRange,
  insertRecommendation,
  ItemReference,
  listRecommendations,
  missingIds,
  RecommendationItemRow,
  RecommendationRow,
  recommendationById,
  recommendationsByIds,
  replaceItems,
  todayIn,
  unionOfItems,
  updateRecommendationRow,
} from '../db/recommendations';
import type { BBox, Geometry, RecommendationStatus, RequestUser } from '../domain';
import { AGENCIES, NEXT_RECOMMENDATION_STATUSES } from '../domain';
import { cellCentre, cellPolygon, isCell, cellResolution, MAX_ANALYSIS_RESOLUTION, MIN_ANALYSIS_RESOLUTION } from '../geo/h3';
import { EvaluationWindows, evaluationWindows, influenceArea, matchControls } from '../geo/influenceArea';
import { ReleaseEvaluationMonths, releaseEvaluationMonths } from '../geo/privacy';
import { differenceInDifferences, DiDCounts, DiDResult, mantelHaenszelRatioOfRateRatios, PooledDiDResult } from '../geo/stats';
import { geometryProblem } from '../import/validate';
import {
  AgencyStatistics,
  AgencyStatisticsArgs,
  AgencyStatisticsReport,
  CellGroupCounts,
  CreateRecommendationInput,
  DifferenceInDifferencesEstimate,
  EvaluationArgs,
  PooledEstimate,
  PooledEvaluation,
  Recommendation,
  RecommendationConnection,
  RecommendationEvaluation,
  RecommendationFilter,
  RecommendationHistoryEntry,
  RecommendationItem,
  RecommendationItemInput,
  TimeOfDay,
  UpdateRecommendationInput,
} from '../schema/recommendations';
import type { StudyAreaArgs } from '../schema/analysis';
import { PageArgs } from '../schema/inputs';
import { Page, lazyCount } from '../schema/types';
import { RecommendationStatusEnum } from '../schema/enums';
import type { RequestContext } from '../context';
import { chargeCaseEvaluations } from '../compute/charges';
import { resolveStudyArea } from '../analysis/studyArea';
import { badInput, forbidden, notFound } from '../errors';
import { auditSensitiveCount, releasedMonthCells, releasePolicy, SENSITIVE_MAX_RESOLUTION, sensitiveScope } from '../analysis/release';
import { encodeCursor, nonEmpty, toAreaSpec, toId, toPageRequest, toTimeWindow } from '../analysis/inputs';

const MAX_ITEMS = 200;
/** DONE recommendations pooled by one recommendationsEvaluation */
const MAX_POOLED = 200;
const MAX_TITLE = 300;
const MAX_TEXT = 10_000;
const WHERE_TYPES = ['Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];
const DAY_MS = 86_400_000;

/** Agency users see their own agency's cases only; an agency user without an agency sees none. */
function caseScope(user: RequestUser): CaseScope {
  return user.role === 'agency' ? { agency: user.agency ?? '' } : { agency: null };
}

function actorOf(user: RequestUser): Actor {
  return { id: user.id, role: user.role };
}

function toRecommendation(row: RecommendationRow): Recommendation {
  return { ...row, nextStatuses: [...NEXT_RECOMMENDATION_STATUSES[row.status]] };
}

/** The case by id within the caller's scope: NOT_FOUND when absent, FORBIDDEN when another agency's. */
async function caseInScope(knex: Knex, ctx: RequestContext, id: string, forUpdate = false): Promise<RecommendationRow> {
  const row = await recommendationById(knex, toId(id, 'id'), ctx.config.timeZone, forUpdate);
  if (!row) throw notFound('recommendation', id);
  const scope = caseScope(ctx.user);
  if (scope.agency !== null && row.agency !== scope.agency) throw forbidden(`recommendation ${id} belongs to another agency`);
  return row;
}

function checkTitle(value: string, path: string): string {
  const title = value.trim();
  if (title.length === 0 || title.length > MAX_TITLE) throw badInput(path, `must be 1 to ${MAX_TITLE} characters`);
  return title;
}

function checkText(value: string | null | undefined, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > MAX_TEXT) throw badInput(path, `must be at most ${MAX_TEXT} characters`);
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}

function checkDueDate(value: string | null | undefined, path: string): string | null {
  if (value === undefined || value === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== value) throw badInput(path, `must be a calendar date YYYY-MM-DD, got "${value.slice(0, 20)}"`);
  return value;
}

function checkGeometry(value: Geometry | null | undefined, path: string, config: Config): Geometry | null {
  if (value === undefined || value === null) return null;
  const problem = geometryProblem(value, WHERE_TYPES, config.cityBounds);
  if (problem) throw badInput(path, problem);
  return value;
}

function checkFixedAt(value: Date | null | undefined, path: string, now: Date): Date {
  if (!value) throw badInput(path, 'is required to close a recommendation (when the fix was made)');
  if (Number.isNaN(value.getTime())) throw badInput(path, 'is not a date-time');
  if (value.getTime() > now.getTime() + 60_000) throw badInput(path, 'lies in the future');
  return value;
}

/** Items checked for shape, then for existence in the database (inside the write's transaction). */
async function checkItems(knex: Knex, items: RecommendationItemInput[] | null | undefined, path: string): Promise<ItemReference[]> {
  if (!items) return [];
  if (items.length > MAX_ITEMS) throw badInput(path, `at most ${MAX_ITEMS} items`);
  const references: ItemReference[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const given = (['lightingOutageId', 'roadDefectId', 'youthGapCell', 'riskFeatureId'] as const).filter((k) => item[k] !== undefined && item[k] !== null);
    if (given.length !== 1) throw badInput(`${path}[${i}]`, `give exactly one of lightingOutageId, roadDefectId, youthGapCell, riskFeatureId (got ${given.length === 0 ? 'none' : given.join(', ')})`);
    let reference: ItemReference;
    if (item.lightingOutageId != null) reference = { kind: 'lighting_outage', lightingOutageId: toId(item.lightingOutageId, `${path}[${i}].lightingOutageId`) };
    else if (item.roadDefectId != null) reference = { kind: 'road_defect', roadDefectId: toId(item.roadDefectId, `${path}[${i}].roadDefectId`) };
    else if (item.riskFeatureId != null) reference = { kind: 'risk_feature', riskFeatureId: toId(item.riskFeatureId, `${path}[${i}].riskFeatureId`) };
    else {
      const cell = (item.youthGapCell as string).toLowerCase();
      if (!isCell(cell)) throw badInput(`${path}[${i}].youthGapCell`, 'is not an H3 cell');
      const resolution = cellResolution(cell);
      if (resolution < MIN_ANALYSIS_RESOLUTION || resolution > MAX_ANALYSIS_RESOLUTION) {
        throw badInput(`${path}[${i}].youthGapCell`, `must be a cell of resolution ${MIN_ANALYSIS_RESOLUTION} to ${MAX_ANALYSIS_RESOLUTION}, got ${resolution}`);
      }
      reference = { kind: 'youth_gap_cell', h3: cell };
    }
    const key = referenceKey(reference);
    if (seen.has(key)) throw badInput(`${path}[${i}]`, 'repeats an earlier item');
    seen.add(key);
    references.push(reference);
  });
  for (const [kind, table, field, label] of [
    ['lighting_outage', 'lighting_outages', 'lightingOutageId', 'lighting outage'],
    ['road_defect', 'road_defects', 'roadDefectId', 'road defect'],
    ['risk_feature', 'risk_features', 'riskFeatureId', 'imported factor feature'],
  ] as const) {
    const ids = references.filter((r) => r.kind === kind).map((r) => r[field] as string);
    const missing = new Set(await missingIds(knex, table, ids));
    const index = references.findIndex((r) => r.kind === kind && missing.has(r[field] as string));
    if (index >= 0) throw badInput(`${path}[${index}].${field}`, `no ${label} has id "${String(references[index][field]).slice(0, 40)}"`);
  }
  return references;
}

/** The geometry given, or the union of the items; one of them must exist. */
async function whereOf(knex: Knex, given: Geometry | null, items: ItemReference[], path: string): Promise<{ geometry: Geometry; derived: boolean }> {
  if (given) return { geometry: given, derived: false };
  const derived = items.length > 0 ? await unionOfItems(knex, items, items.filter((i) => i.h3).map((i) => cellPolygon(i.h3 as string))) : null;
  if (!derived) throw badInput(path, 'give a geometry or at least one item to derive it from');
  return { geometry: derived, derived: true };
}

function checkTransition(from: RecommendationStatus, to: RecommendationStatus): void {
  const allowed = NEXT_RECOMMENDATION_STATUSES[from];
  if (!allowed.includes(to)) {
    const next = allowed.length > 0 ? allowed.map((s) => s.toUpperCase()).join(', ') : 'none (the recommendation is closed)';
    throw badInput('status', `cannot move from ${from.toUpperCase()} to ${to.toUpperCase()}; allowed next statuses: ${next}`);
  }
}

const TERMINAL = new Set<RecommendationStatus>(['done', 'rejected', 'cancelled']);

/** The case as written: the request's loaders may hold items or history read before the write. */
async function afterWrite(ctx: RequestContext, id: string): Promise<Recommendation> {
  ctx.loaders.recommendationItems.clear(id);
  ctx.loaders.recommendationHistory.clear(id);
  return toRecommendation((await recommendationById(ctx.knex, id, ctx.config.timeZone)) as RecommendationRow);
}

@Resolver(() => Recommendation)
export class RecommendationResolver {
  @Authorized(...rolesFor('Query.recommendations'))
  @Query(() => RecommendationConnection, { description: "The working group's recommendations, filtered by status, agency, overdue and area. Agency users see their own agency's only." })
  async recommendations(@Ctx() ctx: RequestContext, @Args() pageArgs: PageArgs, @Arg('filter', () => RecommendationFilter, { nullable: true, description: 'Which recommendations.' }) filter?: RecommendationFilter): Promise<Page<Recommendation>> {
    const request = toPageRequest(pageArgs, ctx.config);
    const listing = listRecommendations(
      ctx.knex,
      {
        statuses: nonEmpty(filter?.statuses, 'filter.statuses'),
        agency: filter?.agency ?? null,
        overdue: filter?.overdue ?? null,
        area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area'),
      },
      caseScope(ctx.user),
      ctx.config.timeZone,
    );
    const result = await listing.page(request);
    return {
      nodes: result.nodes.map(toRecommendation),
      pageInfo: { endCursor: result.endId ? encodeCursor(result.endId) : null, hasNextPage: result.hasNextPage },
      totalCount: lazyCount(listing.count),
    };
  }

  @Authorized(...rolesFor('Query.recommendation'))
  @Query(() => Recommendation, { description: "One recommendation by id. FORBIDDEN for another agency's case." })
  async recommendation(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string): Promise<Recommendation> {
    return toRecommendation(await caseInScope(ctx.knex, ctx, id));
  }

  @Authorized(...rolesFor('Query.agencyStatistics'))
  @Query(() => AgencyStatisticsReport, { description: 'Per agency: open, closed, median days to fix, share overdue and the oldest open case, over the recommendations created in the window.' })
  async agencyStatistics(@Ctx() ctx: RequestContext, @Args() args: AgencyStatisticsArgs): Promise<AgencyStatisticsReport> {
    const window = toTimeWindow(args.window, 'window');
    const scope = caseScope(ctx.user);
    const asOf = await todayIn(ctx.knex, ctx.config.timeZone);
    const found = new Map((await agencyStatisticsRows(ctx.knex, { from: window?.from ?? null, to: window?.to ?? null, asOf, scope })).map((r) => [r.agency, r]));
    // every agency the caller may see, with zeros where it has no case, so dashboards list them all
    const rows = AGENCIES.filter((agency) => scope.agency === null || scope.agency === agency).map((agency) => found.get(agency) ?? emptyStatistics(agency));
    const oldest = await recommendationsByIds(ctx.knex, rows.map((r) => r.oldestOpenId).filter((id): id is string => id !== null), ctx.config.timeZone, scope);
    const now = Date.now();
    const agencies: AgencyStatistics[] = rows.map((r) => {
      const oldestRow = r.oldestOpenId ? (oldest.get(r.oldestOpenId) ?? null) : null;
      return {
        agency: r.agency,
        total: r.total,
        open: r.open,
        closed: r.done,
        rejected: r.rejected,
        cancelled: r.cancelled,
        medianDaysToFix: r.medianDaysToFix,
        overdue: r.openOverdue,
        shareOverdue: r.openWithDueDate > 0 ? r.openOverdue / r.openWithDueDate : null,
        shareClosedLate: r.doneWithDueDate > 0 ? r.doneLate / r.doneWithDueDate : null,
        oldestOpen: oldestRow ? toRecommendation(oldestRow) : null,
        oldestOpenDays: oldestRow ? (now - oldestRow.createdAt.getTime()) / DAY_MS : null,
      };
    });
    return {
      from: window?.from ?? null,
      to: window?.to ?? null,
      asOf,
      definitions:
        'Counted over recommendations created in the window. open = proposed, accepted or in progress; closed = done. ' +
        'Days to fix = fixedAt - createdAt, median over closed ones (cases recorded after their fix, to evaluate an earlier fix, are left out). ' +
        `Overdue = open with a due date before ${asOf} (today in ${ctx.config.timeZone}); share overdue = overdue / open with a due date. ` +
        'Closed late = fixed on a (UTC) date after the due date; share closed late = closed late / closed with a due date.',
      agencies,
    };
  }

  @Authorized(...rolesFor('Query.recommendationsEvaluation'))
  @Query(() => PooledEvaluation, {
    description: 'Pools the evaluations of the DONE recommendations matching the filter (at most 200, by id): each fix against its own controls, combined by Mantel-Haenszel, so one kind of fix can be judged when single fixes have too few incidents.',
  })
  async recommendationsEvaluation(
    @Ctx() ctx: RequestContext,
    @Args() args: EvaluationArgs,
    @Arg('filter', () => RecommendationFilter, { nullable: true, description: 'Which recommendations; only DONE ones are evaluated, whatever `statuses` says.' }) filter?: RecommendationFilter,
  ): Promise<PooledEvaluation> {
    checkEvaluationArgs(args, ctx.config);
    const listing = listRecommendations(
      ctx.knex,
      { statuses: ['done'], agency: filter?.agency ?? null, overdue: null, area: await toAreaSpec(ctx.knex, filter?.area, 'filter.area') },
      caseScope(ctx.user),
      ctx.config.timeZone,
    );
    const page = await listing.page({ first: MAX_POOLED, afterId: null });
    await chargeCaseEvaluations(ctx, page.nodes.length);
    const itemLists = await ctx.loaders.recommendationItems.loadMany(page.nodes.map((r) => r.id));
    const now = new Date();
    const cases: PooledEvaluation['cases'] = [];
    const skipped: PooledEvaluation['skipped'] = [];
    const effectTables: DiDCounts[] = [];
    const ringTables: DiDCounts[] = [];
    const treatedWindows = new Map<string, [number, number][]>();
    let overlapping = false;
    for (const [i, row] of page.nodes.entries()) {
      const items = itemLists[i];
      if (items instanceof Error) throw items;
      const evaluation = await evaluate(ctx, row, items, args, now);
      if ('noData' in evaluation) {
        skipped.push({ recommendationId: row.id, reason: evaluation.noData });
        continue;
      }
      const window: [number, number] = [evaluation.beforeFrom.getTime(), evaluation.afterTo.getTime()];
      for (const cell of evaluation.treated.cells) {
        const seen = treatedWindows.get(cell) ?? [];
        if (seen.some(([from, to]) => from < window[1] && window[0] < to)) overlapping = true;
        seen.push(window);
        treatedWindows.set(cell, seen);
      }
      effectTables.push({ treatedBefore: evaluation.treated.before, treatedAfter: evaluation.treated.after, controlBefore: evaluation.control.before, controlAfter: evaluation.control.after });
      ringTables.push({ treatedBefore: evaluation.ring.before, treatedAfter: evaluation.ring.after, controlBefore: evaluation.control.before, controlAfter: evaluation.control.after });
      cases.push({
        recommendationId: row.id,
        title: row.title,
        fixedAt: evaluation.fixedAt,
        days: evaluation.days,
        incidents: evaluation.incidents,
        treatedBefore: evaluation.treated.before,
        treatedAfter: evaluation.treated.after,
        controlBefore: evaluation.control.before,
        controlAfter: evaluation.control.after,
        ratioOfRateRatios: evaluation.effect.ratioOfRateRatios,
        conclusive: evaluation.effect.conclusive,
      });
    }
    const effect = mantelHaenszelRatioOfRateRatios(effectTables, { confidence: args.confidence });
    const displacement = mantelHaenszelRatioOfRateRatios(ringTables, { confidence: args.confidence });
    const notes = ['An association, not a cause: fixes are not randomly assigned, and other changes at the same time and place can produce the same pattern.'];
    if (page.hasNextPage) notes.push(`only the first ${MAX_POOLED} DONE recommendations (by id) were pooled`);
    if (overlapping) notes.push('some fixes share treated cells in overlapping windows: their incidents count in more than one table, so the interval is too narrow');
    if (new Set(cases.map((c) => c.incidents)).size > 1) notes.push('the fixes counted different incidents (night-time for lighting items, all otherwise): give timeOfDay to pool like with like');
    if (cases.length === 0) notes.push('no DONE recommendation could be evaluated');
    return {
      method:
        (releasePolicy(ctx).restricted
          ? `Each DONE recommendation evaluated as in \`recommendation.evaluation\` on the release lattice (resolution ${releasePolicy(ctx).resolution}, whole calendar months around the month of the fix, released cell-month counts, ${args.controlCells} matched controls); `
          : `Each DONE recommendation evaluated as in \`recommendation.evaluation\` (resolution ${args.resolution}, ${args.days}-day windows or shorter, ${args.controlCells} matched controls); `) +
        'the per-fix 2x2 tables (treated or ring before/after, controls before/after) pooled by the Mantel-Haenszel common ratio of rate ratios with the Robins-Breslow-Greenland variance.',
      caseCount: cases.length,
      cases,
      skipped,
      effect: pooledEstimate(effect),
      displacement: pooledEstimate(displacement),
      conclusive: effect.conclusive && cases.length > 0,
      notes,
    };
  }

  @Authorized(...rolesFor('Mutation.createRecommendation'))
  @Mutation(() => Recommendation, { description: 'Creates a recommendation (status PROPOSED) with its items; history records who and when.' })
  async createRecommendation(@Ctx() ctx: RequestContext, @Arg('input', () => CreateRecommendationInput, { description: 'The new recommendation.' }) input: CreateRecommendationInput): Promise<Recommendation> {
    const title = checkTitle(input.title, 'input.title');
    const description = checkText(input.description, 'input.description');
    const dueDate = checkDueDate(input.dueDate, 'input.dueDate');
    const geometry = checkGeometry(input.geometry, 'input.geometry', ctx.config);
    const comment = checkText(input.comment, 'input.comment');
    const id = await ctx.knex.transaction(async (trx) => {
      const items = await checkItems(trx, input.items, 'input.items');
      const where = await whereOf(trx, geometry, items, 'input.geometry');
      const newId = await insertRecommendation(trx, { title, description, agency: input.agency, dueDate, geometry: where.geometry, geometryDerived: where.derived }, actorOf(ctx.user));
      await replaceItems(trx, newId, items);
      await appendHistory(trx, newId, actorOf(ctx.user), { action: 'created', toStatus: 'proposed', comment });
      return newId;
    });
    return afterWrite(ctx, id);
  }

  @Authorized(...rolesFor('Mutation.updateRecommendation'))
  @Mutation(() => Recommendation, { description: 'Changes text, due date, agency, geometry or items of an open recommendation; history records each changed field.' })
  async updateRecommendation(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string,
    @Arg('input', () => UpdateRecommendationInput, { description: 'The changes.' }) input: UpdateRecommendationInput,
    @Arg('comment', () => String, { nullable: true, description: 'Why, for the history.' }) comment?: string,
  ): Promise<Recommendation> {
    const note = checkText(comment, 'comment');
    await ctx.knex.transaction(async (trx) => {
      const current = await caseInScope(trx, ctx, id, true);
      if (TERMINAL.has(current.status)) throw badInput('id', `recommendation ${id} is ${current.status.toUpperCase()}; a closed case is kept as it was closed (add a comment instead)`);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const fields: Parameters<typeof updateRecommendationRow>[2] = {};
      if (input.title !== undefined && input.title !== null) {
        const title = checkTitle(input.title, 'input.title');
        if (title !== current.title) (fields.title = title), (changes.title = { from: current.title, to: title });
      }
      if (input.description !== undefined) {
        const description = checkText(input.description, 'input.description');
        if (description !== current.description) (fields.description = description), (changes.description = { from: current.description, to: description });
      }
      if (input.agency !== undefined && input.agency !== null && input.agency !== current.agency) {
        fields.agency = input.agency;
        changes.agency = { from: current.agency, to: input.agency };
      }
      if (input.dueDate !== undefined) {
        const dueDate = checkDueDate(input.dueDate, 'input.dueDate');
        if (dueDate !== current.dueDate) (fields.dueDate = dueDate), (changes.dueDate = { from: current.dueDate, to: dueDate });
      }
      let items: ItemReference[] | null = null;
      if (input.items !== undefined && input.items !== null) {
        items = await checkItems(trx, input.items, 'input.items');
        const before = (await ctx.loaders.recommendationItems.load(id)).map(itemKey);
        const after = items.map(referenceKey);
        if (before.join(',') !== after.join(',')) changes.items = { from: before, to: after };
        await replaceItems(trx, id, items);
      }
      let where: { geometry: Geometry; derived: boolean } | null = null;
      if (input.geometry !== undefined && input.geometry !== null) {
        where = { geometry: checkGeometry(input.geometry, 'input.geometry', ctx.config) as Geometry, derived: false };
      } else if (input.geometry === null || (current.geometryDerived && items !== null)) {
        // derived again from the (new) items: null asks for it, and a derived place follows its items
        where = await whereOf(trx, null, items ?? (await ctx.loaders.recommendationItems.load(id)).map(toReference), 'input.geometry');
      }
      if (where) {
        fields.geometry = where.geometry;
        fields.geometryDerived = where.derived;
        if (JSON.stringify(where.geometry) !== JSON.stringify(current.geometry) || where.derived !== current.geometryDerived) {
          changes.geometry = { from: current.geometryDerived ? 'derived from items' : current.geometry, to: where.derived ? 'derived from items' : where.geometry };
        }
      }
      if (Object.keys(changes).length === 0) throw badInput('input', 'changes nothing');
      await updateRecommendationRow(trx, id, fields);
      await appendHistory(trx, id, actorOf(ctx.user), { action: 'updated', comment: note, changes });
    });
    return afterWrite(ctx, id);
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
    return this.moveTo(ctx, id, status, checkText(comment, 'comment'), fixedAt ?? null, null, 'status_changed');
  }

  @Authorized(...rolesFor('Mutation.closeRecommendation'))
  @Mutation(() => Recommendation, { description: 'Closes a recommendation as DONE: when the fix was made and what came of it. Its evaluation becomes available.' })
  async closeRecommendation(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string,
    @Arg('fixedAt', () => Date, { description: 'When the fix was made (not in the future).' }) fixedAt: Date,
    @Arg('outcomeNote', () => String, { nullable: true, description: 'What was done and what came of it.' }) outcomeNote?: string,
  ): Promise<Recommendation> {
    return this.moveTo(ctx, id, 'done', null, fixedAt, checkText(outcomeNote, 'outcomeNote'), 'closed');
  }

  @Authorized(...rolesFor('Mutation.commentOnRecommendation'))
  @Mutation(() => Recommendation, { description: "Adds a comment to a recommendation's history. Agency users may comment on their own agency's cases only." })
  async commentOnRecommendation(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'Recommendation id.' }) id: string,
    @Arg('comment', () => String, { description: 'The comment (1 to 10,000 characters).' }) comment: string,
  ): Promise<Recommendation> {
    const text = checkText(comment, 'comment');
    if (!text) throw badInput('comment', 'must not be empty');
    await ctx.knex.transaction(async (trx) => {
      await caseInScope(trx, ctx, id, true);
      await appendHistory(trx, id, actorOf(ctx.user), { action: 'commented', comment: text });
      await updateRecommendationRow(trx, id, {});
    });
    return afterWrite(ctx, id);
  }

  private async moveTo(ctx: RequestContext, id: string, status: RecommendationStatus, comment: string | null, fixedAt: Date | null, outcomeNote: string | null, action: string): Promise<Recommendation> {
    const now = new Date();
    await ctx.knex.transaction(async (trx) => {
      const current = await caseInScope(trx, ctx, id, true);
      checkTransition(current.status, status);
      const fields: Parameters<typeof updateRecommendationRow>[2] = { status };
      if (status === 'done') {
        fields.fixedAt = checkFixedAt(fixedAt, 'fixedAt', now);
        if (outcomeNote !== null) fields.outcomeNote = outcomeNote;
      } else if (fixedAt) {
        throw badInput('fixedAt', 'is only given when moving to DONE');
      }
      if (TERMINAL.has(status)) fields.closedAt = now;
      await updateRecommendationRow(trx, id, fields);
      await appendHistory(trx, id, actorOf(ctx.user), { action, fromStatus: current.status, toStatus: status, comment: comment ?? outcomeNote });
    });
    return afterWrite(ctx, id);
  }

  @FieldResolver(() => [RecommendationItem], { description: 'The records the recommendation is about.' })
  async items(@Root() recommendation: Recommendation, @Ctx() ctx: RequestContext): Promise<RecommendationItem[]> {
    const rows = await ctx.loaders.recommendationItems.load(recommendation.id);
    return rows.map((row) => ({ ...row, geometry: row.geometry ?? cellPolygon(row.h3 as string) }));
  }

  @FieldResolver(() => [RecommendationHistoryEntry], { description: 'Every change, oldest first: who, with which role, when, from which status to which, and why.' })
  async history(@Root() recommendation: Recommendation, @Ctx() ctx: RequestContext): Promise<RecommendationHistoryEntry[]> {
    const rows = await ctx.loaders.recommendationHistory.load(recommendation.id);
    return rows.map(toHistoryEntry);
  }

  @FieldResolver(() => RecommendationEvaluation, {
    nullable: true,
    description: 'For a DONE recommendation: crime in the influence area before and after the fix against matched control cells (difference in differences), with a displacement check. Null until the recommendation is DONE.',
  })
  async evaluation(@Root() recommendation: Recommendation, @Ctx() ctx: RequestContext, @Args() args: EvaluationArgs): Promise<RecommendationEvaluation | null> {
    if (recommendation.status !== 'done' || !recommendation.fixedAt) return null;
    await chargeCaseEvaluations(ctx, 1);
    const items = await ctx.loaders.recommendationItems.load(recommendation.id);
    return evaluateRecommendation(ctx, recommendation, items, args, new Date());
  }
}

function emptyStatistics(agency: string): AgencyStatisticsRow {
  return { agency, total: 0, open: 0, done: 0, rejected: 0, cancelled: 0, medianDaysToFix: null, openWithDueDate: 0, openOverdue: 0, doneWithDueDate: 0, doneLate: 0, oldestOpenId: null };
}

/** One item in words for history and duplicate checks: kind and the id or cell it names. */
function referenceKey(item: ItemReference): string {
  return `${item.kind}:${item.lightingOutageId ?? item.roadDefectId ?? item.riskFeatureId ?? item.h3}`;
}

function itemKey(item: RecommendationItemRow): string {
  return referenceKey(toReference(item));
}

function toReference(item: RecommendationItemRow): ItemReference {
  return { kind: item.kind, lightingOutageId: item.lightingOutageId ?? undefined, roadDefectId: item.roadDefectId ?? undefined, riskFeatureId: item.riskFeatureId ?? undefined, h3: item.h3 ?? undefined };
}

function toHistoryEntry(row: HistoryRow): RecommendationHistoryEntry {
  return {
    ...row,
    changes: Object.entries(row.changes ?? {}).map(([field, change]) => ({
      field,
      from: change.from === null || change.from === undefined ? null : JSON.stringify(change.from),
      to: change.to === null || change.to === undefined ? null : JSON.stringify(change.to),
    })),
  };
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

function pooledEstimate(result: PooledDiDResult): PooledEstimate {
  return {
    ratioOfRateRatios: finiteOrNull(result.ratioOfRateRatios),
    percentChange: finiteOrNull(result.percentChange),
    lower: finiteOrNull(result.lower),
    upper: finiteOrNull(result.upper),
    confidence: result.confidence,
    standardErrorLog: finiteOrNull(result.standardErrorLog),
    p: finiteOrNull(result.p),
    strata: result.strata,
    ...result.totals,
    conclusive: result.conclusive,
    notes: result.notes,
  };
}

function estimate(result: DiDResult): DifferenceInDifferencesEstimate {
  return {
    ratioOfRateRatios: result.ratioOfRateRatios,
    percentChange: result.percentChange,
    lower: result.lower,
    upper: result.upper,
    confidence: result.confidence,
    standardErrorLog: result.standardErrorLog,
    z: result.z,
    p: result.p,
    expectedAfter: result.expectedTreatedAfter,
    continuityCorrected: result.continuityCorrected,
    conclusive: result.conclusive,
    notes: result.notes,
  };
}

function envelopeOf(cells: Iterable<string>, resolution: number): BBox {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const cell of cells) {
    const [lng, lat] = cellCentre(cell);
    minLng = Math.min(minLng, lng);
    minLat = Math.min(minLat, lat);
    maxLng = Math.max(maxLng, lng);
    maxLat = Math.max(maxLat, lat);
  }
  return growEnvelope([minLng, minLat, maxLng, maxLat], 2 * getHexagonEdgeLengthAvg(resolution, 'm'));
}

function sumOver(cells: readonly string[], counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const cell of cells) total += counts.get(cell) ?? 0;
  return total;
}

function group(cells: string[], before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): CellGroupCounts {
  return { cellCount: cells.length, cells, before: sumOver(cells, before), after: sumOver(cells, after) };
}

function checkEvaluationArgs(args: EvaluationArgs, config: Config): void {
  // incidents store their cell at the fine resolution; coarser cells are derived from it
  const maxResolution = Math.min(10, config.fineResolution);
  if (!Number.isInteger(args.resolution) || args.resolution < 8 || args.resolution > maxResolution) throw badInput('resolution', `must be an integer from 8 to ${maxResolution}, got ${args.resolution}`);
  if (!Number.isInteger(args.days) || args.days < 7 || args.days > 730) throw badInput('days', `must be an integer from 7 to 730, got ${args.days}`);
  if (!Number.isInteger(args.controlCells) || args.controlCells < 1 || args.controlCells > 500) throw badInput('controlCells', `must be an integer from 1 to 500, got ${args.controlCells}`);
  if (!(args.confidence >= 0.5 && args.confidence <= 0.999)) throw badInput('confidence', `must lie from 0.5 to 0.999, got ${args.confidence}`);
  nonEmpty(args.categories, 'categories');
}

/**
 * The evaluation of a closed recommendation; exported so that benchmarks and reports can call
 * it without GraphQL. See docs/cases.md for the method and its limits.
 */
export async function evaluateRecommendation(
  ctx: RequestContext,
  recommendation: Pick<RecommendationRow, 'id' | 'fixedAt' | 'geometry'>,
  items: readonly RecommendationItemRow[],
  args: EvaluationArgs,
  now: Date,
): Promise<RecommendationEvaluation> {
  checkEvaluationArgs(args, ctx.config);
  const result = await evaluate(ctx, recommendation, items, args, now);
  if ('noData' in result) throw badInput('days', result.noData);
  return result;
}

/** The lattice's month windows in the shape of evaluationWindows: the before-window ends where the fix's month begins. */
function releasedWindows(fixedAt: Date, days: number, dataFrom: Date | null, now: Date): (EvaluationWindows & ReleaseEvaluationMonths) | null {
  const months = releaseEvaluationMonths(fixedAt, days, dataFrom, now);
  if (!months) return null;
  const beforeFrom = months.before[0];
  const last = months.after[months.after.length - 1];
  const afterTo = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1));
  const beforeTo = new Date(Date.UTC(fixedAt.getUTCFullYear(), fixedAt.getUTCMonth(), 1));
  return { ...months, beforeFrom, fixedAt, afterTo, days: Math.round((beforeTo.getTime() - beforeFrom.getTime()) / DAY_MS), afterIncomplete: months.shortened, beforeIncomplete: false };
}

/** The evaluation, or why the stored incidents cannot give one (arguments already checked). */
async function evaluate(
  ctx: RequestContext,
  recommendation: Pick<RecommendationRow, 'id' | 'fixedAt' | 'geometry'>,
  items: readonly RecommendationItemRow[],
  args: EvaluationArgs,
  now: Date,
): Promise<RecommendationEvaluation | { noData: string }> {
  const policy = releasePolicy(ctx);
  const asked = nonEmpty(args.categories, 'categories');
  if (policy.restricted && asked !== null) throw badInput('categories', 'below the analyst role a case is evaluated over all categories: a category filter would let one evaluation be subtracted from another');
  // below analyst the influence area, controls and counts are cells of the release lattice
  const resolution = policy.restricted ? policy.resolution : args.resolution;
  // analysts' sensitive categories: coarse cells only, alone, audited (windows are a week or longer)
  const scope = policy.restricted ? null : sensitiveScope(ctx, asked, resolution, null);
  const categories = scope ? scope.categories : asked;
  if (scope?.sensitive) await auditSensitiveCount(ctx, 'case evaluation', { recommendationId: recommendation.id, resolution, days: args.days, categories }, 0);
  const fixedAt = recommendation.fixedAt as Date;
  const hasLighting = items.some((i) => i.kind === 'lighting_outage');
  const timeOfDay: TimeOfDay = args.timeOfDay ?? (hasLighting ? 'night' : 'all');
  const notes: string[] = ['An association, not a cause: other changes at the same time and place (policing, season, events) can produce the same pattern.'];

  const geometries = items.filter((i) => i.geometry).map((i) => i.geometry as Geometry);
  const cells = items.filter((i) => i.h3).map((i) => i.h3 as string);
  if (geometries.length === 0 && cells.length === 0) {
    geometries.push(recommendation.geometry);
    notes.push('the recommendation has no items: its own geometry is the influence area');
  }
  const area = influenceArea({ geometries, cells, resolution });

  const range = await incidentTimeRange(ctx.knex);
  const lattice = policy.restricted ? releasedWindows(fixedAt, args.days, range.from, now) : null;
  const windows = policy.restricted ? lattice : evaluationWindows(fixedAt, args.days, range.from, range.to, now);
  if (!windows) {
    const whole = policy.restricted ? 'a whole calendar month (UTC) that has ended' : 'a whole day';
    return { noData: `the stored incidents (${range.from?.toISOString() ?? 'none'} to ${range.to?.toISOString() ?? 'none'}) do not cover ${whole} on both sides of the fix ${fixedAt.toISOString()}` };
  }
  if (lattice) {
    notes.push(
      `below the analyst role the evaluation is counted on the release lattice: resolution-${resolution} cells, ${lattice.months} whole calendar month(s) (UTC) before and after the fix (a month the fix falls inside is left out), all categories; ` +
        `each cell-month counts as released (1 to ${policy.threshold - 1} incidents are suppressed and count as 0), so counts in sparse places are understated`,
    );
    if (lattice.shortened) notes.push(`the windows were shortened to ${lattice.months} month(s) on each side: the stored incidents or the months ended so far do not cover ${args.days} days`);
  } else if (windows.afterIncomplete) notes.push(`the after-window is incomplete: the data end ${windows.days} days after the fix, not ${args.days}; both windows were shortened to ${windows.days} days`);
  else if (windows.beforeIncomplete) notes.push(`the data begin ${windows.days} days before the fix, not ${args.days}; both windows were shortened to ${windows.days} days`);

  // controls from the same district(s) when districts are stored, so they share the district's policing
  let pool = area.pool;
  let poolText = `cells 3 to 12 rings from the treated cells (${pool.length} candidates)`;
  const districts = await districtsContaining(ctx.knex, area.treated.map((c) => cellCentre(c)));
  if (districts.length > 0) {
    const inDistricts = new Set<string>();
    for (const d of districts) {
      // the cached study area of the district: its cells are computed once per resolution
      const districtArea = await resolveStudyArea(ctx, { area: { districtId: d.id }, resolution } as StudyAreaArgs);
      for (const c of districtArea.cells) inDistricts.add(c);
    }
    const restricted = pool.filter((c) => inDistricts.has(c));
    if (restricted.length > 0) {
      pool = restricted;
      poolText = `cells 3 to 12 rings from the treated cells within district ${districts.map((d) => d.name).join(', ')} (${pool.length} candidates)`;
    }
  }

  const envelope = envelopeOf([...area.treated, ...area.ring, ...pool], resolution);
  const countWindow = async (from: Date, to: Date): Promise<Map<string, number>> => {
    const rows = await incidentCountsByCell(ctx.knex, { resolution, envelope, from, to, categories });
    const counts = new Map<string, number>();
    for (const row of rows) {
      if (timeOfDay === 'night' && row.night !== true) continue;
      if (timeOfDay === 'day' && row.night !== false) continue;
      counts.set(row.cell, (counts.get(row.cell) ?? 0) + row.count);
    }
    return counts;
  };
  // below analyst: the sum of the released cell-month values, month by month
  const countReleasedMonths = async (starts: readonly Date[]): Promise<Map<string, number>> => {
    const counts = new Map<string, number>();
    for (const start of starts) {
      const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
      const rows = await incidentCountsByCell(ctx.knex, { resolution, envelope, from: start, to: end, categories: null });
      for (const [cell, value] of releasedMonthCells(policy, rows, timeOfDay).values) counts.set(cell, (counts.get(cell) ?? 0) + value);
    }
    return counts;
  };
  const before = lattice ? await countReleasedMonths(lattice.before) : await countWindow(windows.beforeFrom, windows.fixedAt);
  const after = lattice ? await countReleasedMonths(lattice.after) : await countWindow(windows.fixedAt, windows.afterTo);

  const treated = group(area.treated, before, after);
  const treatedMeanBefore = treated.before / area.treated.length;
  const controlCells = matchControls(pool, before, treatedMeanBefore, args.controlCells);
  const control = group(controlCells, before, after);
  const ring = group(area.ring, before, after);
  if (controlCells.length < args.controlCells) notes.push(`only ${controlCells.length} control cells were available, not ${args.controlCells}`);
  const controlMeanBefore = control.cellCount > 0 ? control.before / control.cellCount : 0;
  if (Math.abs(controlMeanBefore - treatedMeanBefore) > Math.max(1, 0.5 * treatedMeanBefore)) {
    notes.push(`the controls are not well matched: ${controlMeanBefore.toFixed(1)} incidents per cell before the fix against ${treatedMeanBefore.toFixed(1)} in the treated cells`);
  }
  notes.push('controls are matched on the same before-window used in the estimate; a treated place chosen because it was unusually bad may improve by regression to the mean alone');

  const effect = differenceInDifferences({ treatedBefore: treated.before, treatedAfter: treated.after, controlBefore: control.before, controlAfter: control.after }, { confidence: args.confidence });
  const displacement = differenceInDifferences({ treatedBefore: ring.before, treatedAfter: ring.after, controlBefore: control.before, controlAfter: control.after }, { confidence: args.confidence });
  if (!effect.conclusive) notes.push('the counts are too small to conclude whether crime fell: no conclusion is possible');

  const lateItems = items.filter((i) => i.fixedAt && Math.abs(i.fixedAt.getTime() - fixedAt.getTime()) > 7 * DAY_MS);
  if (lateItems.length > 0) notes.push(`${lateItems.length} item(s) record a fix more than 7 days from the recommendation's fixedAt; the recommendation's date is used`);

  // a problem reported shortly before its fix affected only part of the before-window: the effect is diluted
  const reported = items.filter((i) => i.reportedAt).map((i) => i.reportedAt!.getTime());
  if (reported.length > 0) {
    const earliest = Math.min(...reported);
    const presentDays = Math.max(0, Math.min(windows.days, (fixedAt.getTime() - Math.max(earliest, windows.beforeFrom.getTime())) / DAY_MS));
    if (presentDays < windows.days * 0.5) {
      notes.push(`the items were reported only ${presentDays.toFixed(1)} of the ${windows.days} before-window days before the fix, so most of the before-window did not have the problem and any effect is diluted; consider days close to how long the problem lasted`);
    }
  }

  const timeText = timeOfDay === 'night' ? 'night-time (sunset to sunrise) incidents with an exact time' : timeOfDay === 'day' ? 'daytime incidents with an exact time' : 'all incidents';
  const edge = Math.round(getHexagonEdgeLengthAvg(resolution, 'm'));
  return {
    method:
      `Difference in differences on Poisson counts: ratio of rate ratios (treated after/before) / (control after/before), ` +
      `log-scale standard error sqrt(1/a+1/b+1/c+1/d), Wald ${Math.round(args.confidence * 1000) / 10} % interval. ` +
      `Influence area: the H3 resolution-${resolution} cells (mean edge ${edge} m) the items touch. ` +
      (lattice ? `Windows: ${lattice.months} whole calendar month(s) before and after the fix. ` : `Windows: ${windows.days} days before and after the fix. `) +
      `Controls: the ${args.controlCells} candidates closest in before-window count per cell among ${poolText}, ` +
      `never adjacent to the treated cells. Displacement: the ring of adjacent cells against the same controls.`,
    resolution,
    incidents: `${timeText}${scope?.excluded ? `, every category but the sensitive ones (not counted finer than resolution ${SENSITIVE_MAX_RESOLUTION})` : categories ? `, categories ${categories.join(', ')}` : ', all categories'}`,
    requestedDays: args.days,
    days: windows.days,
    beforeFrom: windows.beforeFrom,
    fixedAt: windows.fixedAt,
    afterTo: windows.afterTo,
    afterWindowComplete: !windows.afterIncomplete,
    treated,
    control,
    ring,
    controlSelection: `${controlCells.length} cells closest to the treated cells' mean before-window count per cell (${treatedMeanBefore.toFixed(2)}), ties by cell id, among ${poolText}`,
    effect: estimate(effect),
    displacement: estimate(displacement),
    conclusive: effect.conclusive,
    notes,
  };
}
