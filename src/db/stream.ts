/**
 * One query read through a server-side cursor (pg-cursor): rows arrive in batches as the reader
 * asks for them, so an export of a million rows holds about two batches in memory and waits
 * when its client reads slower (backpressure reaches PostgreSQL, which computes the next batch
 * only when asked). While the reader works on one batch the next is already being fetched, so
 * the database and the formatting overlap. The connection is held for the whole read and given
 * back when the reader stops, at the end or early (a client that went away): the cursor is
 * closed first.
 *
 * The cursor runs in a read-only transaction of its own with a statement timeout of
 * STREAM_TIMEOUT_MS: PostgreSQL times an extended-protocol query from its first fetch to its
 * last, so the connection's statement timeout (30 s, for one query) would cut a long export.
 */
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import Cursor from 'pg-cursor';

/** The longest one streamed read may take, its client's reading included (a million rows take about 20 s). */
export const STREAM_TIMEOUT_MS = 30 * 60_000;

/** Rows of `query` in batches of at most `batchSize`, through one cursor. */
export async function* streamRows(query: Knex.QueryBuilder, batchSize: number): AsyncGenerator<Record<string, unknown>[]> {
  const { sql, bindings } = query.toSQL().toNative();
  // the builder's own client (and pool): the one the rest of the request reads through
  const client = (query as unknown as { client: Knex.Client }).client;
  const connection = (await client.acquireConnection()) as PoolClient;
  let failed = false;
  let ahead: Promise<Record<string, unknown>[]> | null = null;
  let cursor: Cursor<Record<string, unknown>> | null = null;
  try {
    await connection.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${STREAM_TIMEOUT_MS}`);
    cursor = connection.query(new Cursor<Record<string, unknown>>(sql, bindings as unknown[]));
    const read = (): Promise<Record<string, unknown>[]> => {
      const rows = cursor!.read(batchSize);
      // a fetch ahead may fail while the reader is still busy with the batch before: handled when awaited
      rows.catch(() => undefined);
      return rows;
    };
    ahead = read();
    for (;;) {
      const rows: Record<string, unknown>[] = await ahead;
      if (rows.length === 0) break;
      // fetch the next batch while this one is formatted and written
      ahead = rows.length < batchSize ? null : read();
      yield rows;
      if (ahead === null) break;
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // a read still in flight when the reader stopped early settles before the cursor closes
    if (ahead) await ahead.catch(() => (failed = true));
    // a failed cursor has already ended its query (pg syncs on the error); an open one is closed
    if (cursor && !failed) await cursor.close().catch(() => (failed = true));
    await connection.query(failed ? 'ROLLBACK' : 'COMMIT').catch(() => undefined);
    await client.releaseConnection(connection);
  }
}
