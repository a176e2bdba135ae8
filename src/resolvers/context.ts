import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Loaders } from '../db/loaders';
import type { RequestUser } from '../domain';

/** What every resolver receives: the database, the settings and this request's loaders. */
export interface RequestContext {
  knex: Knex;
  config: Config;
  loaders: Loaders;
  /** Who is asking; `public` when the request carries no credentials. */
  user: RequestUser;
}
