import type { RoutingStrategyArgs, RoutingStrategyName } from '../config/plan.ts';
import { createCostBased } from './cost-based.ts';
import { createLeastBusy } from './least-busy.ts';
import { createLowestLatency } from './lowest-latency.ts';
import { createPowerOfTwo } from './power-of-two.ts';
import { createSimpleShuffle } from './simple-shuffle.ts';
import type { RoutingStrategy } from './strategy.ts';
import { createUsageBased } from './usage-based.ts';

export interface StrategyChoice {
  readonly strategy: RoutingStrategy;
  /** Set when the configured strategy is not available and another serves in its place. */
  readonly warning: string | undefined;
}

/** The strategy for `routing_strategy`, built once at start-up (args validated by the schema). */
export function createStrategy(
  name: RoutingStrategyName,
  args?: RoutingStrategyArgs,
): StrategyChoice {
  return { strategy: strategyFor(name, args), warning: undefined };
}

function strategyFor(
  name: RoutingStrategyName,
  args: RoutingStrategyArgs | undefined,
): RoutingStrategy {
  switch (name) {
    case 'simple-shuffle':
      return createSimpleShuffle();
    case 'least-busy':
      return createLeastBusy();
    case 'usage-based-routing':
    case 'usage-based-routing-v2':
      return createUsageBased(name);
    case 'latency-based-routing':
      return createLowestLatency({ buffer: args?.lowestLatencyBuffer ?? 0 });
    case 'cost-based-routing':
      return createCostBased();
    case 'power-of-two-choices':
      return createPowerOfTwo();
  }
}
