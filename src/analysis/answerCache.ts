/**
 * The shared response cache's rules: which answers may be reused, and under which key. The cache
 * itself is the second tier of src/cache.ts (this process's LRU in front of Redis, shared by every
 * process and instance); the HTTP side (src/http/responseCache.ts) asks here for a key before it
 * runs a GraphQL operation, an export or a tile, and stores the bytes it sent.
 *
 * A key is made of:
 * - the kind of answer and the request's own parts (normalised operation text and name, variables
 *   with sorted keys, the tile address and parameters, the export's URL parameters);
 * - the caller's role and agency: the release gate shapes answers by role (and agency for cases
 *   and fixes), so an answer cached for one role is never found by another. Nothing else of the
 *   caller is part of an answer that may be cached (API keys carry a role and an agency only);
 * - the caller's language (`lang` or Accept-Language): labels, area names, explanations and
 *   messages are rendered in it;
 * - the versions of the layers the answer reads (`ANSWER_READS`, from `layerVersions`, the same
 *   read the in-process caches check; plus the street network's version where walking reach is
 *   used). A write bumps its layer's version in the writing transaction, so the next request of
 *   every instance asks for a new key: an import of incidents invalidates every answer that read
 *   incidents and no other. The old entries are never asked for again and expire.
 *
 * Versions are read before the answer is computed; the answer then reads data at least that new,
 * so an entry is never older than its key says.
 *
 * Never cached: mutations (the HTTP side keys queries only), fields absent from ANSWER_READS
 * (reads of raw points, which are audited one by one; who the caller is; cases and fixes in the
 * working group's workflow, which have no layer version), and any answer during which an audited
 * read ran (`ctx.answer.store`, cleared by the release gate's audit of sensitive counts).
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { connectRedisStore, createTieredCache, hashedKey, SharedStore, TieredCache } from '../cache';
import type { Config } from '../config';
import { DEFAULT_LANGUAGE } from '../i18n';
import type { RequestContext } from '../context';
import { layerVersions, VersionedLayer } from '../db/layerCache';
import { databaseIdentity } from '../db/maintenance';
import { streetNetworkVersion } from '../db/streets';

export type { TierHit } from '../cache';

/** The response cache of one server: the tiers of src/cache.ts and the namespace of its keys. */
export interface AnswerCache extends TieredCache {
  /**
   * The database's identity (a re-created database counts its versions from 0 again) and a hash
   * of the settings that shape answers (privacy rules, resolutions, city, time zone, agencies):
   * servers of another database or other settings never meet each other's answers.
   */
  namespace: string;
}

/** A stored layer an answer reads; `streets` is the walking network (its own version). */
export type AnswerRead = VersionedLayer | 'streets';

const EVERY_LAYER: readonly VersionedLayer[] = ['incidents', 'lighting_outages', 'road_defects', 'youth_facilities', 'population', 'posts', 'areas', 'risk_features'];
const WITH_STREETS: readonly AnswerRead[] = [...EVERY_LAYER, 'streets'];
const ownLayer = (layer: VersionedLayer): readonly AnswerRead[] => [layer, 'areas'];

/**
 * The Query fields whose answers may be cached, with the layers each reads (with every nested
 * field a client may select). Analyses are keyed on every layer (they combine most of them, and
 * the ones that walk the streets on the network too); a layer's list on its layer and the areas
 * (district and precinct filters and names). A field missing here is never cached.
 */
export const ANSWER_READS: Readonly<Record<string, readonly AnswerRead[]>> = {
  hexagons: EVERY_LAYER,
  hotspots: EVERY_LAYER,
  clusters: EVERY_LAYER,
  emergingHotSpots: EVERY_LAYER,
  riskFeatureLayers: EVERY_LAYER,
  coverage: WITH_STREETS,
  postReach: WITH_STREETS,
  suggestPostSites: WITH_STREETS,
  minimumPostSites: WITH_STREETS,
  riskFactors: WITH_STREETS,
  riskSurface: WITH_STREETS,
  fixPriorities: WITH_STREETS,
  posts: ownLayer('posts'),
  post: ownLayer('posts'),
  lightingOutages: ownLayer('lighting_outages'),
  roadDefects: ownLayer('road_defects'),
  youthFacilities: ownLayer('youth_facilities'),
  population: ownLayer('population'),
  riskFeatures: ownLayer('risk_features'),
  areas: ['areas'],
  area: ['areas'],
  __typename: [],
};

/** Why the other Query fields are never cached (docs and the tests read it). */
export const NEVER_CACHED: Readonly<Record<string, string>> = {
  incidents: 'every read of raw points is audited, request by request',
  auditLog: 'the audit log changes with every audited read and has no layer version',
  me: 'who the request acts as',
  recommendations: 'cases have no layer version',
  recommendation: 'cases have no layer version',
  recommendationsEvaluation: 'built on cases, which have no layer version',
  agencyStatistics: 'built on cases, which have no layer version',
};

/** The layers an answer made of these Query fields reads, or null when one of them is never cached. */
export function readsOf(fields: readonly string[]): AnswerRead[] | null {
  const reads = new Set<AnswerRead>();
  for (const field of fields) {
    const layers = Object.prototype.hasOwnProperty.call(ANSWER_READS, field) ? ANSWER_READS[field] : undefined;
    if (!layers) return null;
    for (const layer of layers) reads.add(layer);
  }
  return [...reads].sort();
}

export interface AnswerDescription {
  /** graphql, export, tile: answers of different kinds never share a key */
  kind: string;
  /** the Query fields the answer is made of */
  fields: readonly string[];
  /** the request's own parts, in a fixed order (normalised text, sorted variables, ...) */
  parts: readonly unknown[];
}

/**
 * The key of an answer for this caller at the current layer versions, or null when it may not be
 * cached. Versions come from `layerVersions` of the request's database handle, the read every
 * in-process cache checks.
 */
export async function answerKey(cache: AnswerCache, ctx: RequestContext, answer: AnswerDescription): Promise<string | null> {
  const reads = readsOf(answer.fields);
  if (!reads) return null;
  const [versions, streets] = await Promise.all([layerVersions(ctx.knex), reads.includes('streets') ? streetNetworkVersion(ctx.knex) : Promise.resolve('')]);
  const readVersions = reads.map((layer) => (layer === 'streets' ? `streets:${streets}` : `${layer}:${versions.get(layer) ?? 0}`));
  // the language too: labels, area names, explanations and messages are rendered in it
  return hashedKey(readVersions, cache.namespace, answer.kind, ctx.user.role, ctx.user.agency ?? null, ctx.lang ?? DEFAULT_LANGUAGE, ...answer.parts);
}

/**
 * The value under the key of `answer`, or `compute`'s, stored (when the answer may be cached and
 * nothing during its computation cleared `ctx.answer.store`). Used by tiles; GraphQL answers and
 * exports are stored as the bytes sent (src/http/responseCache.ts).
 */
export async function cachedAnswer(cache: AnswerCache | null, ctx: RequestContext, answer: AnswerDescription, compute: () => Promise<Buffer>): Promise<Buffer> {
  const key = cache ? await answerKey(cache, ctx, answer) : null;
  if (!cache || !key) return compute();
  const found = await cache.get(key);
  if (found) return found.value;
  ctx.answer ??= { store: true };
  const value = await compute();
  if (ctx.answer.store) await cache.set(key, value);
  return value;
}

/**
 * The response cache of a server: this process's tier and, unless Redis is unreachable, the shared
 * one. Null when RESPONSE_CACHE=off. Redis going away later turns the shared tier off (one warning)
 * until it is back; answers never wait for it beyond the command timeout.
 */
export async function openAnswerCache(config: Config, knex: Knex, warn: (message: string) => void): Promise<AnswerCache | null> {
  const settings = config.responseCache;
  if (!settings.enabled) return null;
  const shaping = {
    privacy: config.privacy,
    fineResolution: config.fineResolution,
    cityBounds: config.cityBounds,
    timeZone: config.timeZone,
    fixAgencies: config.fixAgencies,
    pages: [config.defaultPageSize, config.maxPageSize],
  };
  const namespace = `${await databaseIdentity(knex)}/${createHash('sha256').update(JSON.stringify(shaping)).digest('base64url').slice(0, 16)}`;
  let shared: SharedStore | null = null;
  try {
    shared = await connectRedisStore({ url: settings.redisUrl, prefix: settings.prefix, commandTimeoutMs: 250, warn });
  } catch (error) {
    warn(`response cache: no shared tier (${(error as Error).message}); each process caches on its own`);
  }
  const tiers = createTieredCache({ name: 'answers', localBytes: settings.localBytes, ttlSeconds: settings.ttlSeconds, maxEntryBytes: settings.maxEntryBytes, shared });
  return Object.assign(tiers, { namespace });
}
