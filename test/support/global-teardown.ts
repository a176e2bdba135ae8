import { dropDatabase } from '../../src/db/connection';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.HOTSPOTS_TEST_DATABASE;
  if (url && !process.env.KEEP_TEST_DATABASE) await dropDatabase(url);
}
