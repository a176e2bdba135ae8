import type { Knex } from 'knex';
import type { ComputeBudget } from './compute/budget';
import type { Config } from './config';
import type { Loaders } from './db/loaders';
import type { RequestUser } from './domain';
import type { Language } from './i18n';

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
   * The caller's language (a `lang` URL parameter, else Accept-Language, else English): labels,
   * area names and messages are given in it; codes and machine names never change with it.
   */
  lang?: Language;
}
