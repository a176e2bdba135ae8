/**
 * The write of one batch of a file import through a staging table: `COPY` of the batch (text
 * built by src/db/copyText.ts, in worker threads for big CSV files) into a temporary table, then
 * the layer's one upsert statement (src/db/upsert.ts) reading from it. All of it is one
 * transaction, so a batch lands whole or not at all, with the same counts (inserted, updated,
 * unchanged) and the same stored values as the upsert of the parameters' arrays.
 *
 * The incidents' district and precinct (the rule of `area_of_point`, migrations
 * 20261203000011 and 20261203000030) are computed for the whole batch at once:
 * - a point in a square that one area wholly covers (`area_squares`) takes that area, by a hash
 *   join on the square's key;
 * - the other points (near a boundary, or outside every area) are copied to a second staging
 *   table with a GIST index, and each area (each once) finds the ones it covers there. PostGIS
 *   keeps the area's prepared polygon between consecutive calls instead of reading and preparing
 *   it for every point (which `area_of_point` per row does: about 60 µs a district);
 * - a point no area covers takes `area_of_point` itself (the nearest area within 50 m, else
 *   none), so the rule is the same function's.
 */
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Layer } from '../domain';
import { batchColumnTypes, UpsertCounts, upsertStatementFrom } from './upsert';

export const STAGE_TABLE = 'import_stage';
/** the staged incidents that some kind of area does not cover by a whole square */
const EDGE_TABLE = 'import_stage_edge';

/** The point of a staged incident, as the upsert stores it. */
const STAGED_POINT = 'ST_SetSRID(ST_MakePoint(lng, lat), 4326)';

const AREA_KINDS = ['district', 'precinct'] as const;

function stageDdl(layer: Layer): string {
  const columns = batchColumnTypes(layer).map((c) => `${c.name} ${c.pgType}`);
  columns.unshift('ord bigint GENERATED ALWAYS AS IDENTITY');
  if (layer === 'incidents') columns.push(`pt geometry GENERATED ALWAYS AS (${STAGED_POINT}) STORED`);
  return `CREATE TEMP TABLE ${STAGE_TABLE} (${columns.join(', ')}) ON COMMIT DROP`;
}

const squareOf = (kind: (typeof AREA_KINDS)[number], alias: string): string => `${alias}.kind = '${kind}' AND ${alias}.square = area_square_key(s.lng, s.lat)`;

/** Copies the staged incidents that lie in no whole square of some kind into EDGE_TABLE, indexed. */
const EDGE_DDL = `CREATE TEMP TABLE ${EDGE_TABLE} ON COMMIT DROP AS
    SELECT s.ord, s.pt FROM ${STAGE_TABLE} s
     WHERE ${AREA_KINDS.map((k) => `NOT EXISTS (SELECT 1 FROM area_squares q WHERE ${squareOf(k, 'q')})`).join(' OR ')};
  CREATE INDEX ON ${EDGE_TABLE} USING gist (pt)`;

/** For each edge point an area of `kind` covers: the covering area of lowest id. */
function coveringArea(kind: (typeof AREA_KINDS)[number]): string {
  // areas outside, points inside: each area's polygon is prepared once for all its points
  return `${kind}_of AS (
      SELECT p.ord, min(a.id) AS id
        FROM (SELECT id, geom FROM areas WHERE kind = '${kind}') a
        CROSS JOIN LATERAL (SELECT e.ord FROM ${EDGE_TABLE} e WHERE ST_Covers(a.geom, e.pt) OFFSET 0) p
       GROUP BY p.ord)`;
}

const statements = new Map<Layer, string>();

export function stagedUpsertStatement(layer: Layer): string {
  const cached = statements.get(layer);
  if (cached) return cached;
  let sql: string;
  if (layer === 'incidents') {
    const joins = AREA_KINDS.map((k) => `LEFT JOIN area_squares ${k}_square ON ${squareOf(k, `${k}_square`)} LEFT JOIN ${k}_of ON ${k}_of.ord = s.ord`).join(' ');
    sql = upsertStatementFrom(layer, {
      with: AREA_KINDS.map(coveringArea).join(',\n    '),
      from: `${STAGE_TABLE} s ${joins}`,
      // its whole square's area; else the covering area of lowest id; else the function's own answer (the nearest within 50 m, or none)
      derived: Object.fromEntries(AREA_KINDS.map((k) => [`${k}_id`, `coalesce(${k}_square.area_id, ${k}_of.id, area_of_point('${k}', s.pt))`])),
    });
  } else {
    sql = upsertStatementFrom(layer, { with: '', from: `${STAGE_TABLE} s` });
  }
  statements.set(layer, sql);
  return sql;
}

/** A batch ready for `COPY`: its lines in the layer's batch columns (src/db/copyText.ts). */
export interface StagedBatch {
  layer: Layer;
  rows: number;
  text: string;
}

/** Where a batch's time went, in milliseconds, added up over the process (for `IMPORT_PROFILE=1`). */
export const stagePhases = { copy: 0, areaIndex: 0, upsert: 0, commit: 0, batches: 0 };

async function query(client: PoolClient, sql: string): Promise<{ rows: Record<string, unknown>[] }> {
  return client.query(sql);
}

/**
 * Writes one batch in its own transaction: COPY into the staging table, then the upsert from it.
 * The commit does not wait for the WAL (`synchronous_commit = off`, this transaction only): a
 * crash of the server can lose only the last batches reported written, and the run's
 * import_runs row, never finished, shows the import must be run again (which completes it).
 * JIT is off for the transaction: the planner's estimates of the spatial join would have it
 * compile the statement, which costs more than running it.
 */
export async function writeStagedBatch(knex: Knex, batch: StagedBatch): Promise<UpsertCounts> {
  if (batch.rows === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const client = (await knex.client.acquireConnection()) as PoolClient;
  let broken: unknown = null;
  try {
    await query(client, 'BEGIN');
    try {
      await query(client, `SET LOCAL synchronous_commit = off; SET LOCAL jit = off; ${stageDdl(batch.layer)}`);
      const columns = batchColumnTypes(batch.layer).map((c) => c.name);
      let at = performance.now();
      const lap = (phase: 'copy' | 'areaIndex' | 'upsert' | 'commit'): void => {
        const now = performance.now();
        stagePhases[phase] += now - at;
        at = now;
      };
      await pipeline(Readable.from([batch.text]), client.query(copyFrom(`COPY ${STAGE_TABLE} (${columns.join(', ')}) FROM STDIN`)));
      lap('copy');
      if (batch.layer === 'incidents') await query(client, EDGE_DDL);
      lap('areaIndex');
      const { rows } = await query(client, stagedUpsertStatement(batch.layer));
      lap('upsert');
      await query(client, 'COMMIT');
      lap('commit');
      stagePhases.batches++;
      const { inserted, written } = rows[0] as { inserted: number; written: number };
      return { inserted, updated: written - inserted, unchanged: batch.rows - written };
    } catch (error) {
      await query(client, 'ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
      throw error;
    }
  } finally {
    // a connection whose transaction could not be ended is not given to anyone else (knex's mark)
    if (broken !== null) (client as unknown as { __knex__disposed?: unknown }).__knex__disposed = broken;
    await knex.client.releaseConnection(client);
  }
}
