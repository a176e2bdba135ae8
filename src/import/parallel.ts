/**
 * A big CSV import read in worker threads: the main thread only cuts the decoded text into
 * chunks of whole records (at a line break outside quotes), hands them to a pool of workers
 * (src/import/worker.ts: mapping, validation, H3 cells, COPY lines), takes their answers back in
 * file order, refuses repeated ids (the one check that needs the whole file) and passes the
 * COPY lines on in batches. The records, rejects and counts are those of the main-thread path.
 */
import path from 'node:path';
import os from 'node:os';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import iconv from 'iconv-lite';
import { Piscina } from 'piscina';
import { FirstLineIndex } from './keyIndex';
import { CsvSyntaxError } from './readers';
import { duplicateReason, Rejection } from './rowCheck';
import type { ChunkResult, ChunkSetup, ChunkTask } from './worker';

/** About this many characters of CSV per chunk (some 10,000 rows of an incidents file). */
const CHUNK_CHARS = 1 << 20;

/** Worker threads for an import (IMPORT_WORKERS): by default as many as cores. */
export function importWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.IMPORT_WORKERS;
  const value = raw === undefined || raw === '' ? os.availableParallelism() : Number(raw);
  return Number.isInteger(value) && value >= 0 ? Math.min(value, 16) : os.availableParallelism();
}

/** The compiled worker (dist/src/import/worker.js), also when this file runs as TypeScript under jest. */
export function importWorkerFile(): string {
  const compiled = path.basename(path.resolve(__dirname, '..', '..')) === 'dist';
  return compiled ? path.join(__dirname, 'worker.js') : path.resolve(__dirname, '..', '..', 'dist', 'src', 'import', 'worker.js');
}

export function importWorkersAvailable(): boolean {
  return existsSync(importWorkerFile());
}

/** The last line break of `text` outside double quotes, or -1. */
export function lastBreakOutsideQuotes(text: string): number {
  let inQuotes = false;
  let safe = -1;
  let i = 0;
  for (;;) {
    const q = text.indexOf('"', i);
    const end = q === -1 ? text.length : q;
    if (!inQuotes && end > i) {
      const nl = text.lastIndexOf('\n', end - 1);
      if (nl >= i) safe = nl;
    }
    if (q === -1) return safe;
    inQuotes = !inQuotes;
    i = q + 1;
  }
}

function countBreaks(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/**
 * The records of a CSV after its header line, as chunks of whole records with the physical line
 * of their first (the header is line 1). A file whose header is preceded by blank lines, or
 * holds a line break inside a quoted header field, is not for this reader: the caller checks.
 */
export async function* csvChunks(input: Readable, encoding: string, chunkChars = CHUNK_CHARS): AsyncGenerator<{ text: string; firstLine: number }> {
  const decoder = /^utf-?8$/i.test(encoding) ? new StringDecoder('utf8') : iconv.getDecoder(encoding);
  let pending = '';
  let line = 1;
  let headerDone = false;
  // the header is line 1, read by the caller already: skipped here
  const skipHeader = (): void => {
    if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
    const end = pending.indexOf('\n');
    if (end === -1) return;
    pending = pending.slice(end + 1);
    headerDone = true;
    line = 2;
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    pending += decoder.write(chunk);
    if (!headerDone) skipHeader();
    if (!headerDone || pending.length < chunkChars) continue;
    const cut = lastBreakOutsideQuotes(pending);
    if (cut === -1) continue;
    const whole = pending.slice(0, cut + 1);
    pending = pending.slice(cut + 1);
    yield { text: whole, firstLine: line };
    line += countBreaks(whole);
  }
  pending += decoder.end() ?? '';
  if (!headerDone) skipHeader();
  if (headerDone && pending.length > 0) yield { text: pending, firstLine: line };
}

export interface ChunkSink {
  reject(rejection: Rejection): void;
  /** valid, first-of-their-id records' COPY lines, in file order; `ends[k]` ends the k-th line */
  records(copy: string, ends: ArrayLike<number>): Promise<void>;
  progress?(rowsRead: number): void;
}

/** The rows of one chunk without the repeated ids, which become rejections (merged in line order). */
function screenChunk(result: ChunkResult, seen: FirstLineIndex, label: string, sink: ChunkSink): { copy: string; ends: ArrayLike<number> } {
  const duplicates: Rejection[] = [];
  const keep: number[] = [];
  for (let k = 0; k < result.ids.length; k++) {
    const first = seen.firstLineOrAdd(result.sources[k], result.ids[k], result.lines[k]);
    if (first === undefined) keep.push(k);
    else duplicates.push({ line: result.lines[k], externalId: result.rejectIds[k] ?? result.ids[k], errors: [{ field: 'external_id', reason: duplicateReason(label, first) }] });
  }
  let r = 0;
  for (const d of duplicates) {
    while (r < result.rejects.length && result.rejects[r].line < d.line) sink.reject(result.rejects[r++]);
    sink.reject(d);
  }
  while (r < result.rejects.length) sink.reject(result.rejects[r++]);
  if (duplicates.length === 0) return { copy: result.copy, ends: result.ends };
  const parts: string[] = [];
  const ends: number[] = [];
  let length = 0;
  for (const k of keep) {
    const part = result.copy.slice(k === 0 ? 0 : result.ends[k - 1], result.ends[k]);
    parts.push(part);
    length += part.length;
    ends.push(length);
  }
  return { copy: parts.join(''), ends };
}

export interface ParallelReadOptions {
  input: Readable;
  encoding: string;
  setup: ChunkSetup;
  workers: number;
  /** what a position is called in the reason of a repeated id: `line` */
  label: string;
  /** characters per chunk (tests make them small) */
  chunkChars?: number;
}

/** Reads the CSV in worker threads; answers the rows read and passed over. */
export async function readCsvInWorkers(options: ParallelReadOptions, seen: FirstLineIndex, sink: ChunkSink): Promise<{ rowsRead: number; skipped: number }> {
  const pool = new Piscina({ filename: importWorkerFile(), minThreads: options.workers, maxThreads: options.workers, idleTimeout: 1000 });
  const inFlight: Promise<ChunkResult>[] = [];
  const totals = { rowsRead: 0, skipped: 0 };
  const consume = async (result: ChunkResult): Promise<void> => {
    if (result.syntaxError) throw Object.assign(new CsvSyntaxError(result.syntaxError.line, ''), { message: result.syntaxError.message });
    totals.rowsRead += result.rowsRead;
    totals.skipped += result.skipped;
    const kept = screenChunk(result, seen, options.label, sink);
    if (kept.ends.length > 0) await sink.records(kept.copy, kept.ends);
    sink.progress?.(totals.rowsRead);
  };
  try {
    for await (const chunk of csvChunks(options.input, options.encoding, options.chunkChars)) {
      const task: ChunkTask = { setup: options.setup, text: chunk.text, firstLine: chunk.firstLine };
      const running = pool.run(task, { name: 'parseChunk' }) as Promise<ChunkResult>;
      running.catch(() => undefined);
      inFlight.push(running);
      // enough chunks ahead to keep every worker busy while the oldest is consumed
      if (inFlight.length > options.workers * 2) await consume(await inFlight.shift()!);
    }
    while (inFlight.length > 0) await consume(await inFlight.shift()!);
  } finally {
    await Promise.allSettled(inFlight);
    await pool.destroy();
  }
  return totals;
}
