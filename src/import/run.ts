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
import { dropBulkIndexes, ensureBulkIndexes, storedRowEstimate, UpsertCounts } from '../db/upsert';
import { copyText } from '../db/copyText';
import { stagePhases, writeStagedBatch } from '../db/stage';
import { rebuildStreetNetwork } from '../db/streets';
import { ImportRefusedError } from './errors';
import { buildRowMapper, MapperOptions, RowMapper } from './mapping';
import { portableProfile, type ImportProfile } from './profile';
import { crsDefinition, fileShape, resolveCrs, simpleHeader } from './fileShape';
import { ImportFormat, Open311Mapping, PositionedRow, readRows } from './readers';
import { areasInWriteOrder } from './screen';
import { FirstLineIndex } from './keyIndex';
import { importWorkerCount, importWorkersAvailable, readCsvInWorkers } from './parallel';
import { checkRow, duplicateReason, Rejection } from './rowCheck';
import type { ChunkSetup } from './worker';

export type { Rejection } from './rowCheck';

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
  /** how the file's columns become the layer's fields (src/import/profile.ts) */
  profile?: ImportProfile | null;
  /** read, map and validate every row, write nothing (no batch, no import_runs row, no rejects file) */
  dryRun?: boolean;
  /** the layer of a multi-layer GIS dataset (a GeoPackage with several tables) */
  sourceLayer?: string;
  /**
   * A file expected to hold at least this many rows, and at least as many as the layer holds
   * already, is imported without the layer's GIST index, rebuilt at the end (default 100,000;
   * estimated from the file size).
   */
  bulkRows?: number;
  /**
   * Worker threads that read, validate and encode a big CSV file (default IMPORT_WORKERS, else
   * the number of cores); 0 reads on the main thread.
   */
  workers?: number;
  /** A CSV file expected to hold at least this many rows is read in the workers (default 20,000). */
  parallelRows?: number;
  /** characters of CSV per chunk handed to a worker (default about a million) */
  chunkChars?: number;
}

/** Bytes per row of an incidents CSV, roughly: enough to tell a bulk file from a small one. */
const BYTES_PER_ROW_ESTIMATE = 100;

export interface ImportSummary extends UpsertCounts {
  layer: Layer;
  format: ImportFormat;
  rowsRead: number;
  rejected: number;
  /** rows of an Open311 file that belong to another layer */
  skipped: number;
  rejectsPath: string | null;
  seconds: number;
  /** a dry run: nothing was written; `valid` rows would have been */
  dryRun?: boolean;
  valid?: number;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

class RejectsWriter {
  private stream: WriteStream | null = null;
  count = 0;
  /** the first rejection, as a line of text, for the message when every record is rejected */
  first = '';
  constructor(
    readonly filePath: string,
    readonly positionLabel: string,
    /** count only, write no file (a dry run) */
    readonly countOnly = false,
  ) {}

  write(rejection: Rejection): void {
    if (this.count === 0) this.first = `${this.positionLabel} ${rejection.line}: ${rejection.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`;
    if (this.countOnly) {
      this.count++;
      return;
    }
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
  const shape = await fileShape(options.file, options.format, options.profile);
  const format = shape.format;
  const profile = options.profile ?? null;
  if (options.open311Mapping && format !== 'open311') {
    throw new ImportRefusedError(`--mapping is the service_code mapping of an Open311 requests.json, and ${path.basename(options.file)} is read as ${format}; map the columns of other files with --profile FILE`, 2);
  }
  if (profile && (format === 'open311' || format === 'police-uk')) {
    throw new ImportRefusedError(`--profile maps the columns of a CSV, GeoJSON or GIS file; ${path.basename(options.file)} is read as ${format}, whose columns are fixed`, 2);
  }
  const defaultSource = options.defaultSource ?? (format === 'open311' ? 'open311' : format === 'police-uk' ? 'police_uk' : undefined);
  const timeZone = profile?.timeZone ?? options.timeZone;
  const validation = { bounds: options.bounds, timeZone, defaultSource, defaultFactor: options.defaultFactor, defaultLabel: options.defaultLabel };
  const epsg = profile?.coordinates?.epsg ?? 4326;
  const convert = epsg === 4326 ? null : await resolveCrs(knex, epsg);

  const input = createReadStream(options.file);
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  let header: string[] | null = null;
  const rows = readRows(format, input, {
    file: options.file,
    layer: options.layer,
    open311Mapping: options.open311Mapping,
    csv: { encoding: shape.encoding, delimiter: shape.delimiter, onHeader: (columns) => (header = columns) },
    // GDAL reprojects GIS files itself: the profile's CRS is what their coordinates are in
    gdal: { sourceLayer: options.sourceLayer, sourceCrs: epsg !== 4326 && !profile?.coordinates?.x ? `EPSG:${epsg}` : undefined },
  })[Symbol.asyncIterator]();

  // the header first: read up to the first record (CSV) or the first Feature (GeoJSON, GIS) and
  // check that every required field can be filled, before anything is written
  const peeked: PositionedRow[] = [];
  let mapper: RowMapper | null = null;
  let mapperOptions: Omit<MapperOptions, 'toWgs84'> | null = null;
  let columns: string[] | null = null;
  try {
    for (;;) {
      const next = await rows.next();
      if (next.done) break;
      peeked.push(next.value);
      if (format === 'csv' || !next.value.problem || peeked.length >= 1000) break;
    }
    const mapped = format === 'csv' || format === 'geojson' || format === 'gis';
    if (mapped) {
      const first = peeked.find((row) => !row.problem) ?? peeked[0];
      columns = header ?? (first ? Object.keys(first.raw) : null);
      if (columns === null) throw new ImportRefusedError(`${path.basename(options.file)}: the file is empty (no header, no records); nothing was imported`);
      mapperOptions = {
        layer: options.layer,
        timeZone,
        defaultSource,
        defaultFactor: options.defaultFactor,
        decimalComma: shape.decimalComma,
        columnWord: format === 'csv' ? 'column' : 'property',
        convertGeometry: format !== 'gis',
        gdalDates: format === 'gis',
      };
      mapper = buildRowMapper(profile, columns, { ...mapperOptions, toWgs84: convert });
      if (mapper.identity) mapper = null;
    }
    if (peeked.length === 0) throw new ImportRefusedError(`${path.basename(options.file)}: the file holds no records${header ? ' (a header only)' : ''}; nothing was imported`);
  } catch (error) {
    input.destroy();
    await rows.return?.(undefined);
    throw error;
  }

  const dryRun = options.dryRun ?? false;
  const rejectsPath = options.rejectsPath ?? `${options.file}.rejects.csv`;
  if (!dryRun) await fs.rm(rejectsPath, { force: true });
  const rejects = new RejectsWriter(rejectsPath, format === 'csv' || format === 'police-uk' ? 'line' : 'item', dryRun);
  // a crashed bulk import may have left indexes out: put them back before anything else
  if (!dryRun) await ensureBulkIndexes(knex, options.layer);
  const expectedRows = stat.size / BYTES_PER_ROW_ESTIMATE;
  const bulk = !dryRun && options.layer !== 'areas' && expectedRows >= (options.bulkRows ?? 100_000) && expectedRows >= (await storedRowEstimate(knex, options.layer));
  const runId = dryRun ? 0 : await startImportRun(knex, options.layer, format, path.basename(options.file));
  if (bulk) await dropBulkIndexes(knex, options.layer);

  const totals: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let rowsRead = 0;
  let skipped = 0;
  let valid = 0;
  let batch: LayerRecordMap[Layer][] = [];
  // the first line of every (source, external_id): a second row with the same id is refused
  const seen = new FirstLineIndex();
  // precincts point at districts by external id; holding areas back lets districts land first
  const deferredAreas: AreaRecord[] = [];

  // one batch is written while the next is read, validated and turned into COPY text, so the
  // database and the parser work at the same time; batches still reach the database one after
  // the other, in file order, each in its own transaction (src/db/stage.ts)
  let inFlight: Promise<void> | null = null;
  const settle = async (): Promise<void> => {
    const pending = inFlight;
    inFlight = null;
    if (pending) await pending;
  };
  const send = async (text: string, rows: number): Promise<void> => {
    await settle();
    if (dryRun) return;
    const started = writeStagedBatch(knex, { layer: options.layer, rows, text }).then((counts) => {
      totals.inserted += counts.inserted;
      totals.updated += counts.updated;
      totals.unchanged += counts.unchanged;
    });
    // observed by the next settle(); this keeps a failure from counting as unhandled meanwhile
    started.catch(() => undefined);
    inFlight = started;
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    await send(copyText(options.layer, records, options.fineResolution), records.length);
  };

  const workers = options.workers ?? importWorkerCount();
  const parallel =
    format === 'csv' &&
    !/^(utf-?16|ucs|utf-?32)/i.test(shape.encoding) &&
    options.layer !== 'areas' &&
    workers > 0 &&
    columns !== null &&
    expectedRows >= (options.parallelRows ?? 20_000) &&
    (await simpleHeader(options.file)) &&
    importWorkersAvailable();
  try {
    if (parallel) {
      input.destroy();
      await rows.return?.(undefined);
      const setup: ChunkSetup = {
        key: `${process.pid}:${started}:${options.file}`,
        layer: options.layer,
        header: columns!,
        delimiter: shape.delimiter,
        validation,
        fineResolution: options.fineResolution,
        mapper: mapper && mapperOptions ? { profile: portableProfile(profile), options: mapperOptions, crsDefinition: epsg === 4326 ? null : await crsDefinition(knex, epsg) } : null,
      };
      const again = createReadStream(options.file);
      again.on('data', (chunk) => (bytesRead += chunk.length));
      let pending: string[] = [];
      let pendingRows = 0;
      let reported = 0;
      try {
        const read = await readCsvInWorkers({ input: again, encoding: shape.encoding, setup, workers, label: rejects.positionLabel, chunkChars: options.chunkChars }, seen, {
          reject: (rejection) => rejects.write(rejection),
          progress: (n) => {
            // every 10,000 rows, as the main-thread reader reports
            for (; reported + 10_000 <= n; reported += 10_000) options.onProgress?.(bytesRead, stat.size, reported + 10_000);
          },
          records: async (text, ends) => {
            valid += ends.length;
            // cut into batches of batchSize rows at line ends
            let from = 0;
            while (from < ends.length) {
              const to = Math.min(ends.length, from + options.batchSize - pendingRows);
              pending.push(text.slice(from === 0 ? 0 : ends[from - 1], ends[to - 1]));
              pendingRows += to - from;
              from = to;
              if (pendingRows >= options.batchSize) {
                const full = pending.join('');
                const n = pendingRows;
                pending = [];
                pendingRows = 0;
                await send(full, n);
              }
            }
          },
        });
        rowsRead = read.rowsRead;
        skipped = read.skipped;
        if (pendingRows > 0) await send(pending.join(''), pendingRows);
      } finally {
        again.destroy();
      }
    } else {
      const all = async function* (): AsyncGenerator<PositionedRow> {
        yield* peeked;
        for (;;) {
          const next = await rows.next();
          if (next.done) return;
          yield next.value;
        }
      };
      for await (const row of all()) {
        rowsRead++;
        if (options.onProgress && rowsRead % 10000 === 0) options.onProgress(bytesRead, stat.size, rowsRead);
        const outcome = checkRow(options.layer, row, mapper, validation);
        if (outcome.kind === 'skip') {
          skipped++;
          continue;
        }
        if (outcome.kind === 'reject') {
          rejects.write(outcome.rejection);
          continue;
        }
        const record = outcome.record;
        const first = seen.firstLineOrAdd(record.source, record.externalId, row.line);
        if (first !== undefined) {
          rejects.write({ line: row.line, externalId: outcome.rejectId, errors: [{ field: 'external_id', reason: duplicateReason(rejects.positionLabel, first) }] });
          continue;
        }
        valid++;
        if (dryRun) continue;
        if (options.layer === 'areas') {
          deferredAreas.push(record as AreaRecord);
          continue;
        }
        batch.push(record);
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
    }
    await settle();
  } finally {
    // a read error while a batch is in flight: let the batch finish (or fail) before returning
    await (inFlight as Promise<void> | null)?.catch(() => undefined);
    await rejects.close();
    input.destroy();
    await rows.return?.(undefined);
    const rebuilding = Date.now();
    if (bulk) await ensureBulkIndexes(knex, options.layer);
    if (process.env.IMPORT_PROFILE === '1') {
      const ms = (v: number): string => `${(v / 1000).toFixed(1)} s`;
      const { copy, areaIndex, upsert, commit, batches } = stagePhases;
      const phases = `copy ${ms(copy)}, area index ${ms(areaIndex)}, upsert ${ms(upsert)}, commit ${ms(commit)}`;
      console.error(`import profile: ${batches} batches (${phases}), index rebuild ${ms(Date.now() - rebuilding)}, ${parallel ? `${workers} workers` : 'main thread'}`);
    }
  }
  // the routable graph is derived from all street lines; rebuilt once, after the last batch
  if (options.layer === 'streets' && !dryRun) await knex.transaction((trx) => rebuildStreetNetwork(trx));
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
    dryRun,
    valid,
  };
  if (!dryRun) await finishImportRun(knex, runId, summary);
  const offered = rowsRead - skipped;
  if (offered > 0 && rejects.count === offered) {
    const where = dryRun ? '' : `; every reason in ${rejectsPath}`;
    throw new ImportRefusedError(`${options.layer}: all ${offered} records were rejected, nothing was imported${where}; the first: ${rejects.first}`);
  }
  return summary;
}

export function formatSummary(summary: ImportSummary): string {
  if (summary.dryRun) {
    const rate = summary.seconds > 0 ? Math.round(summary.rowsRead / summary.seconds) : summary.rowsRead;
    const skipped = summary.skipped > 0 ? `, skipped ${summary.skipped} of other layers` : '';
    return `${summary.layer}: dry run, nothing written: ${summary.valid ?? 0} valid, rejected ${summary.rejected} (${summary.rowsRead} rows${skipped} in ${summary.seconds.toFixed(1)} s, ${rate}/s)`;
  }
  const parts = [`inserted ${summary.inserted}`, `updated ${summary.updated}`, `rejected ${summary.rejected}`];
  const extra = [`unchanged ${summary.unchanged}`];
  if (summary.skipped > 0) extra.push(`skipped ${summary.skipped} of other layers`);
  const rate = summary.seconds > 0 ? Math.round(summary.rowsRead / summary.seconds) : summary.rowsRead;
  let line = `${summary.layer}: ${parts.join(', ')} (${extra.join(', ')}; ${summary.rowsRead} rows in ${summary.seconds.toFixed(1)} s, ${rate}/s)`;
  if (summary.rejectsPath) line += `\nrejected rows with line and reason: ${summary.rejectsPath}`;
  return line;
}
