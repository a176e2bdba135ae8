import knexFactory, { Knex } from 'knex';
import knexPostgis, { KnexPostgis } from 'knex-postgis';
import path from 'node:path';
import { types } from 'pg';

// numeric (oid 1700) arrives as text; our numerics are measures, never money, so float is right.
types.setTypeParser(1700, (value: string) => Number(value));
// bigint (oid 20) stays a string: H3 cells use all 63 bits and must not pass through a float.

export interface Database {
  knex: Knex;
  st: KnexPostgis;
}

declare const readOnlySessions: unique symbol;

/**
 * A pool for reads only: a streaming replica, or the primary in read-only sessions
 * (`default_transaction_read_only`), so a write through it fails the same way with or without
 * replicas, in every test. Any `Knex` parameter accepts it; only `connect(..., { readOnly: true })`
 * makes one. See src/db/replicas.ts.
 */
export type ReadKnex = Knex & { readonly [readOnlySessions]: true };

export interface ConnectOptions {
  /** Cancels any statement that runs longer, so one bad query cannot hold a connection. */
  statementTimeoutMs?: number;
  poolMax?: number;
  /** Read-only sessions (for read pools); also fails sooner when the server is unreachable. */
  readOnly?: boolean;
}

export interface ReadDatabase {
  knex: ReadKnex;
  st: KnexPostgis;
}

export function connect(databaseUrl: string, options: ConnectOptions & { readOnly: true }): ReadDatabase;
export function connect(databaseUrl: string, options?: ConnectOptions): Database;
export function connect(databaseUrl: string, options: ConnectOptions = {}): Database {
  const statementTimeoutMs = options.statementTimeoutMs ?? 30000;
  const session = `SET statement_timeout = ${Math.floor(statementTimeoutMs)}; SET TIME ZONE 'UTC'${options.readOnly ? '; SET default_transaction_read_only = on' : ''}`;
  const knex = knexFactory({
    client: 'pg',
    connection: options.readOnly ? { connectionString: databaseUrl, connectionTimeoutMillis: 5000 } : databaseUrl,
    ...(options.readOnly ? { acquireConnectionTimeout: 10_000 } : {}),
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      afterCreate(conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        conn.query(session, (err) => done(err, conn));
      },
    },
    migrations: migrationConfig(),
  });
  return { knex, st: knexPostgis(knex) };
}

export function migrationConfig(): Knex.MigratorConfig {
  // Compiled migrations live beside the compiled sources: dist/migrations.
  return {
    directory: path.resolve(__dirname, '..', '..', 'migrations'),
    loadExtensions: ['.js'],
    tableName: 'knex_migrations',
  };
}

/** Runs `work` on the server's `postgres` database with the target database's (checked) name. */
async function withAdmin<T>(databaseUrl: string, work: (admin: Knex, name: string) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits and underscores`);
  url.pathname = '/postgres';
  const admin = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 1 } });
  try {
    return await work(admin, name);
  } finally {
    await admin.destroy();
  }
}

/** Creates the database named in the URL when it does not exist; true when it did not. */
export function ensureDatabase(databaseUrl: string): Promise<boolean> {
  return withAdmin(databaseUrl, async (admin, name) => {
    const found = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    if (found.rows.length > 0) return false;
    await admin.raw(`CREATE DATABASE "${name}"`);
    return true;
  });
}

export function dropDatabase(databaseUrl: string): Promise<void> {
  return withAdmin(databaseUrl, async (admin, name) => {
    await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

export async function migrateLatest(db: Database): Promise<string[]> {
  const [, applied] = (await db.knex.migrate.latest()) as [number, string[]];
  return applied;
}
