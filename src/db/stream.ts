/**
 * One query read through a server-side cursor (pg-cursor): rows arrive in batches as the reader
 * asks for them, so an export of a million rows holds about two batches in memory and waits
 * when its client reads slower (backpressure reaches PostgreSQL, which computes the next batch
 * only when asked). While the reader works on one batch the next is already being fetched, so
 * the database and the formatting overlap. The connection is held for the whole read and given
 * back when the reader stops, at the end or early (a client that went away): the cursor is
 * closed first.
 */
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import Cursor from 'pg-cursor';

/** Rows of `query` in batches of at most `batchSize`, through one cursor. */
export async function* streamRows(query: Knex.QueryBuilder, batchSize: number): AsyncGenerator<Record<string, unknown>[]> {
  const { sql, bindings } = query.toSQL().toNative();
  // the builder's own client (and pool): the one the rest of the request reads through
  const client = (query as unknown as { client: Knex.Client }).client;
  const connection = (await client.acquireConnection()) as PoolClient;
  const cursor = connection.query(new Cursor<Record<string, unknown>>(sql, bindings as unknown[]));
  let failed = false;
  let ahead: Promise<Record<string, unknown>[]> | null = null;
  try {
    ahead = cursor.read(batchSize);
    for (;;) {
      const rows: Record<string, unknown>[] = await ahead;
      if (rows.length === 0) break;
      // fetch the next batch while this one is formatted and written
      ahead = rows.length < batchSize ? null : cursor.read(batchSize);
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
    if (!failed) await cursor.close();
    await client.releaseConnection(connection);
  }
}
