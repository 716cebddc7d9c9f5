import { createLowestPicker } from './pick-lowest.ts';
import { noCandidates, type RoutingStrategy } from './strategy.ts';

/**
 * `least-busy`: the candidate with the fewest requests in flight on this instance (streams
 * count until they end); ties are broken at random so idle deployments share the load.
 */
export function createLeastBusy(): RoutingStrategy {
  const pickLowest = createLowestPicker();
  return {
    name: 'least-busy',
    pick(candidates, context) {
      const only = candidates[0];
      if (only === undefined) throw noCandidates('least-busy');
      if (candidates.length === 1) return only;
      const { stats } = context;
      return pickLowest(candidates, (deployment) => stats.inFlight(deployment.id), context.random);
    },
  };
}
