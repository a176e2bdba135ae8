/** Settings that guard the server: trusted proxies, production in any letter case, no published secret in production. */
import express from 'express';
import { checkAuthForProduction, ConfigError, DEVELOPMENT_JWT_SECRET, isProduction, loadConfig, parseTrustProxy } from '../../src/config';

const REAL_SECRET = 'a-real-deployment-secret-0123456789abcdef';

describe('TRUST_PROXY', () => {
  it('trusts no proxy when unset or empty', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(parseTrustProxy('')).toEqual([]);
    expect(parseTrustProxy('  ')).toEqual([]);
  });

  it('takes addresses, CIDRs, IPv4 netmasks and the proxy-addr names, comma-separated', () => {
    const list = '127.0.0.1, 10.0.0.0/8,192.168.1.0/255.255.255.0 , ::1, fd00::/8, loopback, uniquelocal, linklocal';
    expect(parseTrustProxy(list)).toEqual(['127.0.0.1', '10.0.0.0/8', '192.168.1.0/255.255.255.0', '::1', 'fd00::/8', 'loopback', 'uniquelocal', 'linklocal']);
    expect(loadConfig({ TRUST_PROXY: '10.1.2.3' }).trustProxy).toEqual(['10.1.2.3']);
  });

  it('hands Express only values its trust proxy setting compiles, and trusts what it names', () => {
    const app = express();
    app.set('trust proxy', parseTrustProxy('10.0.0.0/8, 192.168.1.0/255.255.255.0, fd00::/8, loopback'));
    const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
    expect(trust('10.20.30.40', 0)).toBe(true);
    expect(trust('192.168.1.7', 0)).toBe(true);
    expect(trust('::ffff:127.0.0.1', 0)).toBe(true);
    expect(trust('203.0.113.9', 0)).toBe(false);
    expect(trust('192.168.2.7', 0)).toBe(false);
  });

  it.each([
    ['1', /hop count/],
    ['2', /hop count/],
    ['true', /not an IP address or CIDR/],
    ['gateway.city.kz', /not an IP address or CIDR/],
    ['127.1', /not an IP address or CIDR/],
    ['10.0.0.0/33', /valid prefix/],
    ['10.0.0.0/0', /0 would trust every address/],
    ['0.0.0.0/0', /valid prefix/],
    ['::/0', /valid prefix/],
    ['10.0.0.0/255.0.255.0', /valid prefix/],
    ['10.0.0.0/abc', /valid prefix/],
    ['fd00::/129', /valid prefix/],
    ['10.0.0.1,,10.0.0.2', /empty entry/],
    ['10.0.0.1,', /empty entry/],
  ])('refuses %j with a ConfigError naming TRUST_PROXY', (raw, reason) => {
    expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(/^TRUST_PROXY: /);
    expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(reason);
  });
});

describe('NODE_ENV', () => {
  it.each(['production', 'Production', 'PRODUCTION', ' production '])('%j is production', (value) => {
    expect(isProduction({ NODE_ENV: value })).toBe(true);
    expect(loadConfig({ NODE_ENV: value, AUTH_JWT_SECRET: REAL_SECRET }).production).toBe(true);
  });

  it.each([undefined, '', 'development', 'test', 'prod', 'productionx'])('%j is not production', (value) => {
    expect(isProduction({ NODE_ENV: value })).toBe(false);
  });

  it('refuses to run on no secret in production, in any letter case', () => {
    expect(() => checkAuthForProduction(loadConfig({ NODE_ENV: 'PRODUCTION' }))).toThrow(/AUTH_JWT_SECRET .* or AUTH_JWT_PUBLIC_KEY must be set/);
  });
});

describe('published secrets in production', () => {
  it('refuses the built-in development secret set explicitly, and says why', () => {
    const config = loadConfig({ NODE_ENV: 'Production', AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET });
    expect(() => checkAuthForProduction(config)).toThrow(ConfigError);
    expect(() => checkAuthForProduction(config)).toThrow(/must not be the built-in development secret.*anyone who read the code could sign tokens/);
  });

  it('refuses it with surrounding whitespace, and next to a public key', () => {
    expect(() => checkAuthForProduction(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: ` ${DEVELOPMENT_JWT_SECRET}\n` }))).toThrow(/development secret/);
    const publicKey = '-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----';
    expect(() => checkAuthForProduction(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET, AUTH_JWT_PUBLIC_KEY: publicKey }))).toThrow(/development secret/);
  });

  it('accepts a real secret in production, and the development secret outside production', () => {
    expect(() => checkAuthForProduction(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: REAL_SECRET }))).not.toThrow();
    expect(() => checkAuthForProduction(loadConfig({ NODE_ENV: 'development', AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }))).not.toThrow();
    expect(() => checkAuthForProduction(loadConfig({}))).not.toThrow();
  });
});
