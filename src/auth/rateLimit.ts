/**
 * Requests per minute per caller: keyed by the credential presented (a hash of the token or API
 * key, so one flooding token cannot starve others) or, without credentials, by client address.
 * Keyed before the credential is checked, so a flood of bad tokens costs no verification.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

const clientAddress = (req: Request) => 'ip:' + ipKeyGenerator(req.ip ?? 'unknown');

export function rateLimitPerCaller(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const credential = req.headers.authorization ?? req.headers['x-api-key'];
      if (typeof credential === 'string' && credential !== '') return 'cred:' + createHash('sha256').update(credential).digest('base64url');
      return clientAddress(req);
    },
    handler: (_req, res) => {
      res.status(429).json({
        errors: [{ message: `too many requests: at most ${perMinute} per minute per token, API key or address; retry after the time in the RateLimit header`, extensions: { code: 'RATE_LIMITED' } }],
      });
    },
  });
}

/**
 * Refused requests (bad credentials, malformed bodies) per minute per client address: a flood
 * of made-up tokens or API keys, each different, is not held back by the per-credential limit
 * and would cost a key lookup each. Successful requests do not count, so many honest callers
 * behind one gateway address are not affected.
 */
export function rateLimitFailuresPerAddress(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: false,
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    keyGenerator: clientAddress,
    handler: (_req, res) => {
      res.status(429).json({ errors: [{ message: `too many refused requests from this address: at most ${perMinute} per minute`, extensions: { code: 'RATE_LIMITED' } }] });
    },
  });
}
