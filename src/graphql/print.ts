import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema } from './build';

/**
 * The API as SDL, sorted by name so the file changes only where the API changes (not with the
 * order resolvers are registered in). `schema.graphql` at the repository root is this text;
 * a test fails when they differ, so every API change shows in review.
 */
export async function printApiSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildApiSchema()))}\n`;
}
