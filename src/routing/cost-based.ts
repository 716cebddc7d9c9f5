import type { Deployment } from '../core/deployment.ts';
import { modelPrice } from './model-prices.ts';
import { createLowestPicker } from './pick-lowest.ts';
import { noCandidates, type RoutingStrategy } from './strategy.ts';

/**
 * A deployment's price per token, input plus output, in USD: its own `input_cost_per_token` /
 * `output_cost_per_token`, else the list price of `model_info.base_model`, else of its upstream
 * model. Undefined when neither the deployment nor the table knows either price.
 */
export function costPerToken(deployment: Deployment): number | undefined {
  const listed = modelPrice(deployment.info.base_model ?? deployment.upstreamModel);
  const input = deployment.inputCostPerToken ?? listed?.input;
  const output = deployment.outputCostPerToken ?? listed?.output;
  if (input === undefined && output === undefined) return undefined;
  return (input ?? 0) + (output ?? 0);
}

/**
 * `cost-based-routing`: the cheapest candidate (input + output price per token), at random
 * among equally cheap ones. Deployments of unknown price rank after every priced one (they are
 * picked, at random, only when nothing cheaper-known is available). Prices are looked up once
 * per deployment and remembered.
 */
export function createCostBased(): RoutingStrategy {
  const pickLowest = createLowestPicker();
  const known = new Map<string, number>();
  const cost = (deployment: Deployment): number => {
    let value = known.get(deployment.id);
    if (value === undefined) {
      value = costPerToken(deployment) ?? Number.POSITIVE_INFINITY;
      known.set(deployment.id, value);
    }
    return value;
  };
  return {
    name: 'cost-based-routing',
    pick(candidates, context) {
      const only = candidates[0];
      if (only === undefined) throw noCandidates('cost-based-routing');
      if (candidates.length === 1) return only;
      return pickLowest(candidates, cost, context.random);
    },
  };
}
