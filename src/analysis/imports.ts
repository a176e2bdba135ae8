/**
 * Imports through GraphQL mutations, for small batches: the records of one request screened as a
 * file's rows are (src/import/screen.ts: the same validation, refusal of a repeated id and
 * district-before-precinct order) and written in one transaction, so a request lands whole or
 * not at all. With `atomic`, nothing is written unless every record is valid.
 *
 * Records come either typed (`records`: the layer's fields) or as published (`rows`: JSON objects
 * with the source's own columns), mapped by a profile exactly as the CLI maps a file
 * (src/import/mapping.ts): a stored profile by name or one given inline, checked by the same
 * `parseProfile` (errors name the profile field), the same header check over the rows' columns
 * (missing fields listed with their lookalike columns), value maps, date formats, time zone,
 * decimal comma and coordinate system. A profile's `delimiter` and `encoding` describe files and
 * do not apply to rows.
 */
import type { RequestContext } from '../context';
import { importProfileByName } from '../db/importProfiles';
import { upsertBatch, UpsertCounts } from '../db/upsert';
import type { AreaRecord, Layer, LayerRecordMap } from '../domain';
import { badInput } from '../errors';
import type { ToWgs84 } from '../geo/crs';
import { ImportRefusedError } from '../import/errors';
import { buildRowMapper, RowMapper } from '../import/mapping';
import { ImportProfile, parseProfile } from '../import/profile';
import { resolveCrs } from '../import/fileShape';
import { areasInWriteOrder, RecordScreen } from '../import/screen';
import { validateRow, type RawRow } from '../import/validate';
import type { ImportResult, RejectedRecord } from '../schema/imports';

export const MAX_MUTATION_RECORDS = 1000;

/** camelCase GraphQL fields to the snake_case columns the validator (and the CSV) uses. */
function toRawRow(input: object): RawRow {
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/** What the mutations take beside typed records: rows as published, a profile for them, atomicity. */
export interface RowImport {
  rows?: Record<string, unknown>[] | null;
  profile?: { name?: string | null; inline?: Record<string, unknown> | null } | null;
  atomic: boolean;
}

/** One import mutation: typed `records`, or `rows` as published (mapped by `profile` when given). */
export async function importLayer<L extends Layer>(ctx: RequestContext, layer: L, records: readonly object[] | null | undefined, args: RowImport): Promise<ImportResult> {
  if (records && args.rows) throw badInput('rows', 'give records (the fields of the layer) or rows (records as published), not both');
  if (args.rows) return importRows(ctx, layer, args.rows, args.profile ?? null, args.atomic);
  if (args.profile) throw badInput('profile', 'a profile maps rows as published: give them as rows, not records');
  if (!records) throw badInput('records', 'give records (the fields of the layer) or rows (records as published, with a profile)');
  return importRecords(ctx, layer, records, args.atomic);
}

function checkCount(count: number, argument: string): void {
  if (count === 0) throw badInput(argument, 'must hold at least one record');
  if (count > MAX_MUTATION_RECORDS) throw badInput(argument, `at most ${MAX_MUTATION_RECORDS} records per request; use the file import for more`);
}

export async function importRecords<L extends Layer>(ctx: RequestContext, layer: L, inputs: readonly object[], atomic: boolean): Promise<ImportResult> {
  checkCount(inputs.length, 'records');
  const screen = new RecordScreen(layer, { bounds: ctx.config.cityBounds, timeZone: ctx.config.timeZone }, { label: 'record', scope: 'this request' });
  const rejectedRecords: RejectedRecord[] = [];
  const good: LayerRecordMap[L][] = [];
  inputs.forEach((input, index) => {
    const result = screen.screen(toRawRow(input), index);
    if (result.ok) good.push(result.record);
    else rejectedRecords.push({ index, externalId: result.externalId ?? (input as { externalId?: string }).externalId ?? null, errors: result.errors });
  });
  return writeScreened(ctx, layer, good, rejectedRecords, atomic);
}

/** A refusal of the profile or of the rows' columns as BAD_USER_INPUT: the message of the CLI, on the argument it is about. */
function refused(error: unknown, argument: string): unknown {
  return error instanceof ImportRefusedError ? badInput(argument, error.message) : error;
}

async function profileOf(ctx: RequestContext, layer: Layer, ref: NonNullable<RowImport['profile']>): Promise<{ profile: ImportProfile; argument: string }> {
  if ((ref.name == null) === (ref.inline == null)) throw badInput('profile', 'give the name of a stored profile or an inline one, not both');
  const argument = ref.name != null ? 'profile.name' : 'profile.inline';
  let json: unknown = ref.inline;
  if (ref.name != null) {
    const stored = await importProfileByName(ctx.knex, ref.name);
    if (!stored) throw badInput('profile.name', `no stored profile "${ref.name.slice(0, 64)}" (hotspots profile list; save one with hotspots profile save)`);
    json = stored.profile;
  }
  try {
    return { profile: parseProfile(json, layer), argument };
  } catch (error) {
    throw refused(error, argument);
  }
}

/** Rows as published, mapped as the CLI maps a file's rows, then screened and written as records are. */
export async function importRows<L extends Layer>(ctx: RequestContext, layer: L, rows: readonly Record<string, unknown>[], ref: RowImport['profile'], atomic: boolean): Promise<ImportResult> {
  checkCount(rows.length, 'rows');
  const { profile, argument } = ref ? await profileOf(ctx, layer, ref) : { profile: null, argument: 'profile' };
  let mapper: RowMapper;
  try {
    const epsg = profile?.coordinates?.epsg ?? 4326;
    const toWgs84: ToWgs84 | null = epsg !== 4326 ? await resolveCrs(ctx.knex, epsg) : null;
    // the header check of a file, over the columns the rows have
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    mapper = buildRowMapper(profile, columns, { layer, timeZone: ctx.config.timeZone, decimalComma: false, toWgs84, columnWord: 'property', convertGeometry: true });
  } catch (error) {
    throw refused(error, error instanceof ImportRefusedError && /^profile field/.test(error.message) ? argument : 'rows');
  }
  const validation = { bounds: ctx.config.cityBounds, timeZone: ctx.config.timeZone };
  const screen = new RecordScreen(layer, validation, { label: 'row', scope: 'this request' });
  const rejectedRecords: RejectedRecord[] = [];
  const good: LayerRecordMap[L][] = [];
  rows.forEach((row, index) => {
    const mapped = mapper.identity ? { raw: row as RawRow, errors: [] } : mapper.map(row);
    const id = mapped.raw.external_id === undefined || mapped.raw.external_id === null ? null : String(mapped.raw.external_id);
    if (mapped.errors.length > 0) {
      // every problem of the row at once, as the CLI reports it: the mapping's, and the validator's on other fields
      const result = validateRow(layer, mapped.raw, validation);
      const fields = new Set(mapped.errors.map((e) => e.field));
      rejectedRecords.push({ index, externalId: id, errors: [...mapped.errors, ...(result.ok ? [] : result.errors.filter((e) => !fields.has(e.field)))] });
      return;
    }
    const result = screen.screen(mapped.raw, index);
    if (result.ok) good.push(result.record);
    else rejectedRecords.push({ index, externalId: result.externalId ?? id, errors: result.errors });
  });
  return writeScreened(ctx, layer, good, rejectedRecords, atomic);
}

async function writeScreened<L extends Layer>(ctx: RequestContext, layer: L, good: LayerRecordMap[L][], rejectedRecords: RejectedRecord[], atomic: boolean): Promise<ImportResult> {
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
