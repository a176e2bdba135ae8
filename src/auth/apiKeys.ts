/**
 * API keys for dashboards: 32 random bytes, shown once when created. Only the SHA-256 of a key
 * is stored; keys carry 256 bits of randomness, so a slow hash (scrypt) would add nothing but
 * latency to every request.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'hsk_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What listings show of a key: enough to recognise it, far too little to use it. */
export function apiKeyDisplayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}
