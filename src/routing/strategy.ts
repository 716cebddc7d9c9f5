import type { Deployment } from '../core/deployment.ts';

/** Read-only context a strategy may use; strategies never do I/O. */
export interface PickContext {
  /** Uniform random number in [0, 1); injected so tests are deterministic. */
  readonly random: () => number;
  /** Current time in ms (from the router's Clock). */
  readonly now: number;
}

/**
 * Ranks the candidates the router left after filtering (cooldowns, pre-call checks, tier) and
 * returns the one to try. Gets at least one candidate; returns one of them.
 */
export interface RoutingStrategy {
  readonly name: string;
  pick(candidates: readonly Deployment[], context: PickContext): Deployment;
}
