/** A raw row, the problems found in it, the outcome of validating it, and what validation needs to know. */
import { BBox } from '../../domain';

export type RawRow = Record<string, unknown>;

export interface FieldError {
  field: string;
  reason: string;
}

export type Validation<T> = { ok: true; record: T } | { ok: false; errors: FieldError[] };

export interface ValidationContext {
  bounds: BBox;
  timeZone: string;
  /** used when a row has no `source` of its own */
  defaultSource?: string;
  /** risk_features: used when a row names no `factor` of its own (one file, one factor layer) */
  defaultFactor?: string;
  /** risk_features: used when a row has no `label` of its own */
  defaultLabel?: string;
}
