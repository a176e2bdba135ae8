/**
 * What becomes of one row of a file before the check of repeated ids: passed over (another
 * layer's), rejected with its reasons, or a valid record. The same function on the main thread
 * (src/import/run.ts) and in the import's worker threads (src/import/worker.ts), so both give
 * the same records and the same rejects.
 */
import type { Layer, LayerRecordMap } from '../domain';
import type { RowMapper } from './mapping';
import type { PositionedRow } from './readers';
import { FieldError, validateRow, ValidationContext } from './validate';

export interface Rejection {
  line: number;
  externalId: string | null;
  errors: FieldError[];
}

export type RowOutcome<L extends Layer> =
  | { kind: 'skip' }
  | { kind: 'reject'; rejection: Rejection }
  /** `rejectId`: the external id a rejection of this row would name (when its id repeats an earlier row's) */
  | { kind: 'record'; record: LayerRecordMap[L]; rejectId: string | null };

export function checkRow<L extends Layer>(layer: L, source: PositionedRow, mapper: RowMapper | null, validation: ValidationContext): RowOutcome<L> {
  let row = source;
  if (row.skip) return { kind: 'skip' };
  const externalId = typeof row.raw.external_id === 'string' ? row.raw.external_id : typeof row.raw.external_id === 'number' ? String(row.raw.external_id) : null;
  if (row.problem) return { kind: 'reject', rejection: { line: row.line, externalId, errors: [row.problem] } };
  if (mapper) {
    const mapped = mapper.map(row.raw);
    if (mapped.errors.length > 0) {
      // every problem of the row at once: the mapping's, and the validator's on other fields
      const result = validateRow(layer, mapped.raw, validation);
      const fields = new Set(mapped.errors.map((e) => e.field));
      const others = result.ok ? [] : result.errors.filter((e) => !fields.has(e.field));
      const id = typeof mapped.raw.external_id === 'string' ? mapped.raw.external_id : externalId;
      return { kind: 'reject', rejection: { line: row.line, externalId: id, errors: [...mapped.errors, ...others] } };
    }
    row = { ...row, raw: mapped.raw };
  }
  const id = mapper && row.raw.external_id !== undefined ? String(row.raw.external_id) : externalId;
  const result = validateRow(layer, row.raw, validation);
  if (!result.ok) return { kind: 'reject', rejection: { line: row.line, externalId: id, errors: result.errors } };
  return { kind: 'record', record: result.record as LayerRecordMap[L], rejectId: id };
}

/** The reason a row is refused whose (source, external_id) an earlier row of the file had. */
export function duplicateReason(label: string, firstLine: number): string {
  return `duplicates the id of ${label} ${firstLine} of this file`;
}
