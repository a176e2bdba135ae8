/**
 * The import's worker threads (Piscina loads dist/src/import/worker.js, see parallel.ts): a
 * chunk of whole CSV records in, its rows mapped, validated (src/import/rowCheck.ts, as on the
 * main thread) and its valid records as COPY lines (with their H3 cells) out. What needs the
 * whole file, the check of repeated ids, stays on the main thread.
 */
import type { Layer, LayerRecordMap } from '../domain';
import { CopyTextBuilder } from '../db/copyText';
import { toWgs84 } from '../geo/crs';
import { buildRowMapper, MapperOptions, RowMapper } from './mapping';
import { revivedProfile, type ImportProfile } from './profile';
import { CsvSyntaxError, csvTextRows } from './readers';
import { checkRow, Rejection } from './rowCheck';
import type { ValidationContext } from './validate';

/** What every chunk of one import shares (cloned to the worker with each chunk, rebuilt once per import). */
export interface ChunkSetup {
  /** tells one import's setup from another's in a worker that serves several */
  key: string;
  layer: Layer;
  header: string[];
  delimiter: string;
  validation: ValidationContext;
  fineResolution: number;
  /** the mapping of columns to fields, when the file needs one */
  mapper: { profile: ImportProfile | null; options: Omit<MapperOptions, 'toWgs84'>; crsDefinition: string | null } | null;
}

export interface ChunkTask {
  setup: ChunkSetup;
  text: string;
  firstLine: number;
}

export interface ChunkResult {
  /** COPY lines of the valid records, in file order */
  copy: string;
  /** where each valid record's line ends in `copy` */
  ends: Int32Array;
  lines: Int32Array;
  sources: string[];
  ids: string[];
  /** the id a rejection as a repeated id names, when it differs from `ids[k]` */
  rejectIds: (string | null)[];
  rejects: Rejection[];
  rowsRead: number;
  skipped: number;
  syntaxError?: { line: number; message: string };
}

let current: { key: string; mapper: RowMapper | null } | null = null;

function mapperOf(setup: ChunkSetup): RowMapper | null {
  if (current?.key === setup.key) return current.mapper;
  let mapper: RowMapper | null = null;
  if (setup.mapper) {
    const convert = setup.mapper.crsDefinition ? toWgs84(setup.mapper.crsDefinition) : null;
    mapper = buildRowMapper(revivedProfile(setup.mapper.profile), setup.header, { ...setup.mapper.options, toWgs84: convert });
    if (mapper.identity) mapper = null;
  }
  current = { key: setup.key, mapper };
  return mapper;
}

export function parseChunk(task: ChunkTask): ChunkResult {
  const { setup } = task;
  const out: ChunkResult = { copy: '', ends: new Int32Array(0), lines: new Int32Array(0), sources: [], ids: [], rejectIds: [], rejects: [], rowsRead: 0, skipped: 0 };
  let rows;
  try {
    rows = csvTextRows(task.text, task.firstLine, setup.header, setup.delimiter);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      out.syntaxError = { line: error.line, message: error.message };
      return out;
    }
    throw error;
  }
  const mapper = mapperOf(setup);
  const copy = new CopyTextBuilder(setup.layer, setup.fineResolution);
  const lines: number[] = [];
  for (const row of rows) {
    out.rowsRead++;
    const outcome = checkRow(setup.layer, row, mapper, setup.validation);
    if (outcome.kind === 'skip') out.skipped++;
    else if (outcome.kind === 'reject') out.rejects.push(outcome.rejection);
    else {
      const record = outcome.record as LayerRecordMap[Layer] & { source: string; externalId: string };
      copy.add(record);
      lines.push(row.line);
      out.sources.push(record.source);
      out.ids.push(record.externalId);
      out.rejectIds.push(outcome.rejectId === record.externalId ? null : outcome.rejectId);
    }
  }
  out.copy = copy.text();
  out.ends = Int32Array.from(copy.ends);
  out.lines = Int32Array.from(lines);
  return out;
}
