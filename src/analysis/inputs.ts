/** Turns GraphQL inputs into validated query specs, refusing bad ones with the argument path. */
import type { Knex } from 'knex';
import type { Config } from '../config';
import { RISK_FEATURE_FACTOR_PATTERN } from '../domain';
import { AreaSpec, areaExists, PageRequest, TimeWindow } from '../db/reads';
import { geometryProblem } from '../import/validate';
import type { AreaInput, PageArgs, TimeWindowInput } from '../schema/inputs';
import { badInput } from '../errors';

const WORLD: [number, number, number, number] = [-180, -90, 180, 90];

/** Ids of stored rows (districts, precincts, posts, outages, cases, ...) are bigint keys: 1 to 18 digits. */
export const ID_PATTERN = /^\d{1,18}$/;

/**
 * The one check of an id argument (GraphQL `ID` arguments and filters, and query-string ids of
 * tiles and exports): a value that cannot be an id of this API is BAD_USER_INPUT naming the
 * argument's path, before any SQL sees it. A well-formed id that names nothing is the caller's
 * NOT_FOUND or "no ... has id" to give.
 */
export function toId(value: unknown, path: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw badInput(path, `${JSON.stringify(String(value).slice(0, 40))} is not an id: ids are whole numbers of 1 to 18 digits`);
  }
  return value;
}

/** `toId` for an optional argument: null when left out. */
export function toOptionalId(value: unknown, path: string): string | null {
  return value === undefined || value === null ? null : toId(value, path);
}

export async function toAreaSpec(knex: Knex, area: AreaInput | undefined | null, path: string): Promise<AreaSpec | null> {
  if (!area) return null;
  const given = (['bbox', 'polygon', 'districtId', 'precinctId', 'city'] as const).filter((k) => area[k] !== undefined && area[k] !== null);
  if (given.length !== 1) throw badInput(path, `give exactly one of bbox, polygon, districtId, precinctId, city (got ${given.length === 0 ? 'none' : given.join(', ')})`);
  if (area.city !== undefined && area.city !== null) {
    if (area.city !== true) throw badInput(`${path}.city`, 'must be true when given (leave it out for another area)');
    return { kind: 'city' };
  }
  if (area.bbox) {
    const b = area.bbox;
    if (b.length !== 4 || b.some((v) => !Number.isFinite(v))) throw badInput(`${path}.bbox`, 'must be four numbers [minLng, minLat, maxLng, maxLat]');
    const [minLng, minLat, maxLng, maxLat] = b;
    if (minLng < -180 || maxLng > 180 || minLat < -90 || maxLat > 90) throw badInput(`${path}.bbox`, 'longitudes must lie in -180..180 and latitudes in -90..90');
    if (minLng >= maxLng || minLat >= maxLat) throw badInput(`${path}.bbox`, 'min must be less than max on both axes');
    return { kind: 'bbox', bbox: [minLng, minLat, maxLng, maxLat] };
  }
  if (area.polygon) {
    const problem = geometryProblem(area.polygon, ['Polygon', 'MultiPolygon'], WORLD);
    if (problem) throw badInput(`${path}.polygon`, problem);
    return { kind: 'polygon', geometry: area.polygon };
  }
  const kind = area.districtId !== undefined && area.districtId !== null ? 'district' : 'precinct';
  const id = toId(kind === 'district' ? area.districtId : area.precinctId, `${path}.${kind}Id`);
  if (!(await areaExists(knex, id, kind))) throw badInput(`${path}.${kind}Id`, `no ${kind} has id "${id.slice(0, 40)}"`);
  return { kind: 'area', areaId: id, areaKind: kind };
}

export function toTimeWindow(window: TimeWindowInput | undefined | null, path: string): TimeWindow | null {
  if (!window) return null;
  const from = window.from ?? null;
  const to = window.to ?? null;
  if (from && Number.isNaN(from.getTime())) throw badInput(`${path}.from`, 'is not a date-time');
  if (to && Number.isNaN(to.getTime())) throw badInput(`${path}.to`, 'is not a date-time');
  if (from && to && to <= from) throw badInput(path, `ends (${to.toISOString()}) before it starts (${from.toISOString()})`);
  return { from, to };
}

export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

export function toPageRequest(args: PageArgs, config: Config): PageRequest {
  const first = args.first ?? config.defaultPageSize;
  if (!Number.isInteger(first) || first < 1 || first > config.maxPageSize) throw badInput('first', `must be from 1 to ${config.maxPageSize}`);
  let afterId: string | null = null;
  if (args.after) {
    const decoded = Buffer.from(args.after, 'base64url').toString();
    const match = /^id:(\d{1,18})$/.exec(decoded);
    if (!match) throw badInput('after', 'is not a cursor returned by this API');
    afterId = match[1];
  }
  return { first, afterId };
}

export function nonEmpty<T>(values: T[] | undefined | null, path: string): T[] | null {
  if (values === undefined || values === null) return null;
  if (values.length === 0) throw badInput(path, 'must not be empty (leave it out to mean all)');
  return values;
}

/** Factor names of a filter: none means all; each must be a name the layer can hold. */
export function toFactors(values: string[] | undefined | null, path: string): string[] | null {
  const factors = nonEmpty(values, path);
  const bad = factors?.find((f) => !RISK_FEATURE_FACTOR_PATTERN.test(f));
  if (bad !== undefined) throw badInput(path, `"${bad.slice(0, 60)}" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)`);
  return factors;
}
