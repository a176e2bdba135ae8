import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { loadAuthConfig } from '../../../src/config';
import { issueToken, verifyToken } from '../../../src/auth/tokens';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../../../src/auth/apiKeys';
import { credentialOf } from '../../../src/auth/authenticate';
import { agencyScope } from '../../../src/auth/scope';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const hs = loadAuthConfig({ AUTH_JWT_SECRET: SECRET });

describe('HS256 tokens', () => {
  it('carry subject, role and agency', async () => {
    const token = await issueToken(hs, { role: 'agency', agency: 'lighting', subject: 'lamps', expiresIn: '1h' });
    expect(await verifyToken(hs, token)).toEqual({ id: 'lamps', role: 'agency', agency: 'lighting' });
  });

  it('refuse an expired token', async () => {
    const token = await new SignJWT({ role: 'analyst' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer(hs.issuer)
      .setAudience(hs.audience)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(Buffer.from(SECRET));
    await expect(verifyToken(hs, token)).rejects.toThrow(/expired/);
  });

  it('refuse a token signed with another secret', async () => {
    const other = loadAuthConfig({ AUTH_JWT_SECRET: 'another-secret-that-is-long-enough-9876543210' });
    const token = await issueToken(other, { role: 'admin', agency: null, subject: 'x', expiresIn: '1h' });
    await expect(verifyToken(hs, token)).rejects.toThrow(/refused/);
  });

  it('refuse unsigned tokens, unknown roles, agency users without an agency and foreign audiences', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","role":"admin"}').toString('base64url')}.`;
    await expect(verifyToken(hs, none)).rejects.toThrow(/algorithm/);
    const sign = (claims: Record<string, unknown>, audience = hs.audience) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(hs.issuer).setAudience(audience).setExpirationTime('1h').sign(Buffer.from(SECRET));
    await expect(verifyToken(hs, await sign({ role: 'root' }))).rejects.toThrow(/unknown role/);
    await expect(verifyToken(hs, await sign({ role: 'agency' }))).rejects.toThrow(/need an agency/);
    await expect(verifyToken(hs, await sign({ role: 'analyst' }, 'someone-else'))).rejects.toThrow(/refused/);
    await expect(verifyToken(hs, 'not-a-jwt')).rejects.toThrow();
  });
});

describe('asymmetric tokens', () => {
  it.each([
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ])('%s: signed with the private key, verified with the public key only', async (_alg, makePair) => {
    const { publicKey, privateKey } = makePair();
    const signer = loadAuthConfig({ AUTH_JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), AUTH_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const verifier = loadAuthConfig({ AUTH_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const token = await issueToken(signer, { role: 'working_group', agency: null, subject: 'wg', expiresIn: '5m' });
    expect(await verifyToken(verifier, token)).toEqual({ id: 'wg', role: 'working_group', agency: null });
    // an HS256 token cannot pass where only a public key is configured
    const hsToken = await issueToken(hs, { role: 'admin', agency: null, subject: 'x', expiresIn: '5m' });
    await expect(verifyToken(verifier, hsToken)).rejects.toThrow(/no key configured/);
  });
});

describe('configuration', () => {
  it('falls back to the development secret only when nothing is configured, and says so', () => {
    expect(loadAuthConfig({}).usingDevelopmentSecret).toBe(true);
    expect(hs.usingDevelopmentSecret).toBe(false);
    expect(() => loadAuthConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/32 characters/);
  });
});

describe('API keys', () => {
  it('are random, hashed with SHA-256 and shown by prefix only', () => {
    const a = generateApiKey();
    expect(a).not.toBe(generateApiKey());
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(apiKeyDisplayPrefix(a)).toHaveLength(10);
  });

  it('arrive as ApiKey or x-api-key, tokens as Bearer', () => {
    expect(credentialOf({ headers: { authorization: 'Bearer abc' } })).toEqual({ kind: 'bearer', token: 'abc' });
    expect(credentialOf({ headers: { authorization: 'ApiKey k1' } })).toEqual({ kind: 'apiKey', key: 'k1' });
    expect(credentialOf({ headers: { 'x-api-key': 'k2' } })).toEqual({ kind: 'apiKey', key: 'k2' });
    expect(credentialOf({ headers: {} })).toEqual({ kind: 'none' });
    expect(() => credentialOf({ headers: { authorization: 'Basic dXNlcg==' } })).toThrow();
    expect(() => credentialOf({ headers: { authorization: 'Bearer a', 'x-api-key': 'b' } })).toThrow();
  });
});

describe('agency scope', () => {
  it('gives agency users their own agency only, the public nothing, the working group everything', () => {
    expect(agencyScope({ id: 'a', role: 'agency', agency: 'roads' })).toEqual({ kind: 'agency', agency: 'roads' });
    expect(agencyScope({ id: 'a', role: 'agency', agency: null })).toEqual({ kind: 'none' });
    expect(agencyScope({ id: 'p', role: 'public', agency: null })).toEqual({ kind: 'none' });
    expect(agencyScope({ id: 'w', role: 'working_group', agency: null })).toEqual({ kind: 'all' });
  });
});
