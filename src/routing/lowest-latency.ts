import { createLowestPicker } from './pick-lowest.ts';
import { noCandidates, type RoutingStrategy } from './strategy.ts';

/** `routing_strategy_args` of latency-based routing that the strategy itself reads. */
export interface LowestLatencyOptions {
  /**
   * `lowest_latency_buffer`: pick at random among candidates within this fraction of the
   * fastest (0.5 = up to 50 % slower). Default 0: always the fastest (ties at random).
   */
  readonly buffer?: number;
}

/**
 * `latency-based-routing`: the candidate with the lowest mean of its recent latency samples:
 * seconds per output token for ordinary calls, time to first token for streams. A deployment
 * with no live sample (never tried, or every sample older than the ttl) scores 0, so it is
 * tried first and gets measured; failures and timeouts are recorded as a large latency by the
 * tracker, so they push a deployment back.
 */
export function createLowestLatency(options: LowestLatencyOptions = {}): RoutingStrategy {
  const pickLowest = createLowestPicker();
  const buffer = options.buffer ?? 0;
  return {
    name: 'latency-based-routing',
    pick(candidates, context) {
      const only = candidates[0];
      if (only === undefined) throw noCandidates('latency-based-routing');
      if (candidates.length === 1) return only;
      const { stats, now } = context;
      const kind = context.stream ? 'stream' : 'call';
      return pickLowest(
        candidates,
        (deployment) => stats.latency(deployment.id, kind, now) ?? 0,
        context.random,
        buffer,
      );
    },
  };
}
