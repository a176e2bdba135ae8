/**
 * Where the rate limits count: in Redis, so that every process of `hotspots serve --workers N`
 * and every instance behind one gateway share one budget per caller; in this process's memory
 * when Redis is not configured or not reachable (each process then counts on its own, which is
 * said once in the log, and the limits still hold per process).
 *
 * The counting itself is rate-limit-redis's (a Lua script per increment: atomic across
 * processes, the key expiring with its window). This module only adds the fallback: that
 * store's script handles are loaded once at `init`, and a load that failed (Redis down when the
 * server started) would fail every later call, so the store is set up again whenever the
 * connection becomes ready, and each call goes to memory while it is not.
 */
import { Redis } from 'ioredis';
import { ClientRateLimitInfo, IncrementResponse, MemoryStore, Options, Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';

export interface RateLimitStoreOptions {
  /** null: count in memory only (RATE_LIMIT_SHARED=off) */
  redisUrl: string | null;
  /** every key starts with it: deployments (and test runs) sharing one Redis do not share budgets */
  prefix: string;
  warn: (message: string) => void;
}

/** The counters of a server's rate limiters: one store per limiter, one Redis connection for all. */
export interface RateLimitStores {
  /** a new store for one limiter (express-rate-limit refuses a store shared by two limiters) */
  store(name: string): Store;
  /** true while the counts are shared through Redis */
  readonly shared: boolean;
  /**
   * Settles once every store made so far has set up its shared counting (or failed to): the
   * server listens after it, so no request is counted in memory and then forgotten.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

type Reply = boolean | number | string | (boolean | number | string)[];

class FallbackStore implements Store {
  readonly localKeys = false;
  private readonly local = new MemoryStore();
  private remote: RedisStore | null = null;
  private options: Options | null = null;
  /** the latest set-up of the shared store, settled either way */
  loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis | null,
    private readonly keyPrefix: string,
  ) {}

  init(options: Options): void {
    this.options = options;
    this.local.init(options);
    this.connect();
  }

  /** (Re)loads the shared store's scripts; until that succeeds, calls count in memory. */
  connect(): void {
    const redis = this.redis;
    if (!redis || !this.options || redis.status !== 'ready') return;
    const store = new RedisStore({ prefix: this.keyPrefix, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<Reply> });
    this.loading = Promise.resolve(store.init(this.options)).then(
      () => {
        this.remote = store;
      },
      () => undefined,
    );
  }

  get isShared(): boolean {
    return this.shared() !== null;
  }

  private shared(): RedisStore | null {
    return this.remote && this.redis?.status === 'ready' ? this.remote : null;
  }

  /** The call on the shared store, or on this process's when the shared one is away or fails. */
  private async counted<T>(call: (store: Store) => Promise<T> | T): Promise<T> {
    const remote = this.shared();
    if (remote) {
      try {
        return await call(remote);
      } catch {
        // counted in memory from here until the connection is back
      }
    }
    return call(this.local);
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.counted((store) => store.get!(key));
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.counted((store) => store.increment(key));
  }

  decrement(key: string): Promise<void> {
    return this.counted((store) => store.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    await Promise.all([
      this.shared()
        ?.resetKey(key)
        .catch(() => undefined),
      this.local.resetKey(key),
    ]);
  }

  shutdown(): void {
    this.local.shutdown();
  }
}

/** Opens the stores' Redis connection, waiting briefly for it so that the first requests already share budgets. */
export async function openRateLimitStores(options: RateLimitStoreOptions): Promise<RateLimitStores> {
  const stores: FallbackStore[] = [];
  let redis: Redis | null = null;
  if (options.redisUrl !== null) {
    const where = new URL(options.redisUrl).host;
    let warned = false;
    redis = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // a slow count is worse than a local one: the request is not held up by Redis
      commandTimeout: 250,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
    });
    redis.on('ready', () => {
      if (warned) options.warn(`rate limits: Redis at ${where} is back; budgets are shared again`);
      warned = false;
      for (const store of stores) store.connect();
    });
    redis.on('error', (error: Error) => {
      if (!warned) options.warn(`rate limits: Redis at ${where} is unreachable (${error.message}); each process counts its callers on its own until it is back`);
      warned = true;
    });
    const connecting = redis;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1500);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      connecting.once('ready', done);
      connecting.once('end', done);
    });
  }
  return {
    store(name) {
      const store = new FallbackStore(redis, `${options.prefix}${name}:`);
      stores.push(store);
      return store;
    },
    get shared() {
      return stores.length > 0 && stores.every((s) => s.isShared);
    },
    async ready() {
      await Promise.all(stores.map((s) => s.loading));
    },
    async close() {
      for (const store of stores) store.shutdown();
      redis?.disconnect();
    },
  };
}
