import type { Knex } from 'knex';
import type { ComputeBudget } from './compute/budget';
import type { Config } from './config';
import type { ReadKnex } from './db/connection';
import type { Loaders } from './db/loaders';
import type { RequestUser } from './domain';
import type { Language } from './i18n';

/**
 * What every resolver receives: the database, the settings and this request's loaders.
 *
 * Two handles, one per intent (docs/architecture.md, "Read replicas"):
 * - `knex` reads: the one server this request reads from (a streaming replica in use, or the
 *   primary), in read-only sessions, so a write through it fails. Analyses, lists, tiles, exports
 *   and OGC read here, and so must the layer versions that key any cache of their answers.
 * - `primary` writes, and reads what must see the writes: mutations and imports, the case
 *   workflow, the audit log, API keys.
 */
export interface RequestContext {
  /** Reads only: a replica or the primary, the same server for the whole request (see above). */
  knex: ReadKnex;
  /** The primary: writes, transactions that write, and reads that must see them. */
  primary: Knex;
  config: Config;
  loaders: Loaders;
  /** Who is asking; `public` when the request carries no credentials. */
  user: RequestUser;
  /**
   * The compute budget of this request (one per GraphQL request, tile or export, across all its
   * fields and aliases): analyses charge their work to it with chargeCompute before doing it.
   */
  budget: ComputeBudget;
  /**
   * The caller's language (a `lang` URL parameter, else Accept-Language, else English): labels,
   * area names and messages are given in it; codes and machine names never change with it.
   */
  lang?: Language;
  /**
   * What the shared response cache needs to know of this answer (src/analysis/answerCache.ts):
   * a part of the answer that must run for every request (an audited read) clears `store`.
   */
  answer?: { store: boolean };
}
