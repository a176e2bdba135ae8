/**
 * The layering of src/ (docs/architecture.md, "Layers and arrows"), checked by `npm run lint`.
 *
 * Arrows point one way, from the top down:
 *
 *   server.ts, cli/                     may import anything
 *   graphql/                            schema assembly: resolvers, schema, auth
 *   resolvers/, http/                   thin: analysis, schema, auth, compute, context, errors, config, domain
 *   analysis/                           db, geo, compute, auth, cache, context, errors, config, domain;
 *                                       schema as `import type` only (argument and answer types)
 *   import/                             geo, db, domain, config
 *   auth/, compute/, schema/            below analysis
 *   db/                                 geo, domain, config, cache
 *   geo/                                domain only (pure functions, no I/O)
 *   i18n/                               nothing of ours (the catalogues; used by analysis, http, graphql, auth)
 *   domain.ts                           nothing of ours
 *
 * h3-js is imported by src/geo/h3.ts alone (the (lat, lng) swap happens in one place). SQL is
 * checked by ESLint (eslint.config.mjs): knex imports, knex(...) and .raw(...) only under src/db.
 *
 * Paths are regular expressions on paths relative to the repository root. `to.pathNot` may use
 * `$1`, the group captured by `from.path`.
 */
const TOP = '^src/(cli/|server\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes the load order matter and hides which module is the lower one.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-top',
      severity: 'error',
      comment: 'src/server.ts and src/cli are the top: nothing below imports them.',
      from: { path: '^src/', pathNot: TOP },
      to: { path: TOP },
    },
    {
      name: 'h3-js-only-in-geo-h3',
      severity: 'error',
      comment: 'h3-js takes (lat, lng), GeoJSON and PostGIS [lng, lat]: only src/geo/h3.ts calls it, so the swap happens once.',
      from: { path: '^src/', pathNot: '^src/geo/h3\\.ts$' },
      to: { path: '(^|/)node_modules/h3-js/' },
    },
    {
      name: 'geo-only-domain',
      severity: 'error',
      comment: 'src/geo is pure: it imports src/domain.ts and itself, nothing else of ours.',
      from: { path: '^src/geo/' },
      to: { path: '^(src|seeds)/', pathNot: '^src/(geo/|domain\\.ts$)' },
    },
    {
      name: 'geo-no-io',
      severity: 'error',
      comment: 'src/geo does no I/O: no database driver, no server, no file system or network.',
      from: { path: '^src/geo/' },
      to: {
        path: ['(^|/)node_modules/(knex|knex-postgis|pg|express|graphql|type-graphql|@apollo/[^/]+)/', '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|cluster)$'],
      },
    },
    {
      name: 'db-below-analysis',
      severity: 'error',
      comment: 'src/db imports src/geo, src/domain.ts, src/config.ts and src/cache.ts only.',
      from: { path: '^src/db/' },
      to: { path: '^(src|seeds)/', pathNot: '^src/(db/|geo/|(domain|config|cache)\\.ts$)' },
    },
    {
      name: 'analysis-not-up',
      severity: 'error',
      comment: 'src/analysis serves resolvers and http: it never imports them, the schema assembly, the CLI or the server.',
      from: { path: '^src/analysis/' },
      to: { path: '^src/(resolvers|http|graphql)/' },
    },
    {
      name: 'analysis-schema-type-only',
      severity: 'error',
      comment: 'src/analysis takes and answers the GraphQL classes as types (`import type`); values of src/schema stay with the resolvers.',
      from: { path: '^src/analysis/' },
      to: { path: '^src/schema/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'analysis-allowed',
      severity: 'error',
      comment:
        'src/analysis imports src/db, src/geo, src/compute, src/auth, src/import (the one validation of imported records, shared by the CLI and the import mutations) and the shared modules (cache, context, errors, config, domain).',
      from: { path: '^src/analysis/' },
      to: {
        path: '^(src|seeds)/',
        // what the two rules above and not-to-top report is left out here, so each import is counted once
        pathNot: ['^src/(analysis|db|geo|compute|auth|import|i18n)/', '^src/(cache|context|errors|config|domain)\\.ts$', '^src/(resolvers|http|graphql|schema)/', TOP],
      },
    },
    {
      name: 'resolvers-http-not-to-db',
      severity: 'error',
      comment: 'Resolvers and HTTP handlers are thin: they call src/analysis, which calls src/db.',
      from: { path: '^src/(resolvers|http)/' },
      to: { path: '^src/db/' },
    },
    {
      name: 'resolvers-http-allowed',
      severity: 'error',
      comment: 'src/resolvers and src/http import src/analysis, src/schema, src/auth, src/compute and context, errors, config, domain (and their own folder).',
      from: { path: '^src/(resolvers|http)/' },
      to: {
        path: '^(src|seeds)/',
        pathNot: ['^src/($1|analysis|schema|auth|compute|i18n)/', '^src/(context|errors|config|domain)\\.ts$', '^src/db/', TOP],
      },
    },
    {
      name: 'graphql-assembly-allowed',
      severity: 'error',
      comment: 'src/graphql assembles the schema from src/resolvers, src/schema and src/auth.',
      from: { path: '^src/graphql/' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/(graphql|resolvers|schema|auth|i18n)/', '^src/context\\.ts$', TOP] },
    },
    {
      name: 'import-allowed',
      severity: 'error',
      comment: 'src/import (readers, validation, the file import) imports src/geo, src/db, src/domain.ts and src/config.ts.',
      from: { path: '^src/import/' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/(import|geo|db)/', '^src/(domain|config)\\.ts$', TOP] },
    },
    {
      name: 'schema-allowed',
      severity: 'error',
      comment: 'src/schema holds GraphQL types only: it imports the vocabulary (domain, geo constants, role table), never the layers that use it.',
      from: { path: '^src/schema/' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/(schema|geo|auth)/', '^src/(domain|config|errors)\\.ts$', TOP] },
    },
    {
      name: 'auth-allowed',
      severity: 'error',
      comment: 'src/auth (tokens, keys, roles, limits) sits below the resolvers and src/analysis; its refusals are said in the caller language (src/i18n).',
      from: { path: '^src/auth/' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/(auth|db|geo|compute|i18n)/', '^src/(domain|config|context|errors|cache)\\.ts$', TOP] },
    },
    {
      name: 'compute-allowed',
      severity: 'error',
      comment: 'src/compute (budget, worker pool) runs src/geo functions; it sits below src/analysis.',
      from: { path: '^src/compute/' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/(compute|geo)/', '^src/(domain|config|errors)\\.ts$', TOP] },
    },
    {
      name: 'i18n-is-a-leaf',
      comment: 'src/i18n (the catalogues and the words of the product) is shared by the API and the map page: it imports nothing of ours.',
      severity: 'error',
      from: { path: '^src/i18n/' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/i18n/'] },
    },
    {
      name: 'domain-is-a-leaf',
      severity: 'error',
      comment: 'src/domain.ts is the vocabulary every layer shares: it imports nothing of ours.',
      from: { path: '^src/domain\\.ts$' },
      to: { path: '^(src|seeds)/' },
    },
    {
      name: 'shared-modules-allowed',
      severity: 'error',
      comment: 'config.ts, errors.ts and cache.ts import src/domain.ts at most.',
      from: { path: '^src/(config|errors|cache)\\.ts$' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/domain\\.ts$', TOP] },
    },
    {
      name: 'context-allowed',
      severity: 'error',
      comment: 'context.ts names the request-scoped pieces: config, user, budget, database handle and loaders.',
      from: { path: '^src/context\\.ts$' },
      to: { path: '^(src|seeds)/', pathNot: ['^src/(compute|db|auth|i18n)/', '^src/(config|domain|errors)\\.ts$', TOP] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules/\\.cache)/' },
    // keep `import type` edges in the graph, marked 'type-only', so analysis-schema-type-only can tell them apart
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
