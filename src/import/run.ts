/**
 * One import from a file: read, validate, batch, upsert. Each batch is its own transaction, so
 * a crash loses at most the batch in flight and never leaves half of one; every rejected row is
 * written with its line and reason to the rejects file while the good rows land.
 */
import { createReadStream, createWriteStream, promises as fs, WriteStream } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { AreaRecord, BBox, Layer, LayerRecordMap } from '../domain';
import { finishImportRun, startImportRun } from '../db/importRuns';
import { batchColumns, BatchColumns, dropBulkIndexes, ensureBulkIndexes, storedRowEstimate, UpsertCounts, writeImportBatch } from '../db/upsert';
import { rebuildStreetNetwork } from '../db/streets';
import { detectFormat, ImportFormat, Open311Mapping, readRows } from './readers';
import { areasInWriteOrder, RecordScreen } from './screen';
import type { FieldError } from './validate';

export interface ImportOptions {
  layer: Layer;
  file: string;
  format?: ImportFormat;
  /** source for rows that name none (Open311: 'open311', police.uk: 'police_uk') */
  defaultSource?: string;
  /** risk_features: the factor of rows that name none (`--factor`), so one file can be one factor layer */
  defaultFactor?: string;
  /** risk_features: the label of rows that have none (`--label`) */
  defaultLabel?: string;
  bounds: BBox;
  timeZone: string;
  batchSize: number;
  fineResolution: number;
  /** where rejected rows go; default `<file>.rejects.csv` */
  rejectsPath?: string;
  open311Mapping?: Open311Mapping;
  onProgress?: (bytesRead: number, totalBytes: number, rowsRead: number) => void;
  /**
   * A file expected to hold at least this many rows, and at least as many as the layer holds
   * already, is imported without the layer's GIST index, rebuilt at the end (default 100,000;
   * estimated from the file size).
   */
  bulkRows?: number;
}

/** Bytes per row of an incidents CSV, roughly: enough to tell a bulk file from a small one. */
const BYTES_PER_ROW_ESTIMATE = 100;

export interface Rejection {
  line: number;
  externalId: string | null;
  errors: FieldError[];
}

export interface ImportSummary extends UpsertCounts {
  layer: Layer;
  format: ImportFormat;
  rowsRead: number;
  rejected: number;
  /** rows of an Open311 file that belong to another layer */
  skipped: number;
  rejectsPath: string | null;
  seconds: number;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

class RejectsWriter {
  private stream: WriteStream | null = null;
  count = 0;
  constructor(
    readonly filePath: string,
    readonly positionLabel: string,
  ) {}

  write(rejection: Rejection): void {
    if (!this.stream) {
      this.stream = createWriteStream(this.filePath);
      this.stream.write(`${this.positionLabel},external_id,reasons\n`);
    }
    this.count++;
    // one row per rejected record, so the file has exactly as many rows as the summary counts
    const reasons = rejection.errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
    this.stream.write([String(rejection.line), rejection.externalId ?? '', reasons].map(csvCell).join(',') + '\n');
  }

  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

export async function importFile(knex: Knex, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const stat = await fs.stat(options.file);
  const head = await readHead(options.file);
  const format = options.format ?? detectFormat(options.file, head);
  const defaultSource = options.defaultSource ?? (format === 'open311' ? 'open311' : format === 'police-uk' ? 'police_uk' : undefined);
  const validation = { bounds: options.bounds, timeZone: options.timeZone, defaultSource, defaultFactor: options.defaultFactor, defaultLabel: options.defaultLabel };
  const rejectsPath = options.rejectsPath ?? `${options.file}.rejects.csv`;
  await fs.rm(rejectsPath, { force: true });
  const rejects = new RejectsWriter(rejectsPath, format === 'csv' || format === 'police-uk' ? 'line' : 'item');
  // a crashed bulk import may have left indexes out: put them back before anything else
  await ensureBulkIndexes(knex, options.layer);
  const expectedRows = stat.size / BYTES_PER_ROW_ESTIMATE;
  const bulk = options.layer !== 'areas' && expectedRows >= (options.bulkRows ?? 100_000) && expectedRows >= (await storedRowEstimate(knex, options.layer));
  const runId = await startImportRun(knex, options.layer, format, path.basename(options.file));
  if (bulk) await dropBulkIndexes(knex, options.layer);

  const input = createReadStream(options.file);
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
  });

  const totals: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let rowsRead = 0;
  let skipped = 0;
  let batch: LayerRecordMap[Layer][] = [];
  const screen = new RecordScreen(options.layer, validation, { label: rejects.positionLabel, scope: 'this file' });
  // precincts point at districts by external id; holding areas back lets districts land first
  const deferredAreas: AreaRecord[] = [];

  // one batch is written while the next is read, validated and turned into the statement's
  // parameters, so the database and the parser work at the same time; batches still reach the
  // database one after the other, in file order
  let inFlight: Promise<void> | null = null;
  const write = async (columns: BatchColumns): Promise<void> => {
    // its own transaction, committed without waiting for the WAL (see writeImportBatch)
    const counts = await writeImportBatch(knex, columns);
    totals.inserted += counts.inserted;
    totals.updated += counts.updated;
    totals.unchanged += counts.unchanged;
  };
  const settle = async (): Promise<void> => {
    const pending = inFlight;
    inFlight = null;
    if (pending) await pending;
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    const columns = batchColumns(options.layer, records, options.fineResolution);
    await settle();
    const started = write(columns);
    // observed by the next settle(); this keeps a failure from counting as unhandled meanwhile
    started.catch(() => undefined);
    inFlight = started;
  };

  try {
    for await (const row of readRows(format, input, { layer: options.layer, open311Mapping: options.open311Mapping })) {
      rowsRead++;
      if (options.onProgress && rowsRead % 10000 === 0) options.onProgress(bytesRead, stat.size, rowsRead);
      if (row.skip) {
        skipped++;
        continue;
      }
      const externalId = typeof row.raw.external_id === 'string' ? row.raw.external_id : null;
      if (row.problem) {
        rejects.write({ line: row.line, externalId, errors: [row.problem] });
        continue;
      }
      // validated, and a second row with the same id refused (src/import/screen.ts)
      const result = screen.screen(row.raw, row.line);
      if (!result.ok) {
        rejects.write({ line: row.line, externalId, errors: result.errors });
        continue;
      }
      if (options.layer === 'areas') {
        deferredAreas.push(result.record as AreaRecord);
        continue;
      }
      batch.push(result.record);
      if (batch.length >= options.batchSize) await flush();
    }
    await flush();
    if (deferredAreas.length > 0) {
      for (const group of areasInWriteOrder(deferredAreas)) {
        for (const record of group) {
          batch.push(record);
          if (batch.length >= options.batchSize) await flush();
        }
        await flush();
      }
    }
    await settle();
  } finally {
    // a read error while a batch is in flight: let the batch finish (or fail) before returning
    await (inFlight as Promise<void> | null)?.catch(() => undefined);
    await rejects.close();
    input.destroy();
    if (bulk) await ensureBulkIndexes(knex, options.layer);
  }
  // the routable graph is derived from all street lines; rebuilt once, after the last batch
  if (options.layer === 'streets') await knex.transaction((trx) => rebuildStreetNetwork(trx));
  options.onProgress?.(stat.size, stat.size, rowsRead);
  const summary: ImportSummary = {
    layer: options.layer,
    format,
    rowsRead,
    ...totals,
    rejected: rejects.count,
    skipped,
    rejectsPath: rejects.count > 0 ? rejectsPath : null,
    seconds: (Date.now() - started) / 1000,
  };
  await finishImportRun(knex, runId, summary);
  return summary;
}

async function readHead(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, 256, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

export function formatSummary(summary: ImportSummary): string {
  const parts = [`inserted ${summary.inserted}`, `updated ${summary.updated}`, `rejected ${summary.rejected}`];
  const extra = [`unchanged ${summary.unchanged}`];
  if (summary.skipped > 0) extra.push(`skipped ${summary.skipped} of other layers`);
  const rate = summary.seconds > 0 ? Math.round(summary.rowsRead / summary.seconds) : summary.rowsRead;
  let line = `${summary.layer}: ${parts.join(', ')} (${extra.join(', ')}; ${summary.rowsRead} rows in ${summary.seconds.toFixed(1)} s, ${rate}/s)`;
  if (summary.rejectsPath) line += `\nrejected rows with line and reason: ${summary.rejectsPath}`;
  return line;
}
