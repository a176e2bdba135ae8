/**
 * Requests per minute per caller, in two steps around authentication:
 *
 * 1. Before any credential is checked, per client address: requests whose credential was refused
 *    (401), and those whose credential is still being checked. Over the limit the address is
 *    refused for the rest of the minute without verifying anything, so a flood of made-up tokens
 *    or API keys, each different, costs one counter lookup each.
 * 2. After authentication, per verified principal (token subject, `apikey:<name>`): every way of
 *    writing the same credential (`apikey K`, `APIKEY K`, `x-api-key: K`) and every token of one
 *    subject share one budget. Without credentials, per client address.
 *
 * The client address is `req.ip`: X-Forwarded-For counts only when the request comes through a
 * proxy named in TRUST_PROXY (Express `trust proxy`), so a client cannot pick its own address.
 * Both counts are kept in the stores of src/auth/rateLimitStore.ts: in Redis, shared by every
 * process and instance of the deployment, or in this process while Redis is away.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, Options, rateLimit, Store } from 'express-rate-limit';
import { ANONYMOUS_USER, RequestUser } from '../domain';
import { languageOfRequest } from '../i18n';
import { render, Text, text } from '../i18n/texts';
import type { RateLimitStores } from './rateLimitStore';

const WINDOW_MS = 60_000;

/** Client addresses are chosen by the `trust proxy` setting on purpose: a forwarded header from an untrusted peer is ignored, not a misconfiguration. */
const ADDRESS_VALIDATIONS = { xForwardedForHeader: false, forwardedHeader: false } as const;

/** The client address as `trust proxy` establishes it; IPv6 addresses grouped by /56 (one subscriber's block). */
export const clientAddress = (req: Request): string => 'ip:' + ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

/** The budget a request counts against: its verified principal, or its client address when it carries no credential. */
export function callerKey(req: Request, user: RequestUser | undefined): string {
  if (!user || user.id === ANONYMOUS_USER.id) return clientAddress(req);
  return 'user:' + createHash('sha256').update(user.id).digest('base64url');
}

/** Set on res.locals by the per-address limit: ends the request's hold once its credential is accepted. */
const RELEASE_HOLD = 'releaseCredentialHold';

function rateLimited(req: Request, res: Response, message: Text, retryAfterMs: number | null): void {
  if (retryAfterMs !== null) res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  res.status(429).json({ errors: [{ message: render(languageOfRequest(req), message), extensions: { code: 'RATE_LIMITED' } }] });
}

/**
 * Refused credentials per minute per client address, checked before authentication. What counts
 * against an address is its refused credentials (kept in `store`, shared by the processes) and
 * the requests of it whose credential this process is still verifying (kept here: they last
 * milliseconds), so a burst of bad tokens cannot all be in verification at once. A request that
 * arrives takes a hold; the hold ends when its credential is accepted (or it has none), and a
 * request that ends still holding (refused with 401, or dropped by the client mid-check: it cost
 * a check) becomes a refusal in the store. So an honest request costs one read of the store, and
 * honest callers behind one gateway address are not affected by each other's traffic, only by
 * refused credentials.
 */
export function rateLimitFailuresPerAddress(perMinute: number, store: Store): RequestHandler {
  void store.init?.({ windowMs: WINDOW_MS } as Options);
  const verifying = new Map<string, number>();
  const hold = (key: string, change: 1 | -1) => {
    const n = (verifying.get(key) ?? 0) + change;
    if (n > 0) verifying.set(key, n);
    else verifying.delete(key);
  };
  return async (req, res, next) => {
    const key = clientAddress(req);
    try {
      const refused = await store.get!(key);
      if ((refused?.totalHits ?? 0) + (verifying.get(key) ?? 0) >= perMinute) {
        rateLimited(req, res, text('auth.tooManyRefused', { limit: perMinute }), refused?.resetTime ? refused.resetTime.getTime() - Date.now() : WINDOW_MS);
        return;
      }
    } catch (error) {
      next(error);
      return;
    }
    hold(key, 1);
    let held = true;
    const release = (): boolean => {
      if (!held) return false;
      held = false;
      hold(key, -1);
      return true;
    };
    res.locals[RELEASE_HOLD] = release;
    // still held when the answer ends: a refused credential (4xx), or a client that left mid-check;
    // a server failure is not the caller's refusal (nor is an answer without one)
    res.once('close', () => {
      if (release() && !(res.writableFinished && (res.statusCode < 400 || res.statusCode >= 500))) void Promise.resolve(store.increment(key)).catch(() => undefined);
    });
    next();
  };
}

/**
 * Requests per minute per verified principal, or per client address without credentials. Runs
 * after authentication (it reads `res.locals.user`); its own refusals do not count as refused
 * credentials, so one caller over its budget does not use up its gateway address's.
 */
export function rateLimitPerCaller(perMinute: number, store: Store): RequestHandler {
  const limiter = rateLimit({
    store,
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: ADDRESS_VALIDATIONS,
    keyGenerator: (req, res) => callerKey(req, res.locals.user as RequestUser | undefined),
    handler: (req, res) => {
      rateLimited(req, res, text('auth.tooManyRequests', { limit: perMinute }), null);
    },
  });
  return (req, res, next) => {
    // authentication accepted the credential (or there was none): it is no longer a candidate refusal
    (res.locals[RELEASE_HOLD] as (() => boolean) | undefined)?.();
    return limiter(req, res, next);
  };
}

/**
 * The chain of every route that answers with data: refused credentials per address, authentication,
 * then per caller; counted in `stores` (shared by the server's processes through Redis, src/auth/rateLimitStore.ts).
 */
export function rateLimitedAuthentication(authenticate: RequestHandler, perMinute: number, stores: RateLimitStores): RequestHandler[] {
  return [rateLimitFailuresPerAddress(perMinute, stores.store('refused')), authenticate, rateLimitPerCaller(perMinute, stores.store('callers'))];
}
