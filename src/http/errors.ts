/** HTTP answers for errors of tiles and exports, with the same codes and masking as GraphQL. */
import type { Response } from 'express';
import { GraphQLError } from 'graphql';

const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  QUERY_TOO_COMPLEX: 400,
  QUERY_TOO_COSTLY: 400,
  // the worker pool's queue is full: a client may retry, nothing is masked
  SERVER_BUSY: 503,
};

export interface HttpErrorBody {
  errors: { message: string; extensions: Record<string, unknown> }[];
}

/** The status for a GraphQL error code; unknown codes are internal errors. */
export function statusOf(code: unknown): number {
  return typeof code === 'string' ? (STATUS_BY_CODE[code] ?? 500) : 500;
}

export function httpError(code: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** Sends a client error as GraphQL-shaped JSON; anything else is logged and masked. */
export function sendError(res: Response, error: unknown): void {
  if (error instanceof GraphQLError && (statusOf(error.extensions.code) < 500 || error.extensions.code === 'SERVER_BUSY')) {
    if (error.extensions.code === 'SERVER_BUSY') res.set('Retry-After', '5');
    res.status(statusOf(error.extensions.code)).json({ errors: [{ message: error.message, extensions: error.extensions }] } satisfies HttpErrorBody);
    return;
  }
  console.error('internal error:', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } satisfies HttpErrorBody);
}
