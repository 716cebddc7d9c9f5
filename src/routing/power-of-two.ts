import type { Deployment } from '../core/deployment.ts';
import { noCandidates, type PickContext, type RoutingStrategy } from './strategy.ts';

/**
 * `power-of-two-choices` (ours, not LiteLLM's): draw two distinct candidates at random and
 * take the one with the lower expected wait, EWMA latency × (requests in flight + 1), the
 * "peak EWMA" load balancer of Finagle and Linkerd. Constant cost whatever the group size, and
 * because it never always picks the single best, a herd of requests does not pile onto one
 * deployment between latency updates. An unseen (or stale) deployment scores 0 and wins its
 * draw, so it gets measured.
 */
export function createPowerOfTwo(): RoutingStrategy {
  return {
    name: 'power-of-two-choices',
    pick(candidates, context) {
      const count = candidates.length;
      if (count === 0) throw noCandidates('power-of-two-choices');
      if (count === 1) return candidates[0] as Deployment;
      const first = Math.min(Math.floor(context.random() * count), count - 1);
      // The second draw ranges over the other count - 1 slots, so the two are always distinct.
      let second = Math.min(Math.floor(context.random() * (count - 1)), count - 2);
      if (second >= first) second += 1;
      const a = candidates[first] as Deployment;
      const b = candidates[second] as Deployment;
      return expectedWait(b, context) < expectedWait(a, context) ? b : a;
    },
  };
}

function expectedWait(deployment: Deployment, context: PickContext): number {
  const { stats } = context;
  const kind = context.stream ? 'stream' : 'call';
  const latency = stats.ewma(deployment.id, kind, context.now) ?? 0;
  return latency * (stats.inFlight(deployment.id) + 1);
}
