import { NO_STATS, type LatencyKind, type RoutingStats } from '../core/routing-stats.ts';
import { createInFlightCounter, type InFlightCounter } from './in-flight.ts';
import {
  createLatencyTracker,
  type LatencyOptions,
  type LatencyTracker,
} from './latency-window.ts';
import { createUsageTracker, type UsageTracker } from './usage-window.ts';

/** Which state the configured strategy and limits need; nothing else is tracked. */
export interface RoutingStateOptions {
  /** least-busy, power-of-two-choices. */
  readonly inFlight: boolean;
  /** rpm/tpm limits and headers, usage-based routing. */
  readonly usage: boolean;
  /**
   * With `usage`: the tracker to use instead of an in-process one (the one shared through
   * Redis, see shared-usage.ts). Default: count in process.
   */
  readonly usageTracker?: UsageTracker | undefined;
  /** latency-based routing, power-of-two-choices; undefined = no latency samples. */
  readonly latency: LatencyOptions | undefined;
}

/**
 * The in-process routing state: the trackers that were asked for (each undefined when not
 * needed, so the router skips feeding it) and one read-only `stats` view over them for
 * strategies, built once.
 */
export interface RoutingState {
  readonly inFlight: InFlightCounter | undefined;
  /** In process, or counted with the other instances when shared (see shared-usage.ts). */
  readonly usage: UsageTracker | undefined;
  readonly latency: LatencyTracker | undefined;
  readonly stats: RoutingStats;
}

export function createRoutingState(options: RoutingStateOptions): RoutingState {
  const inFlight = options.inFlight ? createInFlightCounter() : undefined;
  const usage = options.usage ? (options.usageTracker ?? createUsageTracker()) : undefined;
  const latency = options.latency ? createLatencyTracker(options.latency) : undefined;
  const stats: RoutingStats = Object.freeze({
    inFlight: inFlight ? (id: string) => inFlight.count(id) : NO_STATS.inFlight,
    requestsThisMinute: usage
      ? (id: string, now: number) => usage.requests(id, now)
      : NO_STATS.requestsThisMinute,
    tokensThisMinute: usage
      ? (id: string, now: number) => usage.tokens(id, now)
      : NO_STATS.tokensThisMinute,
    latency: latency
      ? (id: string, kind: LatencyKind, now: number) => latency.mean(id, kind, now)
      : NO_STATS.latency,
    ewma: latency
      ? (id: string, kind: LatencyKind, now: number) => latency.ewma(id, kind, now)
      : NO_STATS.ewma,
  });
  return { inFlight, usage, latency, stats };
}
