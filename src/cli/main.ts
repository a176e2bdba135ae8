#!/usr/bin/env node
/**
 * The `hotspots` command: migrate, rollback, seed, import, serve, demo, schema.
 * Every command reads DATABASE_URL and PORT from the environment.
 */
import 'reflect-metadata';
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkAuthForProduction, ConfigError, loadConfig, parseBounds } from '../config';
import { connect, ensureDatabase, migrateLatest } from '../db/connection';
import { storedAreaCount } from '../db/maintenance';
import { LAYERS, Layer, RISK_FEATURE_FACTOR_PATTERN } from '../domain';
import { ImportRefusedError } from '../import/errors';
import { parseProfile } from '../import/profile';
import { encodingExists, IMPORT_FORMATS, ImportFormat, parseOpen311Mapping } from '../import/readers';
import { formatSummary, importFile } from '../import/run';
import { isValidTimeZone } from '../import/dates';
import { exampleQueriesText } from './examples';

const USAGE = `usage: hotspots <command> [options]

commands:
  migrate                      create the database if needed and apply all migrations
  rollback [--all]             undo the last batch of migrations (--all: every one)
  seed [--incidents N] [--seed S]
                               load the deterministic demo city (Almaty) into the database
  import <layer> <file> [--profile FILE] [--dry-run] [--format csv|geojson|open311|police-uk|gis]
         [--source S] [--mapping FILE] [--rejects FILE] [--bounds minLng,minLat,maxLng,maxLat]
         [--time-zone Asia/Almaty] [--factor NAME] [--label TEXT] [--source-layer NAME]
                               import a file; layers: ${LAYERS.join(', ')}
                               (--profile: how the file's columns become the layer's, docs/imports.md;
                               --dry-run: check every row, write nothing;
                               --factor, --label: risk_features rows without their own)
  inspect <file> [--layer L] [--profile FILE] [--write-profile FILE] [--rows N]
                               columns with samples and guessed types, a proposed profile and the
                               first rows as the import would read them
  profile save <name> <file> [--layer L] | list | show <name>
                               mapping profiles kept in the database; --profile <name> uses one
  serve [--workers N]          start the GraphQL server at http://localhost:$PORT/graphql in N processes
                               (default: one per core; they share the port and the Redis response cache)
  demo                         migrate, seed when the database is empty, and serve
  schema [FILE]                print the GraphQL schema (SDL) to FILE, or to stdout
  token --role R [--agency A] [--sub NAME] [--expires 8h]
                               print a signed bearer token (roles: admin, analyst, working_group,
                               agency, public; agency users need --agency)
  apikey create <name> --role R [--agency A] | revoke <name> | list
                               API keys for dashboards (stored hashed; shown once)

environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/hotspots), PORT (default 4000),
             CITY_BOUNDS, CITY_TIME_ZONE, IMPORT_BATCH_SIZE, MAX_PAGE_SIZE; security settings
             (AUTH_JWT_SECRET, SUPPRESSION_THRESHOLD, RATE_LIMIT_PER_MINUTE, ...) in docs/security.md`;

/** The demo's database: created, migrated and seeded with the demo city when it has no areas. */
async function prepareDemo(config: ReturnType<typeof loadConfig>): Promise<void> {
  await ensureDatabase(config.databaseUrl);
  const db = connect(config.databaseUrl);
  try {
    await migrateLatest(db);
    if ((await storedAreaCount(db.knex)) === 0) {
      const { seedDemoCity } = await import('./seed.js');
      await seedDemoCity(db.knex, config, { log: (line: string) => console.log(line) });
    } else console.log('demo data already loaded');
  } finally {
    await db.knex.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      const created = await ensureDatabase(config.databaseUrl);
      const db = connect(config.databaseUrl);
      try {
        const applied = await migrateLatest(db);
        console.log(`${created ? 'created the database; ' : ''}applied ${applied.length} migration(s)${applied.length ? ': ' + applied.join(', ') : ''}`);
      } finally {
        await db.knex.destroy();
      }
      return 0;
    }
    case 'rollback': {
      const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean' } } });
      const db = connect(config.databaseUrl);
      try {
        const [, undone] = (await db.knex.migrate.rollback(undefined, values.all ?? false)) as [number, string[]];
        console.log(`rolled back ${undone.length} migration(s)`);
      } finally {
        await db.knex.destroy();
      }
      return 0;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { incidents: { type: 'string' }, seed: { type: 'string' } } });
      const db = connect(config.databaseUrl);
      try {
        const { seedDemoCity } = await import('./seed.js');
        await seedDemoCity(db.knex, config, {
          incidentCount: values.incidents ? Number(values.incidents) : undefined,
          seed: values.seed ? Number(values.seed) : undefined,
          log: (line: string) => console.log(line),
        });
      } finally {
        await db.knex.destroy();
      }
      return 0;
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          format: { type: 'string' },
          source: { type: 'string' },
          mapping: { type: 'string' },
          rejects: { type: 'string' },
          bounds: { type: 'string' },
          'time-zone': { type: 'string' },
          factor: { type: 'string' },
          label: { type: 'string' },
          profile: { type: 'string' },
          'dry-run': { type: 'boolean' },
          'source-layer': { type: 'string' },
        },
      });
      const [layer, file] = positionals;
      if (!layer || !file || positionals.length > 2) throw new ConfigError('import takes a layer and a file');
      if (!(LAYERS as readonly string[]).includes(layer)) throw new ConfigError(`unknown layer "${layer}"; layers: ${LAYERS.join(', ')}`);
      if (values.format && !(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
        throw new ConfigError(`unknown format "${values.format}"; formats: ${IMPORT_FORMATS.join(', ')}`);
      }
      if ((values.factor !== undefined || values.label !== undefined) && layer !== 'risk_features') {
        throw new ConfigError('--factor and --label apply to the risk_features layer only');
      }
      // a bad --factor would reject every row of the file one by one: refuse it up front instead
      if (values.factor !== undefined && !RISK_FEATURE_FACTOR_PATTERN.test(values.factor)) {
        throw new ConfigError(`--factor "${values.factor}" is not a factor name (lower-case letters, digits and _, starting with a letter, at most 48)`);
      }
      const timeZone = values['time-zone'] ?? config.timeZone;
      if (!isValidTimeZone(timeZone)) throw new ConfigError(`unknown time zone "${timeZone}"`);
      if (values.mapping !== undefined && values.format !== undefined && values.format !== 'open311') {
        throw new ConfigError('--mapping is the service_code mapping of an Open311 requests.json; map the columns of other files with --profile FILE');
      }
      const open311Mapping = values.mapping !== undefined ? await readOpen311Mapping(values.mapping) : undefined;
      const profile = values.profile !== undefined ? await readProfile(values.profile, layer as Layer, config.databaseUrl) : null;
      const db = connect(config.databaseUrl);
      const progress = process.stderr.isTTY ? terminalProgress() : undefined;
      try {
        const summary = await importFile(db.knex, {
          layer: layer as Layer,
          file,
          format: values.format as ImportFormat | undefined,
          defaultSource: values.source,
          defaultFactor: values.factor,
          defaultLabel: values.label,
          bounds: values.bounds ? parseBounds(values.bounds, '--bounds') : config.cityBounds,
          timeZone,
          batchSize: config.importBatchSize,
          fineResolution: config.fineResolution,
          rejectsPath: values.rejects,
          open311Mapping,
          profile,
          dryRun: values['dry-run'] ?? false,
          sourceLayer: values['source-layer'],
          onProgress: progress,
        });
        if (progress) process.stderr.write('\n');
        console.log(formatSummary(summary));
      } finally {
        await db.knex.destroy();
      }
      return 0;
    }
    case 'inspect': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          layer: { type: 'string' },
          profile: { type: 'string' },
          'write-profile': { type: 'string' },
          rows: { type: 'string' },
          'time-zone': { type: 'string' },
          'source-layer': { type: 'string' },
        },
      });
      const [file] = positionals;
      if (!file || positionals.length > 1) throw new ConfigError('inspect takes a file');
      const layer = values.layer ?? 'incidents';
      if (!(LAYERS as readonly string[]).includes(layer)) throw new ConfigError(`unknown layer "${layer}"; layers: ${LAYERS.join(', ')}`);
      const rows = values.rows !== undefined ? Number(values.rows) : 5;
      if (!Number.isInteger(rows) || rows < 0 || rows > 1000) throw new ConfigError('--rows must be a whole number from 0 to 1000');
      const timeZone = values['time-zone'] ?? config.timeZone;
      if (!isValidTimeZone(timeZone)) throw new ConfigError(`unknown time zone "${timeZone}"`);
      const profile = values.profile !== undefined ? await readProfile(values.profile, layer as Layer, config.databaseUrl) : null;
      const { inspectFile, formatInspection } = await import('../import/inspect.js');
      const inspection = await inspectFile(file, { layer: layer as Layer, profile, rows, timeZone, bounds: config.cityBounds, sourceLayer: values['source-layer'] });
      console.log(formatInspection(inspection));
      if (values['write-profile']) {
        await fs.writeFile(values['write-profile'], JSON.stringify(inspection.proposedProfile, null, 2) + '\n');
        console.log(`\nwrote a profile to start from: ${values['write-profile']} (check every field, then: hotspots import ${layer} ${file} --profile ${values['write-profile']} --dry-run)`);
      }
      return 0;
    }
    case 'profile': {
      await profileCommand(config.databaseUrl, rest);
      return 0;
    }
    case 'token': {
      const { tokenCommand } = await import('./access.js');
      await tokenCommand(config, rest);
      return 0;
    }
    case 'apikey': {
      const { apiKeyCommand } = await import('./access.js');
      await apiKeyCommand(config, rest);
      return 0;
    }
    case 'serve':
    case 'demo': {
      checkAuthForProduction(config);
      const { values: serveOptions } = parseArgs({ args: rest, options: { workers: { type: 'string' } } });
      const { availableParallelism } = await import('node:os');
      const workers = serveOptions.workers === undefined ? (command === 'serve' ? availableParallelism() : 1) : Number(serveOptions.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new ConfigError('--workers must be an integer from 1 to 256');
      const processes = await import('./processes.js');
      if (workers > 1 && !processes.isServerWorker()) {
        if (command === 'demo') await prepareDemo(config);
        processes.servePrimary(workers, (line) => console.log(line));
        return -1;
      }
      if (command === 'demo' && !processes.isServerWorker()) await prepareDemo(config);
      const { startServer } = await import('../server.js');
      if (config.auth.usingDevelopmentSecret) {
        console.warn('warning: no AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY configured; bearer tokens are checked against the built-in development secret (production refuses to start like this)');
      }
      const server = await startServer(config, undefined, { prewarmOnChange: true });
      if (processes.isServerWorker()) {
        console.log(`worker ${process.pid} serving`);
        processes.reportReady(server.url);
      } else console.log(`hotspots API ready at ${server.url}`);
      if (command === 'demo' && !processes.isServerWorker()) {
        // on a laptop the demo hands out an analyst token signed with the development secret
        let analystToken: string | null = null;
        if (config.auth.usingDevelopmentSecret) {
          const { issueToken } = await import('../auth/tokens.js');
          analystToken = await issueToken(config.auth, { role: 'analyst', agency: null, subject: 'demo-analyst', expiresIn: '8h' });
          console.log(`\ndevelopment analyst token (8 hours; for more: hotspots token --role analyst):\n${analystToken}`);
        }
        console.log(exampleQueriesText(server.url, analystToken));
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: no new connections; finishing requests in flight, then closing the database pool`);
        try {
          await server.stop();
          process.exit(0);
        } catch (error) {
          console.error('shutdown failed:', error);
          process.exit(1);
        }
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      return -1;
    }
    case 'schema': {
      // loaded here: building the GraphQL schema cost every other command (an import too) a quarter second
      const { printApiSchema } = await import('../graphql/print.js');
      const sdl = await printApiSchema();
      if (rest[0] && rest[0] !== '-') {
        await fs.writeFile(rest[0], sdl);
        console.log(`wrote ${rest[0]}`);
      } else {
        process.stdout.write(sdl);
      }
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function readTextFile(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ImportRefusedError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 2);
  }
}

async function readOpen311Mapping(file: string) {
  const text = await readTextFile(file, 'Open311 mapping');
  try {
    return parseOpen311Mapping(text);
  } catch (error) {
    throw new ImportRefusedError(`the Open311 mapping ${file}: ${(error as Error).message}`, 2);
  }
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `--profile`: a profile file, or else the name of a stored profile (`hotspots profile save`). */
async function readProfile(spec: string, layer: Layer, databaseUrl: string) {
  const isFile = await fs.stat(spec).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile || !PROFILE_NAME.test(spec) || /\.json$/i.test(spec)) return parseProfile(await readTextFile(spec, 'profile'), layer, encodingExists);
  const { importProfileByName } = await import('../db/importProfiles.js');
  const db = connect(databaseUrl);
  try {
    const stored = await importProfileByName(db.knex, spec);
    if (!stored) throw new ImportRefusedError(`--profile ${spec}: no such file, and no stored profile of that name (hotspots profile list)`, 2);
    return parseProfile(stored.profile, layer, encodingExists);
  } finally {
    await db.knex.destroy();
  }
}

/** `hotspots profile save <name> <file> [--layer L] | list | show <name>`: mapping profiles kept in the database. */
async function profileCommand(databaseUrl: string, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { layer: { type: 'string' } } });
  const [action, name, file] = positionals;
  const { saveImportProfile, importProfileByName, listImportProfiles } = await import('../db/importProfiles.js');
  if (action === 'save') {
    if (!name || !file || positionals.length > 3) throw new ConfigError('profile save takes a name and a file');
    if (!PROFILE_NAME.test(name)) throw new ConfigError(`profile name "${name}": letters, digits, _ . and -, at most 64, starting with a letter or digit`);
    const text = await readTextFile(file, 'profile');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ImportRefusedError(`the profile is not JSON: ${(error as Error).message}`, 2);
    }
    const layer = values.layer ?? (json as { layer?: unknown }).layer;
    if (typeof layer !== 'string' || !(LAYERS as readonly string[]).includes(layer)) throw new ConfigError('profile save needs the layer: a "layer" in the profile, or --layer L');
    // checked as an import would check it, so a stored profile is a usable one
    parseProfile(json, layer as Layer, encodingExists);
    const db = connect(databaseUrl);
    try {
      const replaced = await saveImportProfile(db.knex, name, layer, json);
      console.log(`${replaced ? 'replaced' : 'saved'} profile ${name} (${layer}); use it with: hotspots import ${layer} FILE --profile ${name}`);
    } finally {
      await db.knex.destroy();
    }
    return;
  }
  const db = connect(databaseUrl);
  try {
    if (action === 'list' && positionals.length === 1) {
      const profiles = await listImportProfiles(db.knex);
      if (profiles.length === 0) console.log('no stored profiles (hotspots profile save <name> <file>)');
      for (const p of profiles) console.log(`${p.name}\t${p.layer}\t${p.updatedAt.toISOString()}`);
      return;
    }
    if (action === 'show' && name && positionals.length === 2) {
      const stored = await importProfileByName(db.knex, name);
      if (!stored) throw new ImportRefusedError(`no stored profile ${name}`, 1);
      console.log(JSON.stringify(stored.profile, null, 2));
      return;
    }
    throw new ConfigError('usage: hotspots profile save <name> <file> [--layer L] | list | show <name>');
  } finally {
    await db.knex.destroy();
  }
}

/** One line on stderr, redrawn in place; no library needed for a single percentage. */
function terminalProgress(): (bytesRead: number, totalBytes: number, rows: number) => void {
  return (bytesRead, totalBytes, rows) => {
    const share = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows} rows`);
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError || (error instanceof Error && 'code' in error && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')) {
      console.error(`hotspots: ${error.message}`);
      process.exit(2);
    }
    // a refused import (header, profile, unreadable or empty file, every record rejected): the message alone
    if (error instanceof ImportRefusedError) {
      console.error(`hotspots: ${error.message}`);
      process.exit(error.exitStatus);
    }
    console.error(error);
    process.exit(1);
  },
);
