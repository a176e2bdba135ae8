/**
 * Which records of one import are taken, the same for a file (src/import/run.ts) and for the
 * GraphQL import mutations (src/analysis/imports.ts): each row validated (src/import/validate/),
 * a second row with the same (source, external_id) refused rather than applied over the first
 * (otherwise every re-import would flip the stored row between the two versions), and areas
 * written districts first, so a precinct finds its district by external id in the same import.
 */
import type { AreaRecord, Layer, LayerRecordMap } from '../domain';
import { FirstLineIndex } from './keyIndex';
import { FieldError, RawRow, validateRow, ValidationContext } from './validate';

export type Screened<T> =
  | { ok: true; record: T }
  /** `externalId`: the record's own id when it was valid but repeats an earlier one */
  | { ok: false; errors: FieldError[]; externalId?: string };

export interface ScreenPositions {
  /** what a position is called in the refusal of a repeated id: line, item, record */
  label: string;
  /** what the positions are of: this file, this request */
  scope: string;
}

export class RecordScreen<L extends Layer> {
  private readonly seen = new FirstLineIndex();

  constructor(
    readonly layer: L,
    private readonly validation: ValidationContext,
    private readonly positions: ScreenPositions,
  ) {}

  /** The record of `raw`, at `position` (a line, an item or an index), or why it is refused. */
  screen(raw: RawRow, position: number): Screened<LayerRecordMap[L]> {
    const result = validateRow(this.layer, raw, this.validation);
    if (!result.ok) return result;
    const first = this.seen.firstLineOrAdd(result.record.source, result.record.externalId, position);
    if (first !== undefined) {
      const reason = `duplicates the id of ${this.positions.label} ${first} of ${this.positions.scope}`;
      return { ok: false, errors: [{ field: 'external_id', reason }], externalId: result.record.externalId };
    }
    return result;
  }
}

/** The area kinds in the order they are written. */
export const AREA_WRITE_ORDER = ['district', 'precinct'] as const;

/** Areas in groups written one after the other: districts, then precincts (each in the order given). */
export function areasInWriteOrder(records: readonly AreaRecord[]): AreaRecord[][] {
  return AREA_WRITE_ORDER.map((kind) => records.filter((r) => r.kind === kind));
}
