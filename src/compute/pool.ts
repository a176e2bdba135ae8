/**
 * A pool of worker threads (Piscina) for the heavy pure computations, so that a long permutation
 * test never holds the event loop: while a worker computes, the main thread keeps answering
 * everyone else. Sized for a small machine: by default one worker, leaving the other core to the
 * main thread and PostgreSQL (COMPUTE_WORKERS), with a bounded queue (COMPUTE_QUEUE); a task
 * that finds the queue full is refused at once with SERVER_BUSY instead of waiting behind it.
 *
 * The pool lives while a server holds it (startServer acquires it, stop releases and closes it,
 * so no worker thread outlives the server and keeps jest or a CLI process alive). Without a
 * server, and for small tasks whose transfer would cost more than it saves, a task runs on the
 * calling thread with the same function.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { Piscina } from 'piscina';
import { GraphQLError } from 'graphql';
import type { SpatialWeights } from '../geo/stats';
import { PlainWeights, plainWeights, TaskInput, TaskName, TaskOutput, TASKS } from './tasks';

export interface ComputePoolConfig {
  /** worker threads (COMPUTE_WORKERS); 0 runs every task on the main thread */
  workers: number;
  /** tasks that may wait for a worker; one more is refused with SERVER_BUSY (COMPUTE_QUEUE) */
  maxQueue: number;
}

/** Below this many work units (about 20 ms) a task runs on the calling thread: handing it over would cost more than it saves. */
export const POOL_MIN_UNITS = 1_000_000;

/**
 * The worker's module is always the compiled JavaScript in dist/: a worker thread is a fresh
 * Node.js isolate that loads plain .js files and knows nothing of ts-jest. The server runs from
 * dist/src/compute/pool.js and finds worker.js beside it; tests run this file as TypeScript from
 * src/compute/pool.ts (transpiled in memory by ts-jest), where no worker.js exists, so they load
 * the same dist/src/compute/worker.js that `tsc` built (scripts/prepare.sh rebuilds dist before
 * tests when a source is newer, so the worker runs the same code as the test).
 */
export function workerFile(): string {
  const compiled = path.basename(path.resolve(__dirname, '..', '..')) === 'dist';
  return compiled ? path.join(__dirname, 'worker.js') : path.resolve(__dirname, '..', '..', 'dist', 'src', 'compute', 'worker.js');
}

let pool: Piscina | null = null;
let holders = 0;

/** Starts the pool (or counts one more holder of the running one). */
export function acquireComputePool(config: ComputePoolConfig): void {
  holders++;
  // COMPUTE_WORKERS=0: every task on the main thread (as before the pool; for comparison and debugging)
  if (pool || config.workers === 0) return;
  const filename = workerFile();
  if (!existsSync(filename)) throw new Error(`the compute worker ${filename} is missing: build with \`npx tsc -p tsconfig.json\` (scripts/prepare.sh does)`);
  pool = new Piscina({ filename, minThreads: config.workers, maxThreads: config.workers, maxQueue: config.maxQueue, idleTimeout: 60_000 });
}

/** Lets go of the pool; the last holder closes it (tasks in flight finish first). */
export async function releaseComputePool(): Promise<void> {
  holders = Math.max(0, holders - 1);
  if (holders > 0 || !pool) return;
  const closing = pool;
  pool = null;
  await closing.close();
}

/** Whether tasks currently go to worker threads (a server holds the pool). */
export function computePoolRunning(): boolean {
  return pool !== null;
}

/** Weights copied once into shared memory, so posting a task does not copy them again. */
const sharedWeights = new WeakMap<SpatialWeights, PlainWeights>();

function shared<T extends Int32Array | Float64Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Type = array.constructor as { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new Type(new SharedArrayBuffer(array.length * Type.BYTES_PER_ELEMENT));
  out.set(array);
  return out;
}

/** Weights ready to cross to a worker: shared arrays, cached per weights structure (weights are immutable and cached by area). */
export function weightsForPool(w: SpatialWeights): PlainWeights {
  let out = sharedWeights.get(w);
  if (!out) {
    out = { ...plainWeights(w), offsets: shared(w.offsets), neighbours: shared(w.neighbours), weights: shared(w.weights) };
    sharedWeights.set(w, out);
  }
  return out;
}

export function serverBusy(): GraphQLError {
  return new GraphQLError('the server is busy with other analyses: every worker is computing and the queue is full; try again in a few seconds', { extensions: { code: 'SERVER_BUSY' } });
}

/**
 * Runs a task of tasks.ts: in the pool when one is running and the task is worth `units` or
 * more, else on this thread. Results are identical either way.
 */
export async function runComputeTask<K extends TaskName>(name: K, input: TaskInput<K>, units: number): Promise<TaskOutput<K>> {
  const task = TASKS[name] as (input: TaskInput<K>) => TaskOutput<K>;
  if (!pool || units < POOL_MIN_UNITS) return await task(input);
  try {
    // spatial weights as shared arrays, without an H3Weights' cell list: nothing of them is copied
    const posted = 'weights' in input ? { ...input, weights: weightsForPool(input.weights as SpatialWeights) } : input;
    return (await pool.run(posted, { name })) as TaskOutput<K>;
  } catch (error) {
    if (error instanceof Error && /queue is at limit|no task queue available/i.test(error.message)) throw serverBusy();
    throw error;
  }
}
