// ESLint (flat config): typescript-eslint's recommended rules, and the rule that keeps SQL in src/db.
// The layering of imports between folders is dependency-cruiser's job (.dependency-cruiser.cjs);
// formatting is Prettier's (.prettierrc). Both run with this one in `npm run lint`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** SQL outside src/db: what gives it away in the syntax tree. */
const SQL_OUTSIDE_DB = [
  {
    selector: "CallExpression[callee.property.name='raw']",
    message: 'SQL lives in src/db: move this .raw(...) into a function there and call that.',
  },
  {
    // knex('table'), trx('table'), ctx.knex('table'), db.knex('table'): the start of a query builder
    selector: 'CallExpression[callee.name=/^(knex|trx)$/], CallExpression[callee.property.name=/^(knex|trx)$/]',
    message: 'SQL lives in src/db: build this query in a function there and call that.',
  },
  {
    // knex.select(...), trx.insert(...), ctx.knex.from(...): query building on the handle itself
    // (transaction and destroy are not SQL: they pass the handle on or close it)
    selector:
      'CallExpression[callee.object.name=/^(knex|trx)$/][callee.property.name!=/^(raw|transaction|destroy)$/], CallExpression[callee.object.property.name=/^(knex|trx)$/][callee.property.name!=/^(raw|transaction|destroy)$/]',
    message: 'SQL lives in src/db: build this query in a function there and call that.',
  },
];

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', 'test-output/', '.bench/', 'bench/results/', 'test/fixtures/', 'public/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `_` for a position that must be named but is not used: (_, i) => ..., const [, b] style
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `{}` is lru-cache's own bound for keys and values ("not null or undefined", `K extends {}`):
      // the caches repeat it as written there
      '@typescript-eslint/no-empty-object-type': ['error', { allowObjectTypes: 'always' }],
      // `night ? dark++ : light++` is a statement here as often as an if/else
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
    },
  },
  {
    // one concept per file: a production file over 400 lines of code (comments and blank lines not
    // counted) says why in its header, with `/* eslint-disable max-lines -- the reason */`
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }] },
  },
  {
    // published coefficients (Cody's rational approximations, Lanczos, ...) are kept digit for digit as
    // printed in their source, more digits than a double holds; the literal rounds to the nearest double
    // and the iterative fits (IRLS, raking, theta by ML) initialise their loop state where it is
    // declared, as R's C code does, so the variables read the same in every branch of the loop
    files: ['src/geo/stats/**/*.ts'],
    rules: { 'no-loss-of-precision': 'off', 'no-useless-assignment': 'off' },
  },
  {
    // tests read untyped JSON answers of the API; `any` there is a cast of a response body
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // configuration files in CommonJS
    files: ['**/*.cjs', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // SQL only under src/db: no query building, no .raw(...), no database driver imported for its values
    files: ['src/**/*.ts'],
    ignores: ['src/db/**'],
    rules: {
      'no-restricted-syntax': ['error', ...SQL_OUTSIDE_DB],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'knex', message: 'SQL lives in src/db; outside it, `import type { Knex }` only.', allowTypeImports: true },
            { name: 'knex-postgis', message: 'SQL lives in src/db.', allowTypeImports: true },
            { name: 'pg', message: 'SQL lives in src/db.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
