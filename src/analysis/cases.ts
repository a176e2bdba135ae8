/**
 * The working group's cases (recommendations): listing, reading and the workflow of writes
 * (create, update, move to the next status, close, comment), each write with its history entry
 * in one transaction. Which cases an agency user sees is a filter on the data (its own agency);
 * addressing another agency's case by id is FORBIDDEN. Who may call what is declared on the
 * resolvers with @Authorized. See docs/cases.md.
 */
import type { Knex } from 'knex';
import type { RequestContext } from '../context';
import { Actor, appendHistory, CaseScope, HistoryRow, insertRecommendation, ItemReference, listRecommendations, RecommendationRow, recommendationById, replaceItems, updateRecommendationRow } from '../db/recommendations';
import type { Geometry, RecommendationStatus, RequestUser } from '../domain';
import { NEXT_RECOMMENDATION_STATUSES } from '../domain';
import { badInput, forbidden, notFound } from '../errors';
import { cellPolygon } from '../geo/h3';
import type { PageArgs } from '../schema/inputs';
import type { CreateRecommendationInput, Recommendation, RecommendationFilter, RecommendationHistoryEntry, RecommendationItem, UpdateRecommendationInput } from '../schema/recommendations';
import type { Page } from '../schema/types';
import { analysisFields, analysisItemReferences, cellsOutline, seesNearRepeat } from './caseAnalysisItems';
import { checkDueDate, checkFixedAt, checkGeometry, checkItems, checkText, checkTitle, checkTransition, itemKey, referenceKey, toReference, whereOf } from './caseInput';
import { nonEmpty, toAreaSpec, toId, toPageRequest } from './inputs';
import { pageOf } from './pages';

/** Agency users see their own agency's cases only; an agency user without an agency sees none. */
export function caseScope(user: RequestUser): CaseScope {
  return user.role === 'agency' ? { agency: user.agency ?? '' } : { agency: null };
}

function actorOf(user: RequestUser): Actor {
  return { id: user.id, role: user.role };
}

export function toRecommendation(row: RecommendationRow): Recommendation {
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

const TERMINAL = new Set<RecommendationStatus>(['done', 'rejected', 'cancelled']);

/** The case as written: the request's loaders may hold items or history read before the write. */
async function afterWrite(ctx: RequestContext, id: string): Promise<Recommendation> {
  ctx.loaders.recommendationItems.clear(id);
  ctx.loaders.recommendationHistory.clear(id);
  return toRecommendation((await recommendationById(ctx.primary, id, ctx.config.timeZone)) as RecommendationRow);
}

/** The recommendations query: a page of the cases the caller may see, filtered. */
export async function listCases(ctx: RequestContext, pageArgs: PageArgs, filter: RecommendationFilter | undefined): Promise<Page<Recommendation>> {
  const request = toPageRequest(pageArgs, ctx.config);
  const listing = listRecommendations(
    ctx.primary,
    {
      statuses: nonEmpty(filter?.statuses, 'filter.statuses'),
      agency: filter?.agency ?? null,
      overdue: filter?.overdue ?? null,
      area: await toAreaSpec(ctx.primary, filter?.area, 'filter.area'),
    },
    caseScope(ctx.user),
    ctx.config.timeZone,
  );
  const page = await pageOf(listing, request);
  return { ...page, nodes: page.nodes.map(toRecommendation) };
}

/** One case by id within the caller's scope. */
export async function caseById(ctx: RequestContext, id: string): Promise<Recommendation> {
  return toRecommendation(await caseInScope(ctx.primary, ctx, id));
}

/** A new case (status PROPOSED) with its items; history records who and when. */
export async function createCase(ctx: RequestContext, input: CreateRecommendationInput): Promise<Recommendation> {
  const title = checkTitle(input.title, 'input.title');
  const description = checkText(input.description, 'input.description');
  const dueDate = checkDueDate(input.dueDate, 'input.dueDate');
  const geometry = checkGeometry(input.geometry, 'input.geometry', ctx.config);
  const comment = checkText(input.comment, 'input.comment');
  const analysed = await analysisItemReferences(ctx, input.items, 'input.items');
  const id = await ctx.primary.transaction(async (trx) => {
    const items = await checkItems(trx, input.items, 'input.items', analysed);
    const where = await whereOf(trx, geometry, items, 'input.geometry');
    const newId = await insertRecommendation(trx, { title, description, agency: input.agency, dueDate, geometry: where.geometry, geometryDerived: where.derived }, actorOf(ctx.user));
    await replaceItems(trx, newId, items);
    await appendHistory(trx, newId, actorOf(ctx.user), { action: 'created', toStatus: 'proposed', comment });
    return newId;
  });
  return afterWrite(ctx, id);
}

/** Changes to an open case's text, due date, agency, geometry or items; history records each changed field. */
export async function updateCase(ctx: RequestContext, id: string, input: UpdateRecommendationInput, comment: string | undefined): Promise<Recommendation> {
  const note = checkText(comment, 'comment');
  const analysed = await analysisItemReferences(ctx, input.items, 'input.items');
  await ctx.primary.transaction(async (trx) => {
    const current = await caseInScope(trx, ctx, id, true);
    if (TERMINAL.has(current.status)) throw badInput('id', `recommendation ${id} is ${current.status.toUpperCase()}; a closed case is kept as it was closed (add a comment instead)`);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const fields: Parameters<typeof updateRecommendationRow>[2] = {};
    if (input.title !== undefined && input.title !== null) {
      const title = checkTitle(input.title, 'input.title');
      if (title !== current.title) {
        fields.title = title;
        changes.title = { from: current.title, to: title };
      }
    }
    if (input.description !== undefined) {
      const description = checkText(input.description, 'input.description');
      if (description !== current.description) {
        fields.description = description;
        changes.description = { from: current.description, to: description };
      }
    }
    if (input.agency !== undefined && input.agency !== null && input.agency !== current.agency) {
      fields.agency = input.agency;
      changes.agency = { from: current.agency, to: input.agency };
    }
    if (input.dueDate !== undefined) {
      const dueDate = checkDueDate(input.dueDate, 'input.dueDate');
      if (dueDate !== current.dueDate) {
        fields.dueDate = dueDate;
        changes.dueDate = { from: current.dueDate, to: dueDate };
      }
    }
    let items: ItemReference[] | null = null;
    if (input.items !== undefined && input.items !== null) {
      items = await checkItems(trx, input.items, 'input.items', analysed);
      const current = await ctx.loaders.recommendationItems.load(id);
      // below analyst the near-repeat items are not listed to the caller, so its list keeps them
      if (!seesNearRepeat(ctx)) items.push(...current.filter((r) => r.kind === 'near_repeat_area').map(toReference));
      const before = current.map(itemKey);
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

/** Moves a case to its next status; DONE needs fixedAt. */
export async function changeCaseStatus(ctx: RequestContext, id: string, status: RecommendationStatus, comment: string | undefined, fixedAt: Date | undefined): Promise<Recommendation> {
  return moveTo(ctx, id, status, checkText(comment, 'comment'), fixedAt ?? null, null, 'status_changed');
}

/** Closes a case as DONE: when the fix was made and what came of it. */
export async function closeCase(ctx: RequestContext, id: string, fixedAt: Date, outcomeNote: string | undefined): Promise<Recommendation> {
  return moveTo(ctx, id, 'done', null, fixedAt, checkText(outcomeNote, 'outcomeNote'), 'closed');
}

/** Adds a comment to a case's history. */
export async function commentOnCase(ctx: RequestContext, id: string, comment: string): Promise<Recommendation> {
  const text = checkText(comment, 'comment');
  if (!text) throw badInput('comment', 'must not be empty');
  await ctx.primary.transaction(async (trx) => {
    await caseInScope(trx, ctx, id, true);
    await appendHistory(trx, id, actorOf(ctx.user), { action: 'commented', comment: text });
    await updateRecommendationRow(trx, id, {});
  });
  return afterWrite(ctx, id);
}

async function moveTo(ctx: RequestContext, id: string, status: RecommendationStatus, comment: string | null, fixedAt: Date | null, outcomeNote: string | null, action: string): Promise<Recommendation> {
  const now = new Date();
  await ctx.primary.transaction(async (trx) => {
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

/** The records a case is about; a cell's geometry is its outline; near-repeat areas for analysts and admins only. */
export async function caseItems(ctx: RequestContext, recommendationId: string): Promise<RecommendationItem[]> {
  const rows = (await ctx.loaders.recommendationItems.load(recommendationId)).filter((row) => row.kind !== 'near_repeat_area' || seesNearRepeat(ctx));
  return rows.map((row) => ({ ...row, ...analysisFields(row), geometry: row.geometry ?? (row.cells ? cellsOutline(row.cells) : cellPolygon(row.h3 as string)) }));
}

/** Every change of a case, oldest first. */
export async function caseHistory(ctx: RequestContext, recommendationId: string): Promise<RecommendationHistoryEntry[]> {
  const rows = await ctx.loaders.recommendationHistory.load(recommendationId);
  return rows.map(toHistoryEntry);
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
