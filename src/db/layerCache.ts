/**
 * Caches of layer data in the API process, valid while the layer's version (table
 * `layer_versions`, bumped by a trigger in every writing transaction) is the one they were built
 * from. Every request reads the current versions in one small query, so a write through any
 * instance, the CLI or plain SQL is seen by the next request of every instance: the caches are
 * caches, the server stays stateless. Instances also LISTEN on `layer_changed` (see
 * `listenForLayerChanges`) to rebuild the incident columns before the next request needs them.
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import { Cache, cachedPromise, createCache, versionedKey } from '../cache';
import { CELL_RESOLUTIONS } from '../geo/h3';
import { DAY, IncidentColumns, NIGHT, UNKNOWN_TIME } from '../geo/incidentColumns';
import { cellColumn } from './cells';

export type VersionedLayer = 'incidents' | 'lighting_outages' | 'road_defects' | 'youth_facilities' | 'population' | 'posts' | 'areas' | 'risk_features';

/** per server (a pool's knex): the versions of a replica are not the primary's, nor another replica's */
const versionsInFlight = new WeakMap<Knex, Promise<Map<string, number>>>();

/**
 * Current version of every layer on the server `knex` reads from. Callers that start together
 * (the parts of one answer) share one query; a query is never reused once it has returned.
 * A cache key must take its versions from the handle its data is read through (the request's
 * `ctx.knex`): with read replicas, another server's versions may be newer than that data.
 */
export function layerVersions(knex: Knex): Promise<Map<string, number>> {
  const inFlight = versionsInFlight.get(knex);
  if (inFlight) return inFlight;
  const query = knex('layer_versions')
    .select('layer', knex.raw('version::float8 AS version'))
    .then((rows: { layer: string; version: number }[]) => new Map(rows.map((r) => [r.layer, Number(r.version)])))
    .finally(() => {
      versionsInFlight.delete(knex);
    });
  versionsInFlight.set(knex, query);
  return query;
}

async function layerVersion(knex: Knex, layer: VersionedLayer): Promise<number> {
  return (await layerVersions(knex)).get(layer) ?? 0;
}

interface ColumnsEntry {
  version: number;
  columns: IncidentColumns;
}

const LOAD_CHUNK = 250_000;
let columnsEntry: ColumnsEntry | null = null;
let columnsLoading: Promise<ColumnsEntry> | null = null;

/** Reads every incident as columns, in one snapshot together with the version it stands for. */
async function loadIncidentColumns(knex: Knex): Promise<ColumnsEntry> {
  return knex.transaction(
    async (trx) => {
      const version = Number((await trx('layer_versions').where({ layer: 'incidents' }).first(trx.raw('version::float8 AS version')))?.version ?? 0);
      const { rows: countRows } = await trx.raw('SELECT count(*)::int AS n FROM incidents');
      const capacity = (countRows[0] as { n: number }).n;
      const cellKeys = CELL_RESOLUTIONS.map(() => new Float64Array(capacity));
      const time = new Float64Array(capacity);
      const category = new Uint16Array(capacity);
      const night = new Int8Array(capacity);
      const lng = new Float64Array(capacity);
      const lat = new Float64Array(capacity);
      const district = new Int32Array(capacity);
      const precinct = new Int32Array(capacity);
      const categories: string[] = [];
      const categoryIndex = new Map<string, number>();
      // each cell as its 52-bit key (see src/geo/incidentColumns.ts), exact in a float8
      const keySql = CELL_RESOLUTIONS.map((r, k) => `((${cellColumn(r)} >> 32) & 1048575)::float8 * 4294967296 + (${cellColumn(r)} & 4294967295)::float8 AS k${k}`).join(', ');
      let n = 0;
      let afterId = '0';
      for (;;) {
        const { rows } = (await trx.raw(
          `SELECT id, ${keySql}, (extract(epoch FROM occurred_at) * 1000)::float8 AS t,
                  category, night, ST_X(geom) AS lng, ST_Y(geom) AS lat, coalesce(district_id, -1)::int AS district, coalesce(precinct_id, -1)::int AS precinct
           FROM incidents WHERE id > ? ORDER BY id LIMIT ?`,
          [afterId, LOAD_CHUNK],
        )) as { rows: ({ id: string; t: number; category: string; night: boolean | null; lng: number; lat: number; district: number; precinct: number } & Record<string, number>)[] };
        for (const r of rows) {
          if (n >= capacity) break;
          for (let k = 0; k < cellKeys.length; k++) cellKeys[k][n] = r[`k${k}`];
          time[n] = r.t;
          let c = categoryIndex.get(r.category);
          if (c === undefined) {
            c = categories.length;
            categoryIndex.set(r.category, c);
            categories.push(r.category);
          }
          category[n] = c;
          night[n] = r.night === null ? UNKNOWN_TIME : r.night ? NIGHT : DAY;
          lng[n] = r.lng;
          lat[n] = r.lat;
          district[n] = r.district;
          precinct[n] = r.precinct;
          n++;
        }
        if (rows.length < LOAD_CHUNK) break;
        afterId = rows[rows.length - 1].id;
      }
      const columns = new IncidentColumns({
        cellKeys: cellKeys.map((k) => k.subarray(0, n)),
        time: time.subarray(0, n),
        category: category.subarray(0, n),
        night: night.subarray(0, n),
        lng: lng.subarray(0, n),
        lat: lat.subarray(0, n),
        district: district.subarray(0, n),
        precinct: precinct.subarray(0, n),
        categories,
      });
      return { version, columns };
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}

/** The incident columns as of now: reused while the incidents' version is unchanged, else reloaded (once, however many ask). */
export async function incidentColumns(knex: Knex): Promise<IncidentColumns> {
  const version = await layerVersion(knex, 'incidents');
  if (columnsEntry && columnsEntry.version === version) return columnsEntry.columns;
  if (!columnsLoading) {
    columnsLoading = loadIncidentColumns(knex)
      .then((entry) => {
        if (!columnsEntry || entry.version >= columnsEntry.version) columnsEntry = entry;
        return entry;
      })
      .finally(() => {
        columnsLoading = null;
      });
  }
  const loaded = await columnsLoading;
  // a load that began before a newer write finished is still older than the version asked for
  if (loaded.version < version) return incidentColumns(knex);
  return loaded.columns;
}

interface MemoTable {
  /** the newest version of the layer seen; entries of older versions are dropped when it changes */
  version: number;
  entries: Cache<string, Promise<unknown>>;
}

const MEMO_LIMIT = 128;
const memoTables = new Map<VersionedLayer, MemoTable>();

function memoTable(layer: VersionedLayer, version: number): MemoTable {
  let table = memoTables.get(layer);
  if (!table) {
    table = { version, entries: createCache<string, Promise<unknown>>({ name: `layer answers: ${layer}`, max: MEMO_LIMIT }) };
    memoTables.set(layer, table);
  } else if (version > table.version) {
    // the older version's answers can never be asked for again (keys carry the version)
    table.entries.clear();
    table.version = version;
  }
  return table;
}

/**
 * The value of `compute` for `key`, reused while `layer` keeps its version (at most 128 answers
 * per layer, least recently used first out; a failed computation is not kept). For answers of
 * small layers (outages, defects, population, facilities, posts) that dashboards ask again and
 * again with the same window and area.
 */
export async function memoByLayerVersion<T>(knex: Knex, layer: VersionedLayer, key: string, compute: () => Promise<T>): Promise<T> {
  const version = await layerVersion(knex, layer);
  const { entries } = memoTable(layer, version);
  return cachedPromise(entries as Cache<string, Promise<T>>, versionedKey([version], key), compute);
}

/** Drops the layer caches (tests that want a cold start, the benchmark's cold figures); `clearCaches` drops the memo tables too. */
export function clearLayerCaches(): void {
  columnsEntry = null;
  for (const table of memoTables.values()) table.entries.clear();
}

/**
 * Listens on `layer_changed` and rebuilds the incident columns when incidents change, so the
 * first request after an import does not pay for the load. Correctness never depends on it:
 * requests compare versions themselves. Returns a function that stops listening.
 */
export async function listenForLayerChanges(databaseUrl: string, reads: Knex | { pick(): Knex }, onError: (error: Error) => void): Promise<() => Promise<void>> {
  // notifications come from the primary (DATABASE_URL); the columns are loaded where requests read them
  const readHandle = () => ('pick' in reads ? reads.pick() : reads);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let timer: NodeJS.Timeout | null = null;
  client.on('notification', (message) => {
    if (message.payload !== 'incidents' || !columnsEntry) return;
    // an import notifies once per batch: reload once it has been quiet for a moment
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      incidentColumns(readHandle()).catch(onError);
    }, 500);
  });
  client.on('error', onError);
  await client.query('LISTEN layer_changed');
  return async () => {
    if (timer) clearTimeout(timer);
    await client.end();
  };
}
