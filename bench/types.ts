/** The shape of a benchmark case: one GraphQL operation, its target and its SQL floor. */

/** What the loaded city offers to cases that need real ids or windows. */
export interface BenchContext {
  /** ids of the stored districts, in id order */
  districtIds: string[];
  /** one year of data: [from, to) as ISO strings */
  year: { from: string; to: string };
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
}

/** Requests of the concurrent dashboard load, cycled through by every connection. */
export interface LoadRequest {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}
