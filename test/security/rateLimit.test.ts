/**
 * Rate limits as an attacker would try them: one API key or token written many ways, tokens of
 * one subject, anonymous callers who rewrite X-Forwarded-For, with and without a trusted proxy,
 * and floods of made-up credentials. Requests leave from chosen loopback addresses (127.0.0.x),
 * so each test knows the socket address the server sees.
 */
import http from 'node:http';
import { generateApiKey, apiKeyDisplayPrefix, hashApiKey } from '../../src/auth/apiKeys';
import { issueToken } from '../../src/auth/tokens';
import { insertApiKey } from '../../src/db/apiKeys';
import { startTestServer, TestServer } from '../support/server';

const SECRET = 'security-rate-limit-test-secret-0123456789';
const LIMIT = 5;
const ME = JSON.stringify({ query: '{ me { id } }' });

interface Answer {
  status: number;
  body: { data?: { me?: { id: string } }; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** POSTs `{ me { id } }` from `from` (a local address) with the given headers. */
function ask(t: TestServer, headers: Record<string, string> = {}, from = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: t.server.port, path: '/graphql', method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
      },
    );
    request.on('error', reject);
    request.end(ME);
  });
}

/** The statuses of `headers[i]` asked one after another. */
async function statuses(t: TestServer, headers: Record<string, string>[], from = '127.0.0.1'): Promise<number[]> {
  const out: number[] = [];
  for (const h of headers) out.push((await ask(t, h, from)).status);
  return out;
}

const served = (n: number) => Array.from({ length: n }, () => 200);

/** A fresh server per test: every budget starts full. */
async function server(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ AUTH_JWT_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: String(LIMIT), ...env });
}

let t: TestServer | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

async function apiKey(t: TestServer, name: string): Promise<string> {
  const key = generateApiKey();
  await t.server.db.knex('api_keys').where({ name }).delete();
  await insertApiKey(t.server.db.knex, { name, keyHash: hashApiKey(key), prefix: apiKeyDisplayPrefix(key), role: 'working_group', agency: null });
  return key;
}

describe('credentialed callers: one budget per verified principal', () => {
  it('every spelling of one API key shares one budget; another key keeps its own', async () => {
    t = await server();
    const key = await apiKey(t, 'rate-limit-dashboard');
    const other = await apiKey(t, 'rate-limit-other');
    const spellings: Record<string, string>[] = [
      { authorization: `ApiKey ${key}` },
      { authorization: `apikey ${key}` },
      { authorization: `APIKEY ${key}` },
      { authorization: `ApiKey  ${key}` },
      { 'x-api-key': key },
      { authorization: `ApiKey\t${key} ` },
      { 'x-api-key': ` ${key} ` },
    ];
    const answers = [];
    for (const h of spellings) answers.push(await ask(t, h));
    expect(answers.slice(0, LIMIT).map((a) => a.body.data?.me?.id)).toEqual(Array(LIMIT).fill('apikey:rate-limit-dashboard'));
    expect(answers.map((a) => a.status)).toEqual([...served(LIMIT), 429, 429]);
    expect(answers[LIMIT].body.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect((await ask(t, { 'x-api-key': other })).status).toBe(200);
  });

  it('every token of one subject, however the scheme is written, shares one budget; another subject keeps its own', async () => {
    t = await server();
    const auth = t.config.auth;
    // different tokens (lifetimes, roles) for one subject: a caller cannot mint itself budgets
    const tokens = await Promise.all(['5m', '6m', '7m', '8m', '9m', '10m', '11m'].map((expiresIn, i) => issueToken(auth, { role: i % 2 ? 'analyst' : 'working_group', agency: null, subject: 'desk-7', expiresIn })));
    const schemes = ['Bearer', 'bearer', 'BEARER', 'Bearer ', 'bEaReR', 'Bearer\t', 'Bearer'];
    const answers = [];
    for (let i = 0; i < tokens.length; i++) answers.push(await ask(t, { authorization: `${schemes[i]} ${tokens[i]}` }));
    expect(answers.map((a) => a.status)).toEqual([...served(LIMIT), 429, 429]);
    const someoneElse = await issueToken(auth, { role: 'analyst', agency: null, subject: 'desk-8', expiresIn: '5m' });
    const answer = await ask(t, { authorization: `Bearer ${someoneElse}` });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ me: { id: 'desk-8' } });
  });

  it('a caller over its budget does not use up its address: anonymous and other callers there are still served', async () => {
    t = await server();
    const token = await issueToken(t.config.auth, { role: 'analyst', agency: null, subject: 'greedy', expiresIn: '5m' });
    expect(await statuses(t, Array(LIMIT + 10).fill({ authorization: `Bearer ${token}` }))).toEqual([...served(LIMIT), ...Array(10).fill(429)]);
    expect((await ask(t)).status).toBe(200);
    const other = await issueToken(t.config.auth, { role: 'analyst', agency: null, subject: 'modest', expiresIn: '5m' });
    expect((await ask(t, { authorization: `Bearer ${other}` })).status).toBe(200);
  });

  it('a principal is limited wherever it calls from: a new address gives it no new budget', async () => {
    t = await server();
    const token = await issueToken(t.config.auth, { role: 'analyst', agency: null, subject: 'roaming', expiresIn: '5m' });
    const answers: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) answers.push((await ask(t, { authorization: `Bearer ${token}` }, `127.0.0.${10 + i}`)).status);
    expect(answers).toEqual([...served(LIMIT), 429, 429]);
  });
});

describe('anonymous callers: one budget per client address', () => {
  it('without TRUST_PROXY, a new X-Forwarded-For on every request gives no new budget', async () => {
    t = await server();
    const forged = Array.from({ length: LIMIT + 3 }, (_, i) => ({ 'x-forwarded-for': `203.0.113.${i + 1}` }));
    expect(await statuses(t, forged)).toEqual([...served(LIMIT), 429, 429, 429]);
    // another real address is another caller
    expect((await ask(t, {}, '127.0.0.2')).status).toBe(200);
  });

  it('a forged X-Forwarded-For from an address that is not a trusted proxy is ignored', async () => {
    t = await server({ TRUST_PROXY: '127.0.0.1' });
    // 127.0.0.3 is not the proxy: its header is the client's own word
    const forged = Array.from({ length: LIMIT + 2 }, (_, i) => ({ 'x-forwarded-for': `198.51.100.${i + 1}` }));
    expect(await statuses(t, forged, '127.0.0.3')).toEqual([...served(LIMIT), 429, 429]);
  });

  it('through a trusted proxy (TRUST_PROXY=127.0.0.1) the forwarded address is the caller', async () => {
    t = await server({ TRUST_PROXY: '127.0.0.1' });
    const first = { 'x-forwarded-for': '203.0.113.7' };
    expect(await statuses(t, Array(LIMIT + 1).fill(first))).toEqual([...served(LIMIT), 429]);
    // another client behind the same proxy has its own budget
    expect(await statuses(t, Array(LIMIT).fill({ 'x-forwarded-for': '203.0.113.8' }))).toEqual(served(LIMIT));
    // what the client wrote before the proxy's entry changes nothing: the proxy appended the address it saw
    const prepended = Array.from({ length: 3 }, (_, i) => ({ 'x-forwarded-for': `10.${i}.0.1, 203.0.113.7` }));
    expect(await statuses(t, prepended)).toEqual([429, 429, 429]);
  });

  it('through a trusted proxy range (TRUST_PROXY=127.0.0.0/8) each proxy address is trusted, the socket address is not the caller', async () => {
    t = await server({ TRUST_PROXY: '127.0.0.0/8' });
    for (let i = 0; i < LIMIT; i++) expect((await ask(t, { 'x-forwarded-for': '203.0.113.9' }, `127.0.0.${20 + i}`)).status).toBe(200);
    expect((await ask(t, { 'x-forwarded-for': '203.0.113.9' }, '127.0.0.30')).status).toBe(429);
  });
});

describe('refused credentials: a cheap limit per address before any verification', () => {
  it('made-up API keys and tokens, each different, are cut off, whatever X-Forwarded-For says', async () => {
    t = await server();
    const made = Array.from({ length: LIMIT + 4 }, (_, i): Record<string, string> => (i % 2 ? { 'x-api-key': `hsk_made_up_${i}` } : { authorization: `Bearer made.up.${i}` }));
    const answers: Answer[] = [];
    for (const [i, h] of made.entries()) answers.push(await ask(t, { ...h, 'x-forwarded-for': `203.0.113.${i + 1}` }));
    expect(answers.map((a) => a.status)).toEqual([...Array(LIMIT).fill(401), ...Array(4).fill(429)]);
    expect(answers[LIMIT].body.errors![0].extensions!.code).toBe('RATE_LIMITED');
    // once refused, the address is refused before its credentials are checked, good ones included
    const good = await issueToken(t.config.auth, { role: 'analyst', agency: null, subject: 'neighbour', expiresIn: '5m' });
    const refused = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: t!.server.port, path: '/graphql', method: 'POST', localAddress: '127.0.0.1', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${good}` } },
        resolve,
      );
      request.on('error', reject);
      request.end(ME);
    });
    refused.resume();
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // another address is not affected
    expect((await ask(t, { authorization: `Bearer ${good}` }, '127.0.0.4')).status).toBe(200);
  });

  it('accepted credentials do not count as refusals, even many at once', async () => {
    t = await server({ RATE_LIMIT_PER_MINUTE: '20' });
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => issueToken(t!.config.auth, { role: 'analyst', agency: null, subject: `crowd-${i}`, expiresIn: '5m' })));
    const answers = await Promise.all(tokens.map((token) => ask(t!, { authorization: `Bearer ${token}` })));
    expect(answers.filter((a) => a.status === 200).length).toBe(40);
    // the address's refusal budget is whole: 20 bad credentials are answered 401, the 21st 429
    const bad = await statuses(
      t,
      Array.from({ length: 21 }, (_, i) => ({ authorization: `Bearer bad.${i}.x` })),
    );
    expect(bad).toEqual([...Array(20).fill(401), 429]);
  });
});

describe('several processes: one budget per caller, counted in Redis', () => {
  let second: TestServer | null = null;
  afterEach(async () => {
    await second?.stop();
    second = null;
  });

  it('two servers of one deployment (as `serve --workers 2`) share each caller’s budget and each address’s refusals', async () => {
    const deployment = { RATE_LIMIT_PREFIX: `hotspots:test:ratelimit:shared-${Date.now()}:` };
    t = await server(deployment);
    second = await server(deployment);
    expect(t.server.rateLimitStores.shared).toBe(true);
    expect(second.server.rateLimitStores.shared).toBe(true);
    const key = await apiKey(t, 'rate-limit-two-processes');
    const answers: number[] = [];
    // alternating between the processes: together they grant LIMIT requests, not 2 x LIMIT
    for (let i = 0; i < LIMIT + 3; i++) answers.push((await ask(i % 2 ? second : t, { 'x-api-key': key })).status);
    expect(answers).toEqual([...served(LIMIT), 429, 429, 429]);
    // made-up credentials from one address, spread over both: refused LIMIT times in all, then cut off
    const made: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) made.push((await ask(i % 2 ? second : t, { authorization: `Bearer made.up.${i}` }, '127.0.0.20')).status);
    expect(made).toEqual([...Array(LIMIT).fill(401), 429, 429]);
  });

  it('another deployment (prefix or database) keeps its own budgets', async () => {
    t = await server({ RATE_LIMIT_PREFIX: `hotspots:test:ratelimit:a-${Date.now()}:` });
    second = await server({ RATE_LIMIT_PREFIX: `hotspots:test:ratelimit:b-${Date.now()}:` });
    const key = await apiKey(t, 'rate-limit-deployments');
    expect(await statuses(t, Array(LIMIT + 1).fill({ 'x-api-key': key }))).toEqual([...served(LIMIT), 429]);
    expect((await ask(second, { 'x-api-key': key })).status).toBe(200);
  });

  it('without Redis each process still limits its callers, and says once that it counts alone', async () => {
    const warnings: string[] = [];
    // a port nothing listens on
    t = await startTestServer({ AUTH_JWT_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: String(LIMIT), REDIS_URL: 'redis://127.0.0.1:9' }, { warn: (line) => warnings.push(line) });
    expect(t.server.rateLimitStores.shared).toBe(false);
    expect(warnings.join('\n')).toMatch(/rate limits: Redis at 127\.0\.0\.1:9 is unreachable .*each process counts its callers on its own/);
    const key = await apiKey(t, 'rate-limit-no-redis');
    expect(await statuses(t, Array(LIMIT + 2).fill({ 'x-api-key': key }))).toEqual([...served(LIMIT), 429, 429]);
  });
});

describe('refusals in the caller’s language', () => {
  it('401 and 429 are said in Russian or Kazakh as Accept-Language asks; the codes stay', async () => {
    t = await server();
    const english = await ask(t, { authorization: 'Bearer not-a-jwt' });
    expect(english.status).toBe(401);
    expect(english.body.errors![0].message).toBe('the bearer token is not a JWT');
    const russian = await ask(t, { authorization: 'Bearer not-a-jwt', 'accept-language': 'ru-RU,ru;q=0.9' });
    expect(russian.body.errors![0]).toEqual({ message: 'Токен в заголовке Bearer не является JWT', extensions: { code: 'UNAUTHENTICATED' } });
    const kazakh = await ask(t, { 'x-api-key': 'hsk_made_up', 'accept-language': 'kk' }, '127.0.0.30');
    expect(kazakh.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(kazakh.body.errors![0].message).toMatch(/^API кілті жарамсыз/);
    const key = await apiKey(t, 'rate-limit-languages');
    const answers: Answer[] = [];
    for (let i = 0; i <= LIMIT; i++) answers.push(await ask(t, { 'x-api-key': key, 'accept-language': 'ru' }, '127.0.0.31'));
    expect(answers[LIMIT].status).toBe(429);
    expect(answers[LIMIT].body.errors![0].extensions!.code).toBe('RATE_LIMITED');
    expect(answers[LIMIT].body.errors![0].message).toMatch(/^Слишком много запросов: не более 5 в минуту/);
  });
});
