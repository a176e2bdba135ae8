/**
 * Throwaway PostgreSQL servers for tests that need more than the shared one: a primary made by
 * initdb in a temporary directory and streaming replicas of it made by `pg_basebackup -R`, each
 * on a free port of 127.0.0.1, with the installed binaries (and so their extensions, PostGIS).
 * As root the servers run as the `postgres` OS user. The shared server is not touched.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, promises as fs, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

/**
 * The bin directory to use: PG_BINDIR, else the newest /usr/lib/postgresql/<major>/bin with the
 * tools and PostGIS installed for it (the throwaway servers only need to match each other).
 */
export function postgresBinDir(): string | null {
  if (process.env.PG_BINDIR) return TOOLS.every((tool) => existsSync(path.join(process.env.PG_BINDIR!, tool))) ? process.env.PG_BINDIR : null;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const withPostgis = majors.filter((m) => existsSync(`/usr/share/postgresql/${m}/extension/postgis.control`));
  for (const major of [...withPostgis, ...majors]) {
    const dir = path.join(root, major, 'bin');
    if (TOOLS.every((tool) => existsSync(path.join(dir, tool)))) return dir;
  }
  return null;
}

/** Why throwaway servers cannot be made here (no binaries, pg_basebackup does not run), or null when they can. */
export function clusterUnavailable(): string | null {
  const bin = postgresBinDir();
  if (!bin) return `no PostgreSQL binaries with ${TOOLS.join(', ')} under /usr/lib/postgresql/<major>/bin (set PG_BINDIR)`;
  try {
    execFileSync(path.join(bin, 'pg_basebackup'), ['--version'], { stdio: 'pipe' });
  } catch (error) {
    return `pg_basebackup does not run: ${(error as Error).message}`;
  }
  return null;
}

function osUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface LocalServer {
  port: number;
  dataDir: string;
  url: (database: string) => string;
  /** pg_ctl stop (fast by default; immediate simulates a crash) */
  stop: (mode?: 'fast' | 'immediate') => Promise<void>;
}

export class LocalCluster {
  private readonly servers: LocalServer[] = [];
  private constructor(
    private readonly bin: string,
    readonly root: string,
    private readonly owner: { uid: number; gid: number } | null,
  ) {}

  static create(): LocalCluster {
    const bin = postgresBinDir();
    if (!bin) throw new Error(clusterUnavailable() ?? 'no binaries');
    const owner = osUser();
    const root = mkdtempSync(path.join(os.tmpdir(), 'hotspots-pg-'));
    if (owner) chownSync(root, owner.uid, owner.gid);
    return new LocalCluster(bin, root, owner);
  }

  /** Runs a PostgreSQL tool, as the postgres OS user when we are root. */
  private async tool(name: string, args: string[]): Promise<string> {
    const file = path.join(this.bin, name);
    const [cmd, argv] = this.owner ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    try {
      const { stdout } = await run(cmd, argv, { cwd: this.root, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const e = error as Error & { stderr?: string };
      throw new Error(`${name} failed: ${e.message}\n${e.stderr ?? ''}`, { cause: error });
    }
  }

  private async start(dataDir: string, port: number, settings: string[]): Promise<LocalServer> {
    const options = [`-p ${port}`, `-c listen_addresses=127.0.0.1`, `-c unix_socket_directories=${this.root}`, '-c max_connections=60', '-c shared_buffers=16MB', '-c fsync=off', ...settings].join(' ');
    await this.tool('pg_ctl', ['-D', dataDir, '-l', `${dataDir}.log`, '-o', options, '-w', '-t', '60', 'start']);
    let stopped = false;
    const server: LocalServer = {
      port,
      dataDir,
      url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
      stop: async (mode = 'fast') => {
        if (stopped) return;
        stopped = true;
        await this.tool('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
      },
    };
    this.servers.push(server);
    return server;
  }

  /** A new primary: initdb (trust on 127.0.0.1, replication allowed), WAL for replicas. */
  async startPrimary(): Promise<LocalServer> {
    const dataDir = path.join(this.root, 'primary');
    await this.tool('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    return this.start(dataDir, await freePort(), ['-c wal_level=replica', '-c max_wal_senders=5']);
  }

  /** A streaming replica of `primary`: pg_basebackup -R (standby.signal, primary_conninfo), then started as a hot standby. */
  async startReplica(primary: LocalServer, name = 'replica'): Promise<LocalServer> {
    const dataDir = path.join(this.root, name);
    await this.tool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
    return this.start(dataDir, await freePort(), ['-c hot_standby=on', '-c hot_standby_feedback=on']);
  }

  /** Stops every server (immediately: their data is thrown away) and removes the directory. */
  async destroy(): Promise<void> {
    for (const server of this.servers.reverse()) await server.stop('immediate').catch(() => undefined);
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
