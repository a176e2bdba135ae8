/**
 * Reads from PostgreSQL streaming replicas (DATABASE_READ_URLS), writes to the primary
 * (DATABASE_URL). docs/architecture.md, "Read replicas", says which paths read where.
 *
 * - Every request reads from one server only (`pick`, once per HTTP request): a replica in use,
 *   round robin, or the primary when none is. The layer versions that key the caches are read
 *   through that same handle, before the data or in the data's own snapshot, and a replica only
 *   moves forward, so what a cache holds is never older than the version it is keyed by.
 * - Read handles are read-only sessions, on the primary too: a write through one fails loudly
 *   whether replicas are configured or not.
 * - Every `checkIntervalMs` the primary's WAL position (`pg_current_wal_lsn()`) is sampled and each
 *   replica's replay position (`pg_last_wal_replay_lsn()`) compared with the samples: a replica
 *   holds every commit the primary had made at the newest sample it has replayed, so its lag is
 *   that sample's age (0 when it has replayed the newest). A replica that is unreachable, is not
 *   a standby, or lags more than `maxLagMs` is skipped until it is back, with a log line each time
 *   its state changes; with none in use, reads go to the primary.
 * - Read-your-writes within this process: after a mutation (`noteWrite`) reads go to the primary
 *   until a check sees a replica that has replayed it.
 */
import { Client } from 'pg';
import type { ReadReplicaConfig } from '../config';
import { connect, ReadDatabase, ReadKnex } from './connection';

export type ReplicaState = 'starting' | 'in use' | 'lagging' | 'down' | 'not a standby';

export interface ReplicaStatus {
  /** host:port/database of the URL (never its password) */
  name: string;
  state: ReplicaState;
  /** how far behind the primary at the last check, in ms (see replicaLagMs); null when unknown */
  lagMs: number | null;
  /** its replay position at the last check */
  replayLsn: string | null;
  /** why it is skipped */
  detail: string | null;
}

/** A WAL position ('16/B374D848') as one number. */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  if (lo === undefined) throw new Error(`not a WAL position: "${lsn}"`);
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export interface LsnSample {
  /** epoch ms when the primary was asked */
  at: number;
  lsn: bigint;
}

/**
 * Lag in ms of a replica that has replayed up to `replayed`, given the primary's positions
 * sampled oldest first: 0 when it has replayed the newest sample; else the age of the newest
 * sample it has replayed (it holds every commit the primary had made by then: an upper bound,
 * to within the sampling interval); when it has replayed none, the age of the oldest (a lower
 * bound, beyond any limit the samples are kept for). Null without samples.
 */
export function replicaLagMs(samples: readonly LsnSample[], replayed: bigint, now: number): number | null {
  if (samples.length === 0) return null;
  if (replayed >= samples[samples.length - 1].lsn) return 0;
  for (let i = samples.length - 2; i >= 0; i--) if (replayed >= samples[i].lsn) return Math.max(0, now - samples[i].at);
  return Math.max(0, now - samples[0].at);
}

/** host:port/database of a postgres URL, for log lines. */
export function serverName(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

interface Replica extends ReplicaStatus {
  url: string;
  /** replayLsn as a number (-1 while unknown) */
  replayed: bigint;
  db: ReadDatabase;
  /** one connection kept for the checks (the pool's would wait for a free slot) */
  checker: Client | null;
}

export interface ReadRouterOptions {
  statementTimeoutMs: number;
  poolMax?: number;
  log?: (line: string) => void;
}

export class ReadRouter {
  /** the primary in read-only sessions: the reads of a request when no replica is in use */
  readonly primaryReads: ReadDatabase;
  private readonly replicas: Replica[];
  private readonly samples: LsnSample[] = [];
  private readonly log: (line: string) => void;
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private primaryUnreadable = false;
  /** the primary's position after the last write through this process (noteWrite) */
  private writtenLsn = 0n;

  constructor(
    primaryUrl: string,
    private readonly config: ReadReplicaConfig,
    options: ReadRouterOptions,
  ) {
    this.log = options.log ?? ((line) => console.warn(line));
    const pool = { statementTimeoutMs: options.statementTimeoutMs, poolMax: options.poolMax, readOnly: true as const };
    this.primaryReads = connect(primaryUrl, pool);
    this.replicas = config.urls.map((url) => ({ url, name: serverName(url), db: connect(url, pool), checker: null, replayed: -1n, state: 'starting', lagMs: null, replayLsn: null, detail: null }));
  }

  /**
   * The read handle for one request: a replica in use (round robin) that has replayed this
   * process's last write, else the primary's read-only sessions.
   */
  pick(): ReadKnex {
    const usable = this.replicas.filter((r) => r.state === 'in use' && r.replayed >= this.writtenLsn);
    if (usable.length === 0) return this.primaryReads.knex;
    this.next = (this.next + 1) % usable.length;
    return usable[this.next].db.knex;
  }

  /** Which server a read handle from `pick` reads from: a replica's name, or 'primary'. */
  nameOf(knex: ReadKnex): string {
    return this.replicas.find((r) => r.db.knex === knex)?.name ?? 'primary';
  }

  /**
   * After a write through this process (a mutation): until a replica is seen to have replayed
   * the primary's current position, this process reads from the primary, so the next answer
   * shows the write. Writes of other processes (the CLI, other instances) are bounded by the lag limit only.
   */
  async noteWrite(): Promise<void> {
    if (this.replicas.length === 0) return;
    const { rows } = (await this.primaryReads.knex.raw('SELECT pg_current_wal_lsn()::text AS lsn')) as { rows: { lsn: string }[] };
    const lsn = lsnValue(rows[0].lsn);
    if (lsn > this.writtenLsn) this.writtenLsn = lsn;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map(({ name, state, lagMs, replayLsn, detail }) => ({ name, state, lagMs, replayLsn, detail }));
  }

  /** Checks the replicas once now and then every checkIntervalMs until `stop`. */
  async start(): Promise<void> {
    if (this.replicas.length === 0) return;
    await this.check();
    this.timer = setInterval(() => void this.check(), this.config.checkIntervalMs);
    this.timer.unref();
  }

  /** One round of checks (a round already running is joined, not doubled). */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
    await Promise.all(this.replicas.map((r) => r.checker?.end().catch(() => undefined)));
    await Promise.all([this.primaryReads.knex.destroy(), ...this.replicas.map((r) => r.db.knex.destroy())]);
  }

  private async checkAll(): Promise<void> {
    if (this.replicas.length === 0) return;
    const at = Date.now();
    try {
      const { rows } = (await this.primaryReads.knex.raw('SELECT pg_current_wal_lsn()::text AS lsn')) as { rows: { lsn: string }[] };
      this.samples.push({ at, lsn: lsnValue(rows[0].lsn) });
      this.primaryUnreadable = false;
    } catch (error) {
      // without the primary's position no lag can be known: states stay as they were
      if (!this.primaryUnreadable) this.log(`read replicas: cannot read the primary's WAL position (${(error as Error).message}); replica states kept`);
      this.primaryUnreadable = true;
      return;
    }
    const keepMs = this.config.maxLagMs + 2 * this.config.checkIntervalMs;
    while (this.samples.length > 2 && this.samples[1].at < at - keepMs) this.samples.shift();
    const before = this.replicas.some((r) => r.state === 'in use');
    await Promise.all(this.replicas.map((r) => this.checkReplica(r)));
    const after = this.replicas.some((r) => r.state === 'in use');
    if (before && !after) this.log('read replicas: none in use, reads go to the primary');
  }

  private async checkReplica(r: Replica): Promise<void> {
    try {
      if (!r.checker) {
        // generous: the timer also runs out when this process's event loop is busy, which says nothing about the replica
        const timeout = Math.max(3000, 2 * this.config.checkIntervalMs);
        const client = new Client({ connectionString: r.url, connectionTimeoutMillis: timeout, query_timeout: timeout });
        client.on('error', () => undefined); // a dropped connection fails the next check, which reconnects
        r.checker = client;
        await client.connect();
      }
      const { rows } = await r.checker.query<{ standby: boolean; lsn: string | null }>('SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS lsn');
      const { standby, lsn } = rows[0];
      r.replayLsn = lsn;
      r.replayed = lsn === null ? -1n : lsnValue(lsn);
      if (!standby || lsn === null) return this.moveTo(r, 'not a standby', null, 'pg_is_in_recovery() is false: it is no streaming replica (promoted, or the wrong URL)');
      const lag = replicaLagMs(this.samples, lsnValue(lsn), Date.now());
      if (lag !== null && lag > this.config.maxLagMs) return this.moveTo(r, 'lagging', lag, `${lag} ms behind the primary (limit ${this.config.maxLagMs} ms)`);
      this.moveTo(r, 'in use', lag, null);
    } catch (error) {
      const client = r.checker;
      r.checker = null;
      client?.end().catch(() => undefined);
      this.moveTo(r, 'down', null, `unreachable: ${(error as Error).message}`);
    }
  }

  private moveTo(r: Replica, state: ReplicaState, lagMs: number | null, detail: string | null): void {
    const changed = r.state !== state;
    r.state = state;
    r.lagMs = lagMs;
    r.detail = detail;
    if (!changed) return;
    if (state === 'in use') this.log(`read replica ${r.name}: in use (${lagMs ?? '?'} ms behind the primary)`);
    else this.log(`read replica ${r.name}: skipped, ${detail}; its reads go to the other replicas or the primary`);
  }
}
