/**
 * Requests per minute per caller: keyed by the credential presented (a hash of the token or API
 * key, so one flooding token cannot starve others) or, without credentials, by client address.
 * Keyed before the credential is checked, so a flood of bad tokens costs no verification.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

export function rateLimitPerCaller(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const credential = req.headers.authorization ?? req.headers['x-api-key'];
      if (typeof credential === 'string' && credential !== '') return 'cred:' + createHash('sha256').update(credential).digest('base64url');
      return 'ip:' + ipKeyGenerator(req.ip ?? 'unknown');
    },
    handler: (_req, res) => {
      res.status(429).json({
        errors: [{ message: `too many requests: at most ${perMinute} per minute per token, API key or address; retry after the time in the RateLimit header`, extensions: { code: 'RATE_LIMITED' } }],
      });
    },
  });
}
