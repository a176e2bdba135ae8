/** `hotspots token` and `hotspots apikey`: credentials for operators to hand out. */
import { parseArgs } from 'node:util';
import { apiKeyDisplayPrefix, generateApiKey, hashApiKey } from '../auth/apiKeys';
import { checkTokenClaims, InvalidCredentialsError, issueToken } from '../auth/tokens';
import { checkAuthForProduction, Config, ConfigError } from '../config';
import { connect } from '../db/connection';
import { insertApiKey, listApiKeys, revokeApiKey } from '../db/apiKeys';

function claimsOrConfigError(role: string | undefined, agency: string | undefined) {
  if (!role) throw new ConfigError('--role is required (admin, analyst, working_group, agency, public)');
  try {
    return checkTokenClaims(role, agency ?? null);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Prints a signed token on stdout (and nothing else, so it can be captured). */
export async function tokenCommand(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { role: { type: 'string' }, agency: { type: 'string' }, sub: { type: 'string' }, expires: { type: 'string' } } });
  const { role, agency } = claimsOrConfigError(values.role, values.agency);
  checkAuthForProduction(config);
  if (config.auth.usingDevelopmentSecret) console.error('warning: no AUTH_JWT_SECRET configured; signing with the development secret (accepted only by development servers)');
  try {
    console.log(await issueToken(config.auth, { role, agency, subject: values.sub ?? `${role}-operator`, expiresIn: values.expires ?? '8h' }));
  } catch (error) {
    if (error instanceof InvalidCredentialsError) throw new ConfigError(error.message);
    throw error;
  }
}

export async function apiKeyCommand(config: Config, args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { role: { type: 'string' }, agency: { type: 'string' } } });
  const db = connect(config.databaseUrl);
  try {
    switch (action) {
      case 'create': {
        const [name] = positionals;
        if (!name || !/^[\w.-]{1,80}$/.test(name)) throw new ConfigError('apikey create takes a name of 1-80 letters, digits, . - _');
        const { role, agency } = claimsOrConfigError(values.role, values.agency);
        const key = generateApiKey();
        const row = await insertApiKey(db.knex, { name, keyHash: hashApiKey(key), prefix: apiKeyDisplayPrefix(key), role, agency });
        console.error(`created API key "${row.name}" (${row.role}${row.agency ? ', ' + row.agency : ''}); it is shown once, store it now:`);
        console.log(key);
        return;
      }
      case 'revoke': {
        const [name] = positionals;
        if (!name) throw new ConfigError('apikey revoke takes the key name');
        if (!(await revokeApiKey(db.knex, name))) throw new ConfigError(`no live API key is named "${name}"`);
        console.log(`revoked API key "${name}"`);
        return;
      }
      case 'list': {
        for (const k of await listApiKeys(db.knex)) {
          console.log([k.name, k.prefix + '...', k.role, k.agency ?? '-', k.createdAt.toISOString(), k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'live'].join('\t'));
        }
        return;
      }
      default:
        throw new ConfigError('apikey takes create <name> --role R [--agency A], revoke <name> or list');
    }
  } finally {
    await db.knex.destroy();
  }
}
