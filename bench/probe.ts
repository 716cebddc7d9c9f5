/**
 * Latency at one connection, measured precisely: autocannon's histogram has whole-millisecond
 * resolution, too coarse for a proxy that adds a fraction of one. This client sends N requests
 * one after another over one keep-alive connection (undici) and times each with hrtime: the
 * whole answer for JSON requests; for streams, the time to the first SSE `data:` chunk (TTFT)
 * and to the end of the stream.
 */
import { Pool } from 'undici';
import { chatBody, requestHeaders, type BenchTarget } from './bench-target.ts';

/** Percentiles of one series, in ms. */
export interface Percentiles {
  readonly samples: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
}

/** What a probe measured. `ttftMs` only for streams. */
export interface ProbeResult {
  readonly totalMs: Percentiles;
  readonly ttftMs: Percentiles | undefined;
  /** Requests that did not answer 200 (or a stream that never sent data). */
  readonly failures: number;
}

/** Sends `warmup` unmeasured requests, then `samples` measured ones, strictly in sequence. */
export async function runProbe(
  target: BenchTarget,
  options: { readonly stream: boolean; readonly samples: number; readonly warmup: number },
): Promise<ProbeResult> {
  const pool = new Pool(target.url, { connections: 1 });
  const body = chatBody(target, options.stream);
  const headers = requestHeaders(target);
  const totals: number[] = [];
  const ttfts: number[] = [];
  let failures = 0;
  try {
    for (let i = 0; i < options.warmup + options.samples; i++) {
      const measured = i >= options.warmup;
      const started = process.hrtime.bigint();
      let firstData: bigint | undefined;
      const answer = await pool.request({ path: target.path, method: 'POST', headers, body });
      for await (const chunk of answer.body) {
        // The first bytes of an SSE body are the first `data:` event: servers never send
        // comments or blank lines first (and if one did, we would count it, slightly early).
        if (firstData === undefined && (chunk as Buffer).length > 0) {
          firstData = process.hrtime.bigint();
        }
      }
      const ended = process.hrtime.bigint();
      if (answer.statusCode !== 200 || firstData === undefined) failures += 1;
      if (!measured) continue;
      totals.push(Number(ended - started) / 1e6);
      if (options.stream && firstData !== undefined) {
        ttfts.push(Number(firstData - started) / 1e6);
      }
    }
  } finally {
    await pool.close();
  }
  return {
    totalMs: percentiles(totals),
    ttftMs: options.stream ? percentiles(ttfts) : undefined,
    failures,
  };
}

/** Mean, p50 and p99 of `values` (nearest rank); zeros for an empty series. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { samples: 0, mean: 0, p50: 0, p99: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { samples: sorted.length, mean: sum / sorted.length, p50: rank(0.5), p99: rank(0.99) };
}
