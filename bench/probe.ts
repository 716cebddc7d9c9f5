/**
 * Latency at one connection, measured precisely: autocannon's histogram has whole-millisecond
 * resolution, too coarse for a proxy that adds a fraction of one. This client sends N requests
 * one after another over one keep-alive connection (undici) and times each with hrtime: the
 * whole answer for JSON requests; for streams, the time to the first SSE `data:` chunk (TTFT)
 * and to the end of the stream. Several targets are probed in interleaved blocks (runProbes).
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

/** How to probe: per target, `warmup` unmeasured requests, then `samples` measured ones. */
export interface ProbeOptions {
  readonly stream: boolean;
  readonly samples: number;
  readonly warmup: number;
  /**
   * The measured requests come in this many blocks, and the targets take turns block by block
   * (default 1: one target after the other). Latency at one connection is what a busy neighbour
   * moves most; with one long block per target, a slow minute lands on one target only.
   */
  readonly blocks?: number;
}

/**
 * Probes each target strictly in sequence over its own keep-alive connection, the targets'
 * blocks interleaved (see ProbeOptions.blocks); one result per target, in order, over all of
 * its measured requests.
 */
export async function runProbes(
  targets: readonly BenchTarget[],
  options: ProbeOptions,
): Promise<ProbeResult[]> {
  const probes = targets.map((target) => new TargetProbe(target, options.stream));
  try {
    for (const probe of probes) await probe.send(options.warmup, false);
    const blocks = Math.max(1, Math.min(options.blocks ?? 1, options.samples));
    for (let block = 0; block < blocks; block++) {
      // The first `samples % blocks` blocks take one request more.
      const size =
        Math.floor(options.samples / blocks) + (block < options.samples % blocks ? 1 : 0);
      for (const probe of probes) await probe.send(size, true);
    }
  } finally {
    await Promise.all(probes.map((probe) => probe.close()));
  }
  return probes.map((probe) => probe.result());
}

/** One target's connection and the times measured on it so far. */
class TargetProbe {
  private readonly pool: Pool;
  private readonly body: string;
  private readonly headers: Record<string, string>;
  private readonly totals: number[] = [];
  private readonly ttfts: number[] = [];
  private failures = 0;

  constructor(
    private readonly target: BenchTarget,
    private readonly stream: boolean,
  ) {
    this.pool = new Pool(target.url, { connections: 1 });
    this.body = chatBody(target, stream);
    this.headers = requestHeaders(target);
  }

  async send(count: number, measured: boolean): Promise<void> {
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      let firstData: bigint | undefined;
      const answer = await this.pool.request({
        path: this.target.path,
        method: 'POST',
        headers: this.headers,
        body: this.body,
      });
      for await (const chunk of answer.body) {
        // The first bytes of an SSE body are the first `data:` event: servers never send
        // comments or blank lines first (and if one did, we would count it, slightly early).
        if (firstData === undefined && (chunk as Buffer).length > 0) {
          firstData = process.hrtime.bigint();
        }
      }
      const ended = process.hrtime.bigint();
      if (answer.statusCode !== 200 || firstData === undefined) this.failures += 1;
      if (!measured) continue;
      this.totals.push(Number(ended - started) / 1e6);
      if (this.stream && firstData !== undefined) {
        this.ttfts.push(Number(firstData - started) / 1e6);
      }
    }
  }

  result(): ProbeResult {
    return {
      totalMs: percentiles(this.totals),
      ttftMs: this.stream ? percentiles(this.ttfts) : undefined,
      failures: this.failures,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
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
