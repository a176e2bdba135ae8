/**
 * The README's demo path end to end: `hotspots demo` on an empty database creates it, migrates,
 * seeds the demo city, serves, prints example queries, and the examples answer.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { dropDatabase } from '../../src/db/connection';
import { EXAMPLE_QUERIES } from '../../src/cli/examples';
import { loadAuthConfig } from '../../src/config';
import { issueToken } from '../../src/auth/tokens';

const CLI = path.resolve(__dirname, '../../dist/src/cli/main.js');
const demoUrl = process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/hotspots_demo_${process.pid}`);
let child: ChildProcess | null = null;

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  await dropDatabase(demoUrl);
});

it('serves the demo city with 39 modular posts, 5 in Alatau, and the printed examples work', async () => {
  await dropDatabase(demoUrl);
  // no secret configured: the demo runs on the development secret and prints an analyst token
  const env = { ...process.env, DATABASE_URL: demoUrl, PORT: '0', AUTH_JWT_SECRET: '', AUTH_JWT_PUBLIC_KEY: '' };
  child = spawn(process.execPath, [CLI, 'demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(output);
      if (match && output.includes('curl')) resolve(match[1]);
    });
    child!.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
  expect(output).toMatch(/incidents: inserted \d+/);
  expect(output).toMatch(/development analyst token/);
  const analystToken = await issueToken(loadAuthConfig({}), { role: 'analyst', agency: null, subject: 'e2e', expiresIn: '10m' });
  const ask = async (query: string, role?: string) => {
    const auth: Record<string, string> = role ? { authorization: `Bearer ${analystToken}` } : {};
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query }) });
    return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  };
  const posts = await ask('{ posts(filter: { kinds: [MODULAR_POST] }, first: 100) { totalCount nodes { district { name } } } }');
  expect(posts.errors).toBeUndefined();
  expect(posts.data!.posts.totalCount).toBe(39);
  expect(posts.data!.posts.nodes.filter((p: { district: { name: string } }) => p.district.name === 'Alatau')).toHaveLength(5);
  for (const example of EXAMPLE_QUERIES) {
    const answer = await ask(example.query, example.role);
    expect(answer.errors).toBeUndefined();
  }
  const health = await fetch(url.replace('/graphql', '/readyz'));
  expect(health.status).toBe(200);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
  expect(code).toBe(0);
});
