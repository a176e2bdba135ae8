/**
 * A batch of records as the text of `COPY … FROM STDIN` (PostgreSQL's text format: one line per
 * record, columns separated by tabs, `\N` for null, backslash escapes), in the columns of the
 * layer's upsert (src/db/upsert.ts) and with the same values: what the staging table of a file
 * import is loaded with (src/db/stage.ts). Pure: the import's worker threads build it.
 */
import type { Layer, LayerRecordMap } from '../domain';
import { ColumnValue, recordValues } from './upsert';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format. */
export function copyField(value: ColumnValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    // the shortest text that reads back as the same double (float8in rounds correctly)
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

/** Builds COPY lines one record at a time; `ends[k]` is where the k-th record's line ends in `text`. */
export class CopyTextBuilder<L extends Layer> {
  private readonly values: ((record: LayerRecordMap[L], fineResolution: number) => ColumnValue)[];
  private parts: string[] = [];
  private length = 0;
  readonly ends: number[] = [];

  constructor(
    layer: L,
    private readonly fineResolution: number,
  ) {
    this.values = recordValues(layer);
  }

  add(record: LayerRecordMap[L]): void {
    let line = '';
    for (let c = 0; c < this.values.length; c++) {
      if (c > 0) line += '\t';
      line += copyField(this.values[c](record, this.fineResolution));
    }
    line += '\n';
    this.parts.push(line);
    this.length += line.length;
    this.ends.push(this.length);
  }

  get rows(): number {
    return this.ends.length;
  }

  text(): string {
    const text = this.parts.join('');
    this.parts = [text];
    return text;
  }
}

/** The COPY text of `records` (every record one line). */
export function copyText<L extends Layer>(layer: L, records: readonly LayerRecordMap[L][], fineResolution: number): string {
  const builder = new CopyTextBuilder(layer, fineResolution);
  for (const record of records) builder.add(record);
  return builder.text();
}
