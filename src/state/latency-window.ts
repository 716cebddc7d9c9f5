import type { LatencyKind } from '../core/routing-stats.ts';

/**
 * Recent latency per deployment, for latency-based routing and power-of-two-choices: a ring
 * of the last `maxSamples` samples per kind (a real rolling window: the oldest sample goes
 * first) whose samples older than `ttlMs` no longer count, and an EWMA per kind. Local to
 * this instance (network paths differ between instances; DESIGN.md keeps latency local).
 */
export interface LatencyOptions {
  /** Samples older than this no longer count, in ms (`routing_strategy_args.ttl`). Default 3_600_000. */
  readonly ttlMs?: number;
  /** Samples kept per deployment and kind (`max_latency_list_size`). Default 10. */
  readonly maxSamples?: number;
  /** Weight of the newest sample in the EWMA, in (0, 1]. Default 0.3. */
  readonly ewmaAlpha?: number;
}

/** LiteLLM's defaults: samples live an hour, ten are kept. */
export const LATENCY_DEFAULTS = Object.freeze({
  ttlMs: 3_600_000,
  maxSamples: 10,
  ewmaAlpha: 0.3,
});

export interface LatencyTracker {
  /** Adds a sample (seconds, or seconds per token for calls) taken at `now`. */
  record(deploymentId: string, kind: LatencyKind, value: number, now: number): void;
  /** Mean of the samples younger than the ttl; undefined when there is none. */
  mean(deploymentId: string, kind: LatencyKind, now: number): number | undefined;
  /** The EWMA, undefined when never sampled or when its last sample is older than the ttl. */
  ewma(deploymentId: string, kind: LatencyKind, now: number): number | undefined;
}

interface Series {
  readonly values: Float64Array;
  readonly times: Float64Array;
  /** Samples written so far (the ring's next slot is `written % size`). */
  written: number;
  ewma: number;
  lastAt: number;
}

export function createLatencyTracker(options: LatencyOptions = {}): LatencyTracker {
  const ttlMs = options.ttlMs ?? LATENCY_DEFAULTS.ttlMs;
  const size = options.maxSamples ?? LATENCY_DEFAULTS.maxSamples;
  const alpha = options.ewmaAlpha ?? LATENCY_DEFAULTS.ewmaAlpha;
  const series = { call: new Map<string, Series>(), stream: new Map<string, Series>() };

  return {
    record(id, kind, value, now) {
      const byId = series[kind];
      let entry = byId.get(id);
      if (entry === undefined) {
        entry = {
          values: new Float64Array(size),
          times: new Float64Array(size),
          written: 0,
          ewma: value,
          lastAt: now,
        };
        byId.set(id, entry);
      } else {
        // A stale EWMA describes a deployment that may have changed since: start afresh.
        entry.ewma = now - entry.lastAt > ttlMs ? value : alpha * value + (1 - alpha) * entry.ewma;
        entry.lastAt = now;
      }
      const slot = entry.written % size;
      entry.values[slot] = value;
      entry.times[slot] = now;
      entry.written += 1;
    },
    mean(id, kind, now) {
      const entry = series[kind].get(id);
      if (entry === undefined) return undefined;
      const filled = Math.min(entry.written, size);
      let sum = 0;
      let live = 0;
      for (let index = 0; index < filled; index += 1) {
        if (now - (entry.times[index] as number) > ttlMs) continue;
        sum += entry.values[index] as number;
        live += 1;
      }
      return live === 0 ? undefined : sum / live;
    },
    ewma(id, kind, now) {
      const entry = series[kind].get(id);
      return entry === undefined || now - entry.lastAt > ttlMs ? undefined : entry.ewma;
    },
  };
}
