/**
 * Who sends a request: a bearer JWT, an API key (`Authorization: ApiKey <key>` or `x-api-key`),
 * or nobody (`public`). Bad credentials are an error, never a silent downgrade to public: a
 * dashboard with a revoked key should fail loudly, not show the public view.
 */
import type { RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthConfig } from '../config';
import { findActiveApiKey } from '../db/apiKeys';
import { ANONYMOUS_USER, RequestUser } from '../domain';
import { languageOfRequest } from '../i18n';
import { render, text } from '../i18n/texts';
import { hashApiKey } from './apiKeys';
import { InvalidCredentialsError, verifyToken } from './tokens';

/** Anything with headers: an express or node request. */
export interface RequestWithHeaders {
  headers: IncomingHttpHeaders;
}

export type UserResolver = (request: RequestWithHeaders) => Promise<RequestUser>;

export type Credential = { kind: 'bearer'; token: string } | { kind: 'apiKey'; key: string } | { kind: 'none' };

function header(request: RequestWithHeaders, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function credentialOf(request: RequestWithHeaders): Credential {
  const authorization = header(request, 'authorization');
  const apiKeyHeader = header(request, 'x-api-key');
  if (authorization !== undefined && apiKeyHeader !== undefined) throw new InvalidCredentialsError(text('auth.bothHeaders'));
  if (apiKeyHeader !== undefined) return { kind: 'apiKey', key: apiKeyHeader.trim() };
  if (authorization === undefined) return { kind: 'none' };
  const match = /^(Bearer|ApiKey)\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new InvalidCredentialsError(text('auth.scheme'));
  return match[1].toLowerCase() === 'bearer' ? { kind: 'bearer', token: match[2] } : { kind: 'apiKey', key: match[2] };
}

/** The real resolver: tokens checked against the configured keys, API keys against their stored hashes. */
export function createUserResolver(config: AuthConfig, knex: Knex): UserResolver {
  return async (request) => {
    const credential = credentialOf(request);
    if (credential.kind === 'none') return ANONYMOUS_USER;
    if (credential.kind === 'bearer') return verifyToken(config, credential.token);
    if (credential.key.length === 0 || credential.key.length > 200) throw new InvalidCredentialsError(text('auth.apiKeyInvalid'));
    const key = await findActiveApiKey(knex, hashApiKey(credential.key));
    if (!key) throw new InvalidCredentialsError(text('auth.apiKeyRevoked'));
    return { id: `apikey:${key.name}`, role: key.role, agency: key.agency };
  };
}

/**
 * Express middleware for any route (GraphQL, tiles, the map page): sets `res.locals.user`, or
 * answers 401 with a JSON error for bad credentials. Wrap it in `rateLimitedAuthentication`
 * (src/auth/rateLimit.ts): refused credentials are limited per address before it, callers after it.
 */
export function authenticateRequests(resolveUser: UserResolver): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.user = await resolveUser(req);
      next();
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer')
          .json({ errors: [{ message: render(languageOfRequest(req), error.text), extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      next(error);
    }
  };
}

/** The user `authenticateRequests` established for this request. */
export function userOf(res: Response): RequestUser {
  const user = res.locals.user as RequestUser | undefined;
  if (!user) throw new Error('authenticateRequests must run before userOf');
  return user;
}
