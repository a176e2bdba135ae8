/** The shape of a benchmark case: one GraphQL operation, its target and its SQL floor. */

/** What the loaded city offers to cases that need real ids or windows. */
export interface BenchContext {
  /** ids of the stored districts, in id order */
  districtIds: string[];
  /** one year of data: [from, to) as ISO strings */
  year: { from: string; to: string };
  /** incidents in `year` */
  incidentsInYear?: number;
  /** one month at the end of the data, as ISO strings */
  month: { from: string; to: string };
}

export interface FloorSql {
  sql: string;
  bindings?: unknown[];
}

export interface BenchCase {
  /** short name printed in the table */
  name: string;
  /** the numbers the case must meet at the default size */
  target?: { p50Ms?: number; p99Ms?: number; floorRatio?: number };
  /** a GraphQL document with one operation */
  query: string;
  variables?: Record<string, unknown> | ((ctx: BenchContext) => Record<string, unknown>);
  /** the bare SQL the operation cannot beat by reading rows (e.g. the GROUP BY it replaces), timed in the same run */
  floorSql?: FloorSql | ((ctx: BenchContext) => FloorSql);
  /** measured runs (after warm-up); the command line may scale it */
  iterations?: number;
  /** figures of the answer itself worth printing beside its timing (e.g. a solver's objective and bound), from the first response's data */
  summary?: (data: Record<string, unknown>) => string;
}

/** Requests of the concurrent dashboard load, cycled through by every connection. */
export interface LoadRequest {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Sends a GraphQL request without credentials (as the public) and returns the parsed answer. */
export type AnonymousAsk = (query: string, variables?: Record<string, unknown>) => Promise<{ data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] }>;

/**
 * Contention: `clients` anonymous clients each send `heavy` in a loop while one other client
 * times `cheap`, one request after another; the target is on the cheap query's latency.
 */
export interface ContentionCase {
  name: string;
  /** the heavy request, worked out against the running server (e.g. the most work the public budget allows) */
  heavy: (ctx: BenchContext, ask: AnonymousAsk) => Promise<{ query: string; variables: Record<string, unknown>; description: string }>;
  /** heavy clients, each one request at a time */
  clients: number;
  /** the cheap operation that must not wait behind the heavy ones */
  cheap: string;
  target: { p99Ms: number };
}
