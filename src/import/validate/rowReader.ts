/** Reads one raw row field by field (text, numbers, dates, choices, geometry), collecting every problem with its field. */
import { Geometry, Position, RISK_FEATURE_FACTOR_PATTERN } from '../../domain';
import { parseDateTime } from '../dates';
import { vocabularyValue } from '../vocabulary';
import type { FieldError, RawRow, Validation, ValidationContext } from './types';
import { geometryProblem } from './geometry';

const MAX_TEXT = 2000;

/** Per list of allowed values: text as written -> the value it names, or null for none. */
const choiceCache = new WeakMap<readonly string[], Map<string, string | null>>();
/**
 * Distinct spellings remembered per list: a file of a million distinct bad values stays bounded
 * (a remembered text may keep the piece of the file it was cut from alive, so few are kept).
 */
const MAX_CACHED_CHOICES = 256;

/**
 * The allowed value a text names (lower case, runs of blanks and hyphens as `_`), or null. A
 * million rows spell a category a handful of ways, so each spelling is worked out once.
 */
function normaliseChoice<T extends string>(text: string, allowed: readonly T[]): T | null {
  let cache = choiceCache.get(allowed);
  if (!cache) {
    cache = new Map();
    choiceCache.set(allowed, cache);
  }
  const cached = cache.get(text);
  if (cached !== undefined) return cached as T | null;
  const normalised = text.toLowerCase().replace(/[\s-]+/g, '_');
  // the built-in vocabulary (src/import/vocabulary.ts): Russian, Kazakh and common synonyms
  const value = (allowed as readonly string[]).includes(normalised) ? (normalised as T) : (vocabularyValue(text, allowed) as T | null);
  if (cache.size < MAX_CACHED_CHOICES) cache.set(text, value);
  return value;
}

export class RowReader {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly raw: RawRow,
    readonly ctx: ValidationContext,
  ) {}

  fail(field: string, reason: string): void {
    this.errors.push({ field, reason });
  }

  private value(field: string): unknown {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && v.trim() === '') return undefined;
    return v;
  }

  has(field: string): boolean {
    return this.value(field) !== undefined;
  }

  text(field: string, required: true): string;
  text(field: string, required: false): string | null;
  text(field: string, required: boolean): string | null {
    const v = this.value(field);
    if (v === undefined) {
      if (required) this.fail(field, 'is required');
      return required ? '' : null;
    }
    const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : null;
    if (s === null) {
      this.fail(field, 'must be text');
      return required ? '' : null;
    }
    if (s.length > MAX_TEXT) {
      this.fail(field, `must be at most ${MAX_TEXT} characters`);
      return required ? '' : null;
    }
    return s;
  }

  factor(): string {
    if (!this.has('factor') && this.ctx.defaultFactor !== undefined) {
      if (!RISK_FEATURE_FACTOR_PATTERN.test(this.ctx.defaultFactor))
        this.fail('factor', `"${this.ctx.defaultFactor.slice(0, 60)}" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)`);
      return this.ctx.defaultFactor;
    }
    const name = this.text('factor', true);
    if (name && !RISK_FEATURE_FACTOR_PATTERN.test(name)) this.fail('factor', `"${name.slice(0, 60)}" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)`);
    return name;
  }

  source(): string {
    if (!this.has('source') && this.ctx.defaultSource) return this.ctx.defaultSource;
    return this.text('source', true);
  }

  date(field: string, required: true): Date;
  date(field: string, required: false): Date | null;
  date(field: string, required: boolean): Date | null {
    const v = this.value(field);
    if (v === undefined) {
      if (required) this.fail(field, 'is required');
      return required ? new Date(NaN) : null;
    }
    let parsed: Date | null = null;
    if (v instanceof Date) parsed = Number.isNaN(v.getTime()) ? null : v;
    else if (typeof v === 'string') parsed = parseDateTime(v, this.ctx.timeZone);
    if (!parsed) {
      this.fail(field, `"${String(v).slice(0, 40)}" is not a date-time (use ISO 8601, e.g. 2026-03-01T21:30:00+05:00)`);
      return required ? new Date(NaN) : null;
    }
    const year = parsed.getUTCFullYear();
    if (year < 1990 || parsed.getTime() > Date.now() + 366 * 86400000) {
      this.fail(field, `${parsed.toISOString()} is outside the accepted range (1990 to one year from now)`);
    }
    return parsed;
  }

  number(field: string, required: boolean, min: number, max: number, integer = false): number | null {
    const v = this.value(field);
    if (v === undefined) {
      if (required) this.fail(field, 'is required');
      return null;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
    if (!Number.isFinite(n)) {
      this.fail(field, `"${String(v).slice(0, 40)}" is not a number`);
      return null;
    }
    if (integer && !Number.isInteger(n)) {
      this.fail(field, `must be a whole number, got ${n}`);
      return null;
    }
    if (n < min || n > max) {
      this.fail(field, `must be from ${min} to ${max}, got ${n}`);
      return null;
    }
    return n;
  }

  choice<T extends string>(field: string, allowed: readonly T[], required: true): T;
  choice<T extends string>(field: string, allowed: readonly T[], required: false): T | null;
  choice<T extends string>(field: string, allowed: readonly T[], required: boolean): T | null {
    const s = this.text(field, false);
    if (s === null) {
      if (required) this.fail(field, 'is required');
      return null;
    }
    const normalised = normaliseChoice(s, allowed);
    if (normalised === null) {
      this.fail(field, `unknown value "${s.slice(0, 40)}"; expected one of ${allowed.join(', ')}`);
      return null;
    }
    return normalised as T;
  }

  boolean(field: string): boolean | null {
    const v = this.value(field);
    if (v === undefined) return null;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (['true', 't', 'yes', 'y', '1'].includes(s)) return true;
    if (['false', 'f', 'no', 'n', '0'].includes(s)) return false;
    this.fail(field, `"${s.slice(0, 20)}" is not true or false`);
    return null;
  }

  /**
   * The geometry of a row: a GeoJSON `geometry` (object or JSON text), or else `lat` and `lng`.
   * Checked for type, shape, ring closure, bounds and self-intersection before it nears SQL.
   */
  geometry<T extends Geometry['type']>(allowed: readonly T[]): Extract<Geometry, { type: T }> | null {
    let geometry: unknown = this.value('geometry');
    if (geometry === undefined) {
      if (!allowed.includes('Point' as T)) {
        this.fail('geometry', `is required (a GeoJSON ${allowed.join(' or ')})`);
        return null;
      }
      const lat = this.number('lat', true, -90, 90);
      const lng = this.number('lng', true, -180, 180);
      if (lat === null || lng === null) return null;
      if (!this.inBounds([lng, lat])) {
        this.fail('lat', `point (${lat}, ${lng}) is outside the city bounds ${this.ctx.bounds.join(',')} (lng/lat)`);
        return null;
      }
      return { type: 'Point', coordinates: [lng, lat] } as Extract<Geometry, { type: T }>;
    }
    if (typeof geometry === 'string') {
      try {
        geometry = JSON.parse(geometry);
      } catch {
        this.fail('geometry', 'is not valid JSON');
        return null;
      }
    }
    const problem = geometryProblem(geometry, allowed, this.ctx.bounds);
    if (problem) {
      this.fail('geometry', problem);
      return null;
    }
    return geometry as Extract<Geometry, { type: T }>;
  }

  private inBounds([lng, lat]: Position): boolean {
    const [minLng, minLat, maxLng, maxLat] = this.ctx.bounds;
    return lng >= minLng && lng <= maxLng && lat >= minLat && lat <= maxLat;
  }

  result<T>(record: T): Validation<T> {
    return this.errors.length === 0 ? { ok: true, record } : { ok: false, errors: this.errors };
  }
}
