/**
 * Imports through GraphQL mutations, for small batches: the records of one request screened as a
 * file's rows are (src/import/screen.ts: the same validation, refusal of a repeated id and
 * district-before-precinct order) and written in one transaction, so a request lands whole or
 * not at all. With `atomic`, nothing is written unless every record is valid.
 */
import type { RequestContext } from '../context';
import { upsertBatch, UpsertCounts } from '../db/upsert';
import type { AreaRecord, Layer, LayerRecordMap } from '../domain';
import { badInput } from '../errors';
import { areasInWriteOrder, RecordScreen } from '../import/screen';
import type { RawRow } from '../import/validate';
import type { ImportResult, RejectedRecord } from '../schema/imports';

export const MAX_MUTATION_RECORDS = 1000;

/** camelCase GraphQL fields to the snake_case columns the validator (and the CSV) uses. */
function toRawRow(input: object): RawRow {
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

export async function importRecords<L extends Layer>(ctx: RequestContext, layer: L, inputs: readonly object[], atomic: boolean): Promise<ImportResult> {
  if (inputs.length === 0) throw badInput('records', 'must hold at least one record');
  if (inputs.length > MAX_MUTATION_RECORDS) throw badInput('records', `at most ${MAX_MUTATION_RECORDS} records per request; use the file import for more`);
  const screen = new RecordScreen(layer, { bounds: ctx.config.cityBounds, timeZone: ctx.config.timeZone }, { label: 'record', scope: 'this request' });
  const rejectedRecords: RejectedRecord[] = [];
  const good: LayerRecordMap[L][] = [];
  inputs.forEach((input, index) => {
    const result = screen.screen(toRawRow(input), index);
    if (result.ok) good.push(result.record);
    else rejectedRecords.push({ index, externalId: result.externalId ?? (input as { externalId?: string }).externalId ?? null, errors: result.errors });
  });
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  if (atomic && rejectedRecords.length > 0) return { ...counts, rejected: rejectedRecords.length, rejectedRecords };
  const groups = layer === 'areas' ? areasInWriteOrder(good as AreaRecord[]) : [good];
  await ctx.primary.transaction(async (trx) => {
    for (const group of groups) {
      const written = await upsertBatch(trx, layer, group as LayerRecordMap[L][], ctx.config.fineResolution);
      counts.inserted += written.inserted;
      counts.updated += written.updated;
      counts.unchanged += written.unchanged;
    }
  });
  return { ...counts, rejected: rejectedRecords.length, rejectedRecords };
}
