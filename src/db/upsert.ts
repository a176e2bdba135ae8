/**
 * Batched idempotent writes of validated records. One statement per batch: the values travel as
 * one array per column through `unnest`, so a batch of thousands of rows is a single round trip,
 * and `ON CONFLICT (source, external_id)` makes a re-import a no-op. A row is only rewritten when
 * something in it changed, which is how the summary tells inserted, updated and unchanged apart.
 */
import type { Knex } from 'knex';
import { AreaRecord, Geometry, IncidentRecord, Layer, LayerRecordMap, LightingOutageRecord, PopulationRecord, PostRecord, RiskFeatureRecord, RoadDefectRecord, StreetRecord, YouthFacilityRecord } from '../domain';
import { CELL_RESOLUTIONS, cellResolution, cellToBigint, cellCentre, pointCellBigint } from '../geo/h3';
import { cellColumn } from './cells';
import { representativePosition } from '../geo/geometry';
import { isNight } from '../geo/sun';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface ColumnSpec<R> {
  name: string;
  /** element type of the array parameter */
  pgType: 'text' | 'timestamptz' | 'boolean' | 'int' | 'float8' | 'bigint';
  value: (record: R, fineResolution: number) => string | number | boolean | Date | null;
  /** SQL for the stored value from the unnested column `s.<name>`; defaults to the column itself */
  expression?: string;
  /** the stored column name, when it differs */
  target?: string;
}

interface LayerSpec<R> {
  table: string;
  columns: ColumnSpec<R>[];
  /** stored columns computed in SQL from the others (no parameter of their own) */
  derived?: { target: string; expression: string }[];
}

/**
 * A timestamptz column travels as epoch milliseconds (a JavaScript Date's whole precision) and
 * becomes the instant in SQL by exact integer arithmetic: formatting an ISO text per value in
 * node and parsing it back in PostgreSQL cost more than anything else about the column.
 */
function instant<R>(name: string, get: (record: R) => Date | null): ColumnSpec<R> {
  return {
    name,
    pgType: 'bigint',
    value: (r) => {
      const at = get(r);
      return at === null ? null : at.getTime();
    },
    expression: `timestamptz 'epoch' + s.${name} * interval '1 millisecond'`,
  };
}

const source: ColumnSpec<{ source: string }> = { name: 'source', pgType: 'text', value: (r) => r.source };
const externalId: ColumnSpec<{ externalId: string }> = { name: 'external_id', pgType: 'text', value: (r) => r.externalId };
const geoJson: ColumnSpec<{ geometry: Geometry }> = {
  name: 'geom',
  pgType: 'text',
  value: (r) => JSON.stringify(r.geometry),
  expression: 'ST_SetSRID(ST_GeomFromGeoJSON(s.geom), 4326)',
};
const fineCell: ColumnSpec<{ geometry: Geometry }> = {
  name: 'h3',
  pgType: 'bigint',
  value: (r, res) => pointCellBigint(representativePosition(r.geometry), res),
};
/** the point's own cell at each resolution the API counts at (src/db/cells.ts) */
const ownCells: ColumnSpec<{ geometry: Geometry }>[] = CELL_RESOLUTIONS.map((resolution) => ({
  name: cellColumn(resolution),
  pgType: 'bigint',
  value: (r) => pointCellBigint(representativePosition(r.geometry), resolution),
}));
const incidentPoint = 'ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326)';

const incidentSpec: LayerSpec<IncidentRecord> = {
  table: 'incidents',
  columns: [
    source,
    externalId,
    instant('occurred_at', (r) => r.occurredAt),
    { name: 'category', pgType: 'text', value: (r) => r.category },
    { name: 'outdoor', pgType: 'boolean', value: (r) => r.outdoor },
    { name: 'description', pgType: 'text', value: (r) => r.description },
    { name: 'time_precision', pgType: 'text', value: (r) => r.timePrecision ?? 'exact' },
    { name: 'night', pgType: 'boolean', value: (r) => ((r.timePrecision ?? 'exact') === 'exact' ? isNight(r.geometry.coordinates, r.occurredAt) : null) },
    // points go as two numbers rather than GeoJSON text: cheaper to build for a million rows
    { name: 'lng', pgType: 'float8', value: (r) => r.geometry.coordinates[0], target: 'geom', expression: 'ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326)' },
    { name: 'lat', pgType: 'float8', value: (r) => r.geometry.coordinates[1], target: '' },
    fineCell,
    ...ownCells,
  ],
  // the one membership rule (migrations/20261203000011_exact_cells.ts), applied to the point itself
  derived: [
    { target: 'district_id', expression: `area_of_point('district', ${incidentPoint})` },
    { target: 'precinct_id', expression: `area_of_point('precinct', ${incidentPoint})` },
  ],
};

const outageSpec: LayerSpec<LightingOutageRecord> = {
  table: 'lighting_outages',
  columns: [source, externalId, instant('reported_at', (r) => r.reportedAt), instant('fixed_at', (r) => r.fixedAt), { name: 'street', pgType: 'text', value: (r) => r.street }, geoJson, fineCell, ...ownCells],
};

const defectSpec: LayerSpec<RoadDefectRecord> = {
  table: 'road_defects',
  columns: [
    source,
    externalId,
    { name: 'kind', pgType: 'text', value: (r) => r.kind },
    instant('reported_at', (r) => r.reportedAt),
    instant('fixed_at', (r) => r.fixedAt),
    { name: 'street', pgType: 'text', value: (r) => r.street },
    geoJson,
    fineCell,
    ...ownCells,
  ],
};

const facilitySpec: LayerSpec<YouthFacilityRecord> = {
  table: 'youth_facilities',
  columns: [source, externalId, { name: 'kind', pgType: 'text', value: (r) => r.kind }, { name: 'name', pgType: 'text', value: (r) => r.name }, instant('opened_at', (r) => r.openedAt), geoJson, fineCell, ...ownCells],
};

const populationSpec: LayerSpec<PopulationRecord> = {
  table: 'population',
  columns: [
    source,
    externalId,
    { name: 'h3', pgType: 'bigint', value: (r) => cellToBigint(r.h3).toString() },
    { name: 'resolution', pgType: 'int', value: (r) => cellResolution(r.h3) },
    { name: 'residents', pgType: 'int', value: (r) => r.residents },
    { name: 'young_residents', pgType: 'int', value: (r) => r.youngResidents },
    { name: 'lng', pgType: 'float8', value: (r) => cellCentre(r.h3)[0], target: 'geom', expression: 'ST_SetSRID(ST_MakePoint(s.lng, s.lat), 4326)' },
    { name: 'lat', pgType: 'float8', value: (r) => cellCentre(r.h3)[1], target: '' },
  ],
};

const postSpec: LayerSpec<PostRecord> = {
  table: 'posts',
  columns: [
    source,
    externalId,
    { name: 'kind', pgType: 'text', value: (r) => r.kind },
    { name: 'name', pgType: 'text', value: (r) => r.name },
    { name: 'walking_radius_m', pgType: 'int', value: (r) => Math.round(r.walkingRadiusM) },
    instant('opened_at', (r) => r.openedAt),
    geoJson,
    fineCell,
    ...ownCells,
  ],
};

const areaSpec: LayerSpec<AreaRecord> = {
  table: 'areas',
  columns: [
    source,
    externalId,
    { name: 'kind', pgType: 'text', value: (r) => r.kind },
    { name: 'name', pgType: 'text', value: (r) => r.name },
    { name: 'name_ru', pgType: 'text', value: (r) => r.nameRu },
    { name: 'name_kk', pgType: 'text', value: (r) => r.nameKk },
    { name: 'attribution', pgType: 'text', value: (r) => r.attribution },
    {
      name: 'parent_external_id',
      pgType: 'text',
      value: (r) => r.parentExternalId,
      target: 'parent_id',
      expression: "(SELECT p.id FROM areas p WHERE p.source = s.source AND p.external_id = s.parent_external_id AND p.kind = 'district')",
    },
    { ...(geoJson as ColumnSpec<AreaRecord>), expression: 'ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(s.geom), 4326))' },
  ],
};

const streetSpec: LayerSpec<StreetRecord> = {
  table: 'streets',
  columns: [
    source,
    externalId,
    { name: 'name', pgType: 'text', value: (r) => r.name },
    { name: 'highway', pgType: 'text', value: (r) => r.highway },
    { name: 'walkable', pgType: 'boolean', value: (r) => r.walkable },
    geoJson,
  ],
};

const riskFeatureSpec: LayerSpec<RiskFeatureRecord> = {
  table: 'risk_features',
  columns: [
    source,
    externalId,
    { name: 'factor', pgType: 'text', value: (r) => r.factor },
    { name: 'label', pgType: 'text', value: (r) => r.label },
    instant('opened_at', (r) => r.openedAt),
    instant('closed_at', (r) => r.closedAt),
    geoJson,
    fineCell,
    ...ownCells,
  ],
};

const specs: { [L in Layer]: LayerSpec<LayerRecordMap[L]> } = {
  incidents: incidentSpec,
  lighting_outages: outageSpec,
  road_defects: defectSpec,
  youth_facilities: facilitySpec,
  population: populationSpec,
  posts: postSpec,
  areas: areaSpec,
  streets: streetSpec,
  risk_features: riskFeatureSpec,
};

export function layerTable(layer: Layer): string {
  return specs[layer].table;
}

export type ColumnValue = string | number | boolean | Date | null;

function elementLiteral(value: ColumnValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  // quoted unless plainly safe: empty, NULL, braces, commas, quotes, backslashes and spaces need it
  if (value !== '' && /^[A-Za-z0-9_.:+-]+$/.test(value) && value.toUpperCase() !== 'NULL') return value;
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** A PostgreSQL array literal (`{a,"b c",NULL}`) of one column's values, cast in SQL to its element type. */
export function arrayLiteral(values: ColumnValue[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += elementLiteral(values[i]);
  }
  return out + '}';
}

/**
 * `arrayLiteral` of a column of records, written straight from the records: no array of values
 * in between, and a text value seen before in the batch (a source, a category) reuses its literal.
 */
function columnLiteral<R>(column: ColumnSpec<R>, records: readonly R[], fineResolution: number): string {
  const seen = column.pgType === 'text' ? new Map<string, string>() : null;
  let out = '{';
  for (let i = 0; i < records.length; i++) {
    if (i > 0) out += ',';
    const value = column.value(records[i], fineResolution);
    if (seen !== null && typeof value === 'string') {
      let literal = seen.get(value);
      if (literal === undefined) {
        literal = elementLiteral(value);
        // ids are distinct: remembering them would only cost
        if (seen.size < 64) seen.set(value, literal);
      }
      out += literal;
    } else {
      out += elementLiteral(value);
    }
  }
  return out + '}';
}

const statementCache = new Map<Layer, string>();

/** Where the statement reads its rows from, `s`: the unnested parameters, or a staging table (src/db/stage.ts). */
export interface UpsertSource {
  /** `WITH` items computed before the insert (no `WITH` keyword), or '' */
  with: string;
  /** the FROM clause, whose rows are `s` */
  from: string;
  /** SQL of the derived columns (by target) that differ from the layer's own */
  derived?: Record<string, string>;
}

/**
 * `INSERT … SELECT … FROM <source> ON CONFLICT (source, external_id) DO UPDATE … WHERE … IS
 * DISTINCT FROM …`, answering one row: how many rows were inserted and how many written.
 */
export function upsertStatementFrom(layer: Layer, from: UpsertSource): string {
  const spec = specs[layer] as LayerSpec<LayerRecordMap[Layer]>;
  const stored = spec.columns.filter((c) => c.target !== '');
  const derived = spec.derived ?? [];
  const targets = [...stored.map((c) => c.target ?? c.name), ...derived.map((d) => d.target)];
  const expressions = [...stored.map((c) => c.expression ?? `s.${c.name}`), ...derived.map((d) => from.derived?.[d.target] ?? d.expression)];
  const changing = targets.filter((t) => t !== 'source' && t !== 'external_id');
  const sql = `
    INSERT INTO ${spec.table} AS t (${targets.join(', ')})
    SELECT ${expressions.join(', ')} FROM ${from.from}
    ON CONFLICT (source, external_id) DO UPDATE SET
      ${changing.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
    WHERE (${changing.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${changing.map((c) => `EXCLUDED.${c}`).join(', ')})
    RETURNING (xmax = 0) AS inserted`;
  // counted in the database: one row back per batch, not one per written row
  const withs = from.with ? `${from.with},\n    ` : '';
  return `WITH ${withs}written AS (${sql}\n    )\n    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*)::int AS written FROM written`;
}

function upsertStatement<L extends Layer>(layer: L): string {
  const cached = statementCache.get(layer);
  if (cached) return cached;
  const spec = specs[layer] as LayerSpec<LayerRecordMap[L]>;
  const unnestArgs = spec.columns.map((c) => `?::${c.pgType}[]`).join(', ');
  const aliases = spec.columns.map((c) => c.name).join(', ');
  const counted = upsertStatementFrom(layer, { with: '', from: `unnest(${unnestArgs}) AS s(${aliases})` });
  statementCache.set(layer, counted);
  return counted;
}

/** The columns a batch of the layer carries (name and SQL type), in order: the staging table's (src/db/stage.ts). */
export function batchColumnTypes(layer: Layer): { name: string; pgType: string }[] {
  return specs[layer].columns.map((c) => ({ name: c.name, pgType: c.pgType }));
}

/** Each column's value of a record, in the order of `batchColumnTypes`. */
export function recordValues<L extends Layer>(layer: L): ((record: LayerRecordMap[L], fineResolution: number) => ColumnValue)[] {
  return (specs[layer] as LayerSpec<LayerRecordMap[L]>).columns.map((c) => c.value);
}

/** One batch as the upsert statement's parameters: an array literal per column. */
export interface BatchColumns {
  layer: Layer;
  rows: number;
  columns: string[];
}

/**
 * Builds a batch's parameters. Kept apart from the write so that an import can build the next
 * batch while the database is still writing the previous one.
 */
export function batchColumns<L extends Layer>(layer: L, records: LayerRecordMap[L][], fineResolution: number): BatchColumns {
  const spec = specs[layer] as LayerSpec<LayerRecordMap[L]>;
  // each column goes as one array literal built here: node-postgres would otherwise escape and
  // format every element through its generic path, which costs more than the rest of the import
  const columns = spec.columns.map((c) => columnLiteral(c, records, fineResolution));
  return { layer, rows: records.length, columns };
}

/** Writes a batch built by `batchColumns` in the caller's transaction (or its own). */
export async function upsertColumns(db: Knex | Knex.Transaction, batch: BatchColumns): Promise<UpsertCounts> {
  if (batch.rows === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const result = await db.raw(upsertStatement(batch.layer), batch.columns);
  const { inserted, written } = result.rows[0] as { inserted: number; written: number };
  return { inserted, updated: written - inserted, unchanged: batch.rows - written };
}

/**
 * Writes one batch in the caller's transaction (or its own). Records must have distinct
 * (source, external_id): PostgreSQL refuses to upsert one key twice in a statement.
 */
export async function upsertBatch<L extends Layer>(db: Knex | Knex.Transaction, layer: L, records: LayerRecordMap[L][], fineResolution: number): Promise<UpsertCounts> {
  if (records.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  return upsertColumns(db, batchColumns(layer, records, fineResolution));
}

/**
 * Large imports into a point layer write faster without its GIST index, which costs more per
 * row than the rest of the insert; rebuilt at the end, PostgreSQL builds it by sorting, in
 * seconds per million points. Reads stay correct meanwhile (area-filtered lists are slower).
 */
export async function storedRowEstimate(knex: Knex, layer: Layer): Promise<number> {
  const { rows } = await knex.raw('SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass(?)', [specs[layer].table]);
  return rows.length > 0 ? Number((rows[0] as { n: number }).n) : 0;
}

/**
 * The indexes a bulk import goes without, as `name ON table USING ...`: every layer's GIST index,
 * and the incidents' time index, whose entries arrive in random order (a random b-tree page per
 * row, a third of PostgreSQL's time per row); both are built much faster by sorting at the end.
 * The unique (source, external_id) index stays: the upsert needs it.
 */
function bulkIndexes(layer: Layer): string[] {
  const table = specs[layer].table;
  const indexes = [`${table}_geom_gist ON ${table} USING gist (geom)`];
  if (layer === 'incidents') indexes.push('incidents_occurred_at_idx ON incidents USING btree (occurred_at)');
  return indexes;
}

export async function dropBulkIndexes(knex: Knex, layer: Layer): Promise<void> {
  for (const index of bulkIndexes(layer)) await knex.raw(`DROP INDEX IF EXISTS ${index.split(' ')[0]}`);
}

/**
 * Builds the layer's bulk-import indexes that are missing (after a bulk import, or one that
 * crashed). Each on its own connection: PostgreSQL builds indexes of one table side by side,
 * so on two cores the time index costs no extra wall time next to the GIST index.
 */
export async function ensureBulkIndexes(knex: Knex, layer: Layer): Promise<void> {
  await Promise.all(bulkIndexes(layer).map((index) => knex.raw(`CREATE INDEX IF NOT EXISTS ${index}`)));
}
