/** One page of a filtered listing, as every paginated query answers it: nodes, cursor, a lazy total. */
import type { Listing, PageRequest } from '../db/reads';
import type { Page } from '../schema/types';
import { encodeCursor } from './inputs';

/** The count query runs only when a client selects totalCount, and at most once. */
function lazyTotal(load: () => Promise<number>): PromiseLike<number> {
  let started: Promise<number> | null = null;
  return {
    then(onFulfilled, onRejected) {
      started ??= load();
      return started.then(onFulfilled, onRejected);
    },
  };
}

export async function pageOf<T>(listing: Listing<T>, request: PageRequest): Promise<Page<T>> {
  const result = await listing.page(request);
  return {
    nodes: result.nodes,
    pageInfo: { endCursor: result.endId ? encodeCursor(result.endId) : null, hasNextPage: result.hasNextPage },
    totalCount: lazyTotal(listing.count),
  };
}
