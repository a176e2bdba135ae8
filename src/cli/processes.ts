/**
 * `hotspots serve --workers N`: N server processes behind one port with Node's `cluster` (the
 * primary accepts connections and hands them round robin to the workers). Each worker is a whole
 * server with its own caches, checked against the layer versions like any other instance; the
 * response cache in Redis is what they share. A worker that dies is replaced (unless they keep
 * dying at start). SIGTERM or SIGINT to the primary stops every worker gracefully (no new
 * connections, requests in flight finish, pools closed) and then the primary.
 */
import cluster, { Worker } from 'node:cluster';

export interface ReadyMessage {
  type: 'hotspots:ready';
  url: string;
}

const isReady = (message: unknown): message is ReadyMessage => typeof message === 'object' && message !== null && (message as ReadyMessage).type === 'hotspots:ready';

/** In a worker: tells the primary this server answers at `url`. */
export function reportReady(url: string): void {
  if (cluster.isWorker && process.send) process.send({ type: 'hotspots:ready', url } satisfies ReadyMessage);
}

/** True in a process forked by `servePrimary`. */
export const isServerWorker = (): boolean => cluster.isWorker;

/**
 * The primary: forks `workers` processes running the same command, prints the ready line once
 * all of them answer, replaces a worker that exits unexpectedly, and stops them all on a signal.
 * Resolves never; the process exits when the workers have stopped.
 */
export function servePrimary(workers: number, log: (line: string) => void): void {
  let stopping = false;
  let announced = false;
  const ready = new Set<number>();
  const recentDeaths: number[] = [];

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      ready.add(worker.id);
      if (!announced && ready.size >= workers) {
        announced = true;
        log(`hotspots API ready at ${message.url} (${workers} processes, primary pid ${process.pid})`);
      }
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    ready.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    const now = Date.now();
    recentDeaths.push(now);
    while (recentDeaths.length > 0 && recentDeaths[0] < now - 30_000) recentDeaths.shift();
    if (recentDeaths.length > workers * 3) {
      log(`worker ${worker.process.pid} exited (${signal ?? code}); workers keep dying, stopping`);
      void stop('workers failing', 1);
      return;
    }
    log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });

  const stop = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping ${Object.keys(cluster.workers ?? {}).length} worker(s); each finishes its requests in flight`);
    const living = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (living.length === 0) process.exit(exitCode);
    for (const worker of living) worker.process.kill('SIGTERM');
    // a worker that hangs is killed after the drain has had its time
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(exitCode || 1);
    }, 30_000).unref();
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  for (let i = 0; i < workers; i++) fork();
}
