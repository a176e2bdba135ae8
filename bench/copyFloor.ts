/**
 * The import's floor: a bare `COPY` of the rows the import stored into a copy of the incidents
 * table with the same indexes (primary key, unique (source, external_id), GIST on the point, the
 * time b-tree), timed in the same run. The rows are written out first (`COPY … TO`, a file under
 * .bench), so only the `COPY … FROM` is timed: PostgreSQL's work of writing the rows, nothing of
 * reading, validating or computing them.
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

export interface CopyFloor {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const FLOOR_TABLE = 'bench_copy_floor';

export async function timeCopyFloor(knex: Knex, file: string): Promise<CopyFloor> {
  const client = (await knex.client.acquireConnection()) as PoolClient;
  try {
    await client.query('SET statement_timeout = 0');
    await client.query(`DROP TABLE IF EXISTS ${FLOOR_TABLE}`);
    // same columns, defaults, constraints and indexes; no triggers
    await client.query(`CREATE TABLE ${FLOOR_TABLE} (LIKE incidents INCLUDING ALL)`);
    await pipeline(client.query(copyTo('COPY incidents TO STDOUT')), createWriteStream(file));
    const started = performance.now();
    await pipeline(createReadStream(file), client.query(copyFrom(`COPY ${FLOOR_TABLE} FROM STDIN`)));
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${FLOOR_TABLE}`);
    const n = (rows[0] as { n: number }).n;
    return { rows: n, seconds: Math.round(seconds * 100) / 100, rowsPerSecond: Math.round(n / seconds) };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${FLOOR_TABLE}`).catch(() => undefined);
    await knex.client.releaseConnection(client);
    await fs.rm(file, { force: true });
  }
}

/** The import's time over the floor's: how many bare COPYs of the same rows the import takes. */
export function copyFloorLine(importSeconds: number, floor: CopyFloor): string {
  const ratio = importSeconds / floor.seconds;
  return `import floor: bare COPY of the ${floor.rows} stored rows into a copy of the indexed table ${floor.seconds} s = ${floor.rowsPerSecond} rows/s; import / floor = ${ratio.toFixed(2)} x (target <= 1.5)`;
}
