import type { Deployment } from '../core/deployment.ts';
import type { RoutingStats } from '../core/routing-stats.ts';

/** Read-only context a strategy may use; strategies never do I/O. */
export interface PickContext {
  /** Uniform random number in [0, 1); injected so tests are deterministic. */
  readonly random: () => number;
  /** Current time in ms (from the router's Clock). */
  readonly now: number;
  /**
   * Routing state (in-flight, usage, latency), the same object for every pick. A router that
   * tracks nothing passes NO_STATS.
   */
  readonly stats: RoutingStats;
  /** True when the request streams (latency-based routing then compares time to first token). */
  readonly stream: boolean;
  /** Input tokens of the request when they were counted up front (usage-based routing), else 0. */
  readonly inputTokens: number;
}

/**
 * Ranks the candidates the router left after filtering (cooldowns, pre-call checks, tier) and
 * returns the one to try.
 *
 * Contract (checked for every strategy by strategy.conformance.ts): returns one of
 * `candidates`, never mutates the list, returns the only candidate when there is one, and is
 * deterministic given the same random source, clock and stats. An empty list is a caller bug
 * (the router answers "no deployments" before asking), so it throws a RangeError rather than
 * inventing a deployment.
 */
export interface RoutingStrategy {
  readonly name: string;
  pick(candidates: readonly Deployment[], context: PickContext): Deployment;
}

/** The error every strategy throws when offered no candidates. */
export function noCandidates(strategy: string): RangeError {
  return new RangeError(`${strategy}: pick() needs at least one candidate`);
}
