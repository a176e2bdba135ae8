/**
 * The mixed dashboard load (autocannon cycling the dashboard's requests over many connections)
 * and the response cache's hit and miss latency. The bench runs the load three times: one server
 * process with the response cache off, N processes (`hotspots serve --workers N`) with it off,
 * and N processes with it on and warm (every request of the mix asked once before), which is
 * what dashboards that repeat their queries see.
 */
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import type { LoadRequest } from './types';

export interface LoadTarget {
  requestsPerSecond: number;
  p99Ms: number;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  runs: number;
}

/** What autocannon measured of a mixed load, as every load figure of the bench reports it. */
export interface LoadFigures {
  seconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  mix: string[];
  met: boolean;
}

export interface LoadRun extends LoadFigures {
  name: string;
  processes: number;
  responseCache: 'off' | 'warm';
  target: LoadTarget;
  /** with the cache on: each request of the mix timed once cold (a miss, computed and stored) and once more (a hit) */
  missMs?: LatencySummary;
  hitMs?: LatencySummary;
}

export interface LoadOptions {
  url: string;
  authorization: string;
  connections: number;
  seconds: number;
}

function summary(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { p50: Math.round(at(0.5) * 10) / 10, p99: Math.round(at(0.99) * 10) / 10, runs: sorted.length };
}

async function timed(options: LoadOptions, request: LoadRequest): Promise<{ ms: number; cache: string | null; ok: boolean }> {
  const started = performance.now();
  const response = await fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: options.authorization },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
  });
  const body = await response.text();
  return { ms: performance.now() - started, cache: response.headers.get('x-response-cache'), ok: response.ok && body.startsWith('{"data":') };
}

/** Every request of the mix `rounds` times, one after another (first requests build each process's caches). */
export async function warmUp(options: LoadOptions, mix: LoadRequest[], rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) for (const request of mix) await timed(options, request);
}

/**
 * Hit and miss latency of the response cache: each distinct request of the mix once while nothing
 * is cached (a miss: computed, then stored) and once more (a hit, from this process's memory or
 * from Redis, whichever process answers).
 */
export async function cacheLatency(options: LoadOptions, mix: LoadRequest[]): Promise<{ missMs: LatencySummary; hitMs: LatencySummary; unexpected: number }> {
  const distinct = [...new Map(mix.map((r) => [JSON.stringify([r.query, r.variables]), r])).values()];
  const miss: number[] = [];
  const hit: number[] = [];
  let unexpected = 0;
  for (const request of distinct) {
    const first = await timed(options, request);
    if (first.cache !== 'miss') unexpected++;
    miss.push(first.ms);
  }
  for (const request of distinct) {
    const again = await timed(options, request);
    if (!again.cache?.startsWith('hit')) unexpected++;
    hit.push(again.ms);
  }
  return { missMs: summary(miss), hitMs: summary(hit), unexpected };
}

/** One autocannon run of the mix. */
export async function runLoad(options: LoadOptions, mix: LoadRequest[], run: Pick<LoadRun, 'name' | 'processes' | 'responseCache' | 'target'>): Promise<LoadRun> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: mix.map((r) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: options.authorization },
      body: JSON.stringify({ query: r.query, variables: r.variables }),
    })),
  });
  const requestsPerSecond = result.requests.average;
  return {
    ...run,
    seconds: options.seconds,
    connections: options.connections,
    requests: result.requests.total,
    requestsPerSecond,
    latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    non2xx: result.non2xx,
    mix: [...new Set(mix.map((r) => r.name))],
    met: requestsPerSecond >= run.target.requestsPerSecond && result.latency.p99 < run.target.p99Ms && result.errors === 0 && result.non2xx === 0,
  };
}
