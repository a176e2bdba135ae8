import type { Knex } from 'knex';
import type { ComputeBudget } from './compute/budget';
import type { Config } from './config';
import type { Loaders } from './db/loaders';
import type { RequestUser } from './domain';

/** What every resolver receives: the database, the settings and this request's loaders. */
export interface RequestContext {
  knex: Knex;
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
   * What the shared response cache needs to know of this answer (src/analysis/answerCache.ts):
   * a part of the answer that must run for every request (an audited read) clears `store`.
   */
  answer?: { store: boolean };
}
