/**
 * Reads from a real streaming replica, writes to the primary: a throwaway primary (initdb) and a
 * replica of it (pg_basebackup -R) on this machine, the server pointed at both
 * (DATABASE_URL, DATABASE_READ_URLS). An import through the API lands on the primary, and the
 * answer changes through the replica once it has replayed the import, not before: its
 * replay is paused to show that the answer really comes from the replica and that the cached
 * incident columns follow the replica's version, not the primary's. A replica beyond the lag
 * limit, and one that is down, is skipped (reads go to the primary) with a log line.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { clusterUnavailable, LocalCluster, LocalServer } from '../support/postgresCluster';
import { startTestServer, TEST_ANALYST, TestServer } from '../support/server';

const unavailable = clusterUnavailable();
if (unavailable) console.warn(`replica test skipped: ${unavailable}`);
const describeIfPostgres = unavailable ? describe.skip : describe;

const BOX = [76.85, 43.2, 77.0, 43.3];
const HOTSPOTS = `query ($box: [Float!]!) { hotspots(area: { bbox: $box }, resolution: 8) { studyArea { incidentCount } } }`;
const IMPORT = `mutation ($records: [IncidentInput!]!) { importIncidents(records: $records) { inserted rejected } }`;

function incidents(prefix: string, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    externalId: `${prefix}-${i}`,
    source: 'replica_test',
    occurredAt: '2025-03-14T21:30:00+05:00',
    category: 'THEFT',
    lat: 43.22 + (i % 10) * 0.005,
    lng: 76.88 + Math.floor(i / 10) * 0.005,
  }));
}

let cluster: LocalCluster;
let primary: LocalServer;
let replica: LocalServer;
let primaryKnex: Knex;
let replicaKnex: Knex;
const DB = 'hotspots_replica';

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

/** Waits until the replica has replayed everything the primary has written so far; returns the ms waited. */
async function waitForReplay(): Promise<number> {
  const { rows } = await primaryKnex.raw('SELECT pg_current_wal_lsn()::text AS lsn');
  const target = rows[0].lsn as string;
  return waitUntil(`the replica replays ${target}`, async () => {
    const { rows: r } = await replicaKnex.raw('SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn AS done', [target]);
    return r[0].done === true;
  });
}

async function incidentCount(t: TestServer): Promise<number> {
  const answer = await t.gql<{ hotspots: { studyArea: { incidentCount: number } } }>(HOTSPOTS, { box: BOX });
  expect(answer.errors).toBeUndefined();
  return answer.data!.hotspots.studyArea.incidentCount;
}

async function importThrough(t: TestServer, prefix: string, n: number): Promise<void> {
  const answer = await t.gql<{ importIncidents: { inserted: number; rejected: number } }>(IMPORT, { records: incidents(prefix, n) });
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.importIncidents).toEqual({ inserted: n, rejected: 0 });
}

/**
 * `hotspots import incidents <csv>` against the primary, as an operator runs it. Asynchronous: the
 * server under test shares this process, and its replica checks must keep running meanwhile (a
 * blocked event loop would time its check out and mark the replica down).
 */
async function cliImport(prefix: string, n: number): Promise<void> {
  const file = path.join(cluster.root, `${prefix}.csv`);
  const rows = incidents(prefix, n).map((r) => [r.externalId, r.source, r.occurredAt, 'theft', r.lat, r.lng].join(','));
  writeFileSync(file, ['external_id,source,occurred_at,category,lat,lng', ...rows].join('\n') + '\n');
  const cli = path.resolve(__dirname, '../../dist/src/cli/main.js');
  await promisify(execFile)(process.execPath, [cli, 'import', 'incidents', file, '--rejects', `${file}.rejects`], { env: { ...process.env, DATABASE_URL: primary.url(DB) } });
}

const storedOnPrimary = async () => Number(((await primaryKnex('incidents').count('* as n')) as { n: string }[])[0].n);

describeIfPostgres('a streaming replica serves the reads', () => {
  const timings: Record<string, number> = {};
  let t: TestServer;
  let log: jest.SpyInstance;

  beforeAll(async () => {
    let started = Date.now();
    cluster = LocalCluster.create();
    primary = await cluster.startPrimary();
    const admin = knexFactory({ client: 'pg', connection: primary.url('postgres'), pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE DATABASE ${DB}`);
    await admin.destroy();
    execFileSync(process.execPath, [path.resolve(__dirname, '../../dist/src/cli/main.js'), 'migrate'], { env: { ...process.env, DATABASE_URL: primary.url(DB) }, stdio: 'pipe' });
    timings.primaryMs = Date.now() - started;
    started = Date.now();
    replica = await cluster.startReplica(primary);
    timings.replicaMs = Date.now() - started;
    primaryKnex = knexFactory({ client: 'pg', connection: primary.url(DB), pool: { min: 0, max: 2 } });
    replicaKnex = knexFactory({ client: 'pg', connection: replica.url(DB), pool: { min: 0, max: 2 } });
    log = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // a lag limit far above this test's pauses: the replica stays in use while its replay is paused
    started = Date.now();
    t = await startTestServer({ DATABASE_URL: primary.url(DB), DATABASE_READ_URLS: replica.url(DB), DATABASE_READ_MAX_LAG_MS: '600000', DATABASE_READ_CHECK_MS: '100' }, { actAs: TEST_ANALYST });
    timings.serverMs = Date.now() - started;
  }, 120_000);

  afterAll(async () => {
    const started = Date.now();
    await t?.stop();
    await primaryKnex?.destroy();
    await replicaKnex?.destroy();
    await cluster?.destroy();
    timings.cleanupMs = Date.now() - started;
    log?.mockRestore();
    console.log(`replica test: ${JSON.stringify(timings)}`);
  }, 60_000);

  it('the replica is in use; read handles refuse writes, on the replica and on the primary alike', async () => {
    expect(t.server.reads.status()).toEqual([expect.objectContaining({ name: `127.0.0.1:${replica.port}/${DB}`, state: 'in use' })]);
    expect(log.mock.calls.flat().join('\n')).toMatch(/read replica 127\.0\.0\.1:\d+\/hotspots_replica: in use/);
    const ready = (await (await fetch(t.server.url.replace('/graphql', '/readyz'))).json()) as unknown;
    expect(ready).toEqual({ status: 'ready', readReplicas: [{ state: 'in use', lagMs: expect.any(Number) }] });
    const read = t.server.reads.pick();
    expect(t.server.reads.nameOf(read)).toBe(`127.0.0.1:${replica.port}/${DB}`);
    await expect(read.raw('CREATE TABLE nope (a int)')).rejects.toThrow(/read-only transaction/);
    await expect(t.server.reads.primaryReads.knex.raw('CREATE TABLE nope (a int)')).rejects.toThrow(/read-only transaction/);
  });

  it('an import on the primary changes the answer through the replica once it has replayed it, not before', async () => {
    await importThrough(t, 'first', 30);
    timings.replayAfterImportMs = await waitForReplay();
    await waitUntil('the server reads from the replica again', () => t.server.reads.nameOf(t.server.reads.pick()) !== 'primary');
    expect(await incidentCount(t)).toBe(30);

    // replay paused: the CLI imports 20 rows on the primary; the answers (and the cached columns) stay the replica's
    await replicaKnex.raw('SELECT pg_wal_replay_pause()');
    try {
      const started = Date.now();
      await cliImport('second', 20);
      timings.cliImportMs = Date.now() - started;
      expect(await storedOnPrimary()).toBe(50);
      expect(await incidentCount(t)).toBe(30);
      expect(await incidentCount(t)).toBe(30);

      // read-your-writes: after a mutation through this server, it reads from the primary until the replica has replayed it
      await importThrough(t, 'mutation', 5);
      expect(t.server.reads.nameOf(t.server.reads.pick())).toBe('primary');
      expect(await incidentCount(t)).toBe(55);
    } finally {
      await replicaKnex.raw('SELECT pg_wal_replay_resume()');
    }
    timings.replayAfterResumeMs = await waitForReplay();
    await waitUntil('the server reads from the replica again', () => t.server.reads.nameOf(t.server.reads.pick()) !== 'primary');
    expect(await incidentCount(t)).toBe(55);
  });

  it('a replica beyond the lag limit is skipped, with a log line, and used again once it catches up', async () => {
    const strict = await startTestServer({ DATABASE_URL: primary.url(DB), DATABASE_READ_URLS: replica.url(DB), DATABASE_READ_MAX_LAG_MS: '300', DATABASE_READ_CHECK_MS: '100' }, { actAs: TEST_ANALYST });
    try {
      expect(await incidentCount(strict)).toBe(55);
      await replicaKnex.raw('SELECT pg_wal_replay_pause()');
      try {
        await cliImport('third', 10);
        timings.skippedAfterMs = await waitUntil('the replica is skipped', () => strict.server.reads.status()[0].state === 'lagging');
        expect(log.mock.calls.flat().join('\n')).toMatch(/read replica 127\.0\.0\.1:\d+\/hotspots_replica: skipped, \d+ ms behind the primary \(limit 300 ms\)/);
        // from the primary now: the new rows are counted although the replica has not replayed them
        expect(strict.server.reads.nameOf(strict.server.reads.pick())).toBe('primary');
        expect(await incidentCount(strict)).toBe(65);
      } finally {
        await replicaKnex.raw('SELECT pg_wal_replay_resume()');
      }
      await waitForReplay();
      await waitUntil('the replica is in use again', () => strict.server.reads.status()[0].state === 'in use');
      expect(strict.server.reads.nameOf(strict.server.reads.pick())).not.toBe('primary');
      expect(await incidentCount(strict)).toBe(65);
    } finally {
      await strict.stop();
    }
  });

  it('a replica that is down is skipped: reads go to the primary, with a log line', async () => {
    await replica.stop('fast');
    await waitUntil('the stopped replica is skipped', () => t.server.reads.status()[0].state === 'down');
    expect(log.mock.calls.flat().join('\n')).toMatch(/read replica 127\.0\.0\.1:\d+\/hotspots_replica: skipped, unreachable/);
    expect(log.mock.calls.flat().join('\n')).toMatch(/read replicas: none in use, reads go to the primary/);
    await importThrough(t, 'fourth', 5);
    expect(await incidentCount(t)).toBe(70);
  });
});
