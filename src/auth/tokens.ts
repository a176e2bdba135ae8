/**
 * Bearer tokens: signed JWTs with the claims sub, role and (for agency users) agency.
 * HS256 with a shared secret, or RS256 / ES256 verified with a public key, so tokens may also
 * come from the city's identity provider.
 */
import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { AuthConfig } from '../config';
import { AGENCIES, Agency, RequestUser, Role, ROLES } from '../domain';
import { english, Text, text } from '../i18n/texts';

/**
 * A refused credential. Its message is English (logs, the CLI); `text` is the same sentence as a
 * catalogue key, which the 401 answer says in the caller's language.
 */
export class InvalidCredentialsError extends Error {
  readonly text: Text;
  constructor(text: Text) {
    super(english(text));
    this.text = text;
  }
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'];

function secretKey(config: AuthConfig): KeyObject | null {
  return config.jwtSecret ? createSecretKey(Buffer.from(config.jwtSecret, 'utf8')) : null;
}

export interface TokenRequest {
  role: Role;
  agency: Agency | null;
  subject: string;
  /** jose duration, e.g. "8h", "30m", "7d" */
  expiresIn: string;
}

/** Checks the claims a token will carry: an agency exactly for agency users. */
export function checkTokenClaims(role: string, agency: string | null): { role: Role; agency: Agency | null } {
  const knownRole = ROLES.find((r) => r === role);
  if (!knownRole) throw new InvalidCredentialsError(text('auth.claims', { detail: `unknown role "${role}"; roles: ${ROLES.join(', ')}` }));
  if (knownRole === 'agency') {
    const knownAgency = AGENCIES.find((a) => a === agency);
    if (!knownAgency) throw new InvalidCredentialsError(text('auth.claims', { detail: `agency users need an agency, one of ${AGENCIES.join(', ')}` }));
    return { role: knownRole, agency: knownAgency };
  }
  if (agency) throw new InvalidCredentialsError(text('auth.claims', { detail: `only agency users carry an agency (role "${knownRole}")` }));
  return { role: knownRole, agency: null };
}

/** Signs a token with the private key when one is configured, else with the HS256 secret. */
export async function issueToken(config: AuthConfig, request: TokenRequest): Promise<string> {
  const { role, agency } = checkTokenClaims(request.role, request.agency);
  if (!/^[\w.@:-]{1,100}$/.test(request.subject)) throw new InvalidCredentialsError(text('auth.claims', { detail: 'subject must be 1-100 letters, digits or . @ : - _' }));
  const claims: Record<string, string> = { role };
  if (agency) claims.agency = agency;
  const jwt = new SignJWT(claims).setSubject(request.subject).setIssuer(config.issuer).setAudience(config.audience).setIssuedAt();
  try {
    jwt.setExpirationTime(request.expiresIn);
  } catch {
    throw new InvalidCredentialsError(text('auth.claims', { detail: `expires "${request.expiresIn}" is not a duration such as 30m, 8h or 7d` }));
  }
  if (config.jwtPrivateKey) {
    const key = createPrivateKey(config.jwtPrivateKey);
    const alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
    return jwt.setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
  }
  const secret = secretKey(config);
  if (!secret) throw new InvalidCredentialsError(text('auth.noKey', { alg: 'HS256' }));
  return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
}

/** The user a token speaks for; throws InvalidCredentialsError for any bad, expired or foreign token. */
export async function verifyToken(config: AuthConfig, token: string): Promise<RequestUser> {
  const header = token.split('.')[0] ?? '';
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg;
  } catch {
    throw new InvalidCredentialsError(text('auth.notJwt'));
  }
  let key: KeyObject | null;
  let algorithms: string[];
  if (alg === 'HS256') {
    key = secretKey(config);
    algorithms = ['HS256'];
  } else if (typeof alg === 'string' && ASYMMETRIC_ALGORITHMS.includes(alg)) {
    key = config.jwtPublicKey ? createPublicKey(config.jwtPublicKey) : null;
    algorithms = ASYMMETRIC_ALGORITHMS;
  } else {
    throw new InvalidCredentialsError(text('auth.algorithm'));
  }
  if (!key) throw new InvalidCredentialsError(text('auth.noKey', { alg: String(alg) }));
  try {
    const { payload } = await jwtVerify(token, key, { issuer: config.issuer, audience: config.audience, algorithms, requiredClaims: ['sub', 'exp'] });
    const { role, agency } = checkTokenClaims(String(payload.role ?? ''), typeof payload.agency === 'string' ? payload.agency : null);
    return { id: String(payload.sub), role, agency };
  } catch (error) {
    if (error instanceof InvalidCredentialsError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new InvalidCredentialsError(text('auth.expired'));
    if (error instanceof joseErrors.JOSEError) throw new InvalidCredentialsError(text('auth.refused', { code: error.code }));
    throw error;
  }
}
