/**
 * Query-string parameters of tiles and exports. They mirror the GraphQL arguments by name
 * (`resolution`, `from`/`to` of `window`, `categories`, `kinds`, `k`, `bbox`, `districtId`, ...),
 * list values separated by commas, enum values as in GraphQL (THEFT) or as stored (theft).
 */
import type { Request } from 'express';
import { badInput } from '../errors';
import type { AreaInput, TimeWindowInput } from '../schema/inputs';

export type QueryParams = Readonly<Record<string, string>>;

/** The request's query string as single strings; a repeated parameter is refused (say it once, comma-separated). */
export function queryParams(request: Request): QueryParams {
  const out: Record<string, string> = {};
  const url = new URL(request.originalUrl, 'http://local');
  for (const [key, value] of url.searchParams) {
    if (key in out) throw badInput(key, 'is given more than once; give one comma-separated value');
    out[key] = value;
  }
  return out;
}

/**
 * The parameters without `lang` (tiles, OGC API): it chooses the language of the messages, not
 * the data, so it is no argument of the query and no part of a tile's ETag or cache key.
 */
export function dataParams(params: QueryParams): QueryParams {
  return Object.fromEntries(Object.entries(params).filter(([name]) => name !== 'lang'));
}

/** The parameters in a stable order, for cache keys and ETags. */
export function canonicalParams(params: QueryParams): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k])}`)
    .join('&');
}

export function intParam(params: QueryParams, name: string, fallback: number): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw badInput(name, `must be an integer, got "${raw.slice(0, 40)}"`);
  return value;
}

export function listParam(params: QueryParams, name: string): string[] | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A list of enum values as stored (lower case), each checked against the allowed ones. */
export function enumListParam(params: QueryParams, name: string, allowed: readonly string[]): string[] | undefined {
  const values = listParam(params, name);
  if (values === undefined) return undefined;
  return values.map((v) => enumValue(v, name, allowed));
}

export function enumParam<T extends string>(params: QueryParams, name: string, allowed: readonly T[]): T | undefined {
  const raw = params[name];
  return raw === undefined || raw === '' ? undefined : enumValue(raw, name, allowed);
}

function enumValue<T extends string>(raw: string, name: string, allowed: readonly T[]): T {
  const value = allowed.find((a) => a === raw.toLowerCase());
  if (!value) throw badInput(name, `"${raw.slice(0, 40)}" is not one of ${allowed.map((a) => a.toUpperCase()).join(', ')}`);
  return value;
}

/** `bbox`, `polygon` (GeoJSON text), `districtId` or `precinctId`; undefined when none is given. */
export function areaParam(params: QueryParams): AreaInput | undefined {
  const area: AreaInput = {};
  if (params.bbox !== undefined) area.bbox = params.bbox.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (params.polygon !== undefined) {
    try {
      area.polygon = JSON.parse(params.polygon);
    } catch {
      throw badInput('polygon', 'is not GeoJSON text');
    }
  }
  if (params.districtId !== undefined) area.districtId = params.districtId;
  if (params.precinctId !== undefined) area.precinctId = params.precinctId;
  return Object.keys(area).length === 0 ? undefined : area;
}

/** An ISO 8601 date-time; undefined when left out or empty. */
export function dateParam(params: QueryParams, name: string): Date | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw badInput(name, `"${raw.slice(0, 40)}" is not an ISO 8601 date-time`);
  return date;
}

/** `from` (inclusive) and `to` (exclusive) as ISO 8601 date-times. */
export function windowParam(params: QueryParams): TimeWindowInput | undefined {
  if (params.from === undefined && params.to === undefined) return undefined;
  const window: TimeWindowInput = {};
  for (const end of ['from', 'to'] as const) {
    const date = dateParam(params, end);
    if (date) window[end] = date;
  }
  return window;
}

/** Refuses parameters the endpoint does not know, so a misspelt filter is an error rather than silently ignored. */
export function checkKnownParams(params: QueryParams, known: readonly string[], what: string): void {
  for (const name of Object.keys(params)) {
    if (!known.includes(name)) throw badInput(name, `is not a parameter of ${what}; its parameters: ${known.join(', ')}`);
  }
}
