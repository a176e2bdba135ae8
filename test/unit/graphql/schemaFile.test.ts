/** schema.graphql at the repository root is the API as built, so every API change shows in review. */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printApiSchema } from '../../../src/graphql/print';

it('schema.graphql matches the built schema (run `npm run schema` and commit the file when the API changes)', async () => {
  const file = path.resolve(__dirname, '../../../schema.graphql');
  const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const built = await printApiSchema();
  if (committed !== built) {
    throw new Error('schema.graphql differs from the schema the code builds: run `npm run schema` and commit schema.graphql');
  }
});
