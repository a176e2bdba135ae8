/**
 * A fresh database for each test run: created, migrated through the real CLI, dropped after.
 * Workers inherit DATABASE_URL from here.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default async function globalSetup(): Promise<void> {
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const name = `hotspots_test_${process.pid}_${Date.now().toString(36)}`;
  const url = `${base}/${name}`;
  process.env.DATABASE_URL = url;
  process.env.HOTSPOTS_TEST_DATABASE = url;
  execFileSync(process.execPath, [path.resolve(__dirname, '../../dist/src/cli/main.js'), 'migrate'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'inherit',
  });
}
