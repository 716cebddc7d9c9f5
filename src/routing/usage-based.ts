import { createLowestPicker } from './pick-lowest.ts';
import { noCandidates, type RoutingStrategy } from './strategy.ts';

/**
 * `usage-based-routing` and `usage-based-routing-v2`: the candidate with the fewest tokens
 * used in the current minute, ties at random. The router pairs it with the rpm/tpm limit
 * filter, so the candidates are already those under their limits (this request's input tokens
 * counted); the strategy only ranks. The two LiteLLM names differ there only in how usage is
 * stored (v2: Redis); here both read the same tracker.
 */
export function createUsageBased(name: string): RoutingStrategy {
  const pickLowest = createLowestPicker();
  return {
    name,
    pick(candidates, context) {
      const only = candidates[0];
      if (only === undefined) throw noCandidates(name);
      if (candidates.length === 1) return only;
      const { stats, now } = context;
      return pickLowest(
        candidates,
        (deployment) => stats.tokensThisMinute(deployment.id, now),
        context.random,
      );
    },
  };
}
