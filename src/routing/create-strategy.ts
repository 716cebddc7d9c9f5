import type { RoutingStrategyName } from '../config/plan.ts';
import { createSimpleShuffle } from './simple-shuffle.ts';
import type { RoutingStrategy } from './strategy.ts';

export interface StrategyChoice {
  readonly strategy: RoutingStrategy;
  /** Set when the configured strategy is not available and another serves in its place. */
  readonly warning: string | undefined;
}

/** The strategy for `routing_strategy`, built once at start-up. */
export function createStrategy(name: RoutingStrategyName): StrategyChoice {
  if (name === 'simple-shuffle') return { strategy: createSimpleShuffle(), warning: undefined };
  return {
    strategy: createSimpleShuffle(),
    warning: `routing_strategy "${name}" is not available in this version; using simple-shuffle`,
  };
}
