/**
 * Throughput under load, with autocannon's programmatic API: a fixed number of keep-alive
 * connections, each sending the next request as soon as the previous answer is complete (for a
 * stream: once `[DONE]` and the end of the body arrived).
 */
import autocannon from 'autocannon';
import { chatBody, requestHeaders, type BenchTarget } from './bench-target.ts';
import { readCpuMs, sampleRss } from './rss.ts';

/** How long, or how much: `amount` (requests) wins over `durationS` when set. */
export interface LoadSpec {
  readonly connections: number;
  readonly durationS: number;
  readonly amount?: number;
  readonly stream: boolean;
}

/** What one load run measured. */
export interface LoadResult {
  /** Mean requests per second over the run (2xx and non-2xx alike; see `non2xx`). */
  readonly requestsPerSec: number;
  /** Completed requests. */
  readonly total: number;
  /** autocannon's latency, whole-millisecond resolution: meaningful under load only. */
  readonly latencyMs: { readonly mean: number; readonly p50: number; readonly p99: number };
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly non2xx: number;
  /** Peak RSS of the target's process during the run, in bytes. */
  readonly rssPeakBytes: number | undefined;
  /** CPU time the target's process spent per completed request, in microseconds. */
  readonly cpuUsPerRequest: number | undefined;
}

/**
 * Unmeasured load runs per target and scenario before anything is measured. One is not enough:
 * a timed run ends by closing its connections with requests still in flight, and the first
 * time a process meets those aborts V8 throws away optimised code across the HTTP, undici and
 * request paths (a wave of deoptimisations) and compiles it again under the next load. Traced
 * with --trace-opt: ~310 compilations in the first run, ~160 more in the second, then under 5
 * per run. Without the second warm-up run the first measured round paid for that.
 */
export const WARMUP_RUNS = 2;

/** Runs one load against `target` and samples its RSS meanwhile. */
export async function runLoad(target: BenchTarget, spec: LoadSpec): Promise<LoadResult> {
  const sampler = sampleRss(target.pid);
  const cpuBefore = readCpuMs(target.pid);
  let result: autocannon.Result;
  let rssPeakBytes: number | undefined;
  try {
    result = await autocannon({
      url: target.url + target.path,
      method: 'POST',
      headers: requestHeaders(target),
      body: chatBody(target, spec.stream),
      connections: spec.connections,
      ...(spec.amount === undefined ? { duration: spec.durationS } : { amount: spec.amount }),
      timeout: 10,
    });
  } finally {
    // Read even when autocannon failed, so no sampler outlives its run.
    rssPeakBytes = sampler.stop();
  }
  const cpuAfter = readCpuMs(target.pid);
  const total = result['2xx'] + result.non2xx;
  // `result.duration` is whole seconds; the start and finish stamps are exact to the ms.
  const elapsedS = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requestsPerSec: elapsedS > 0 ? total / elapsedS : 0,
    total,
    latencyMs: { mean: result.latency.mean, p50: result.latency.p50, p99: result.latency.p99 },
    errors: result.errors,
    non2xx: result.non2xx,
    rssPeakBytes,
    cpuUsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined || total === 0
        ? undefined
        : ((cpuAfter - cpuBefore) * 1000) / total,
  };
}
