import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Loaders } from '../db/loaders';

/** What every resolver receives: the database, the settings and this request's loaders. */
export interface RequestContext {
  knex: Knex;
  config: Config;
  loaders: Loaders;
}
