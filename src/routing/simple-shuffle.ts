import type { Deployment } from '../core/deployment.ts';
import { noCandidates, type PickContext, type RoutingStrategy } from './strategy.ts';

type WeightField = 'weight' | 'rpm' | 'tpm';

/** LiteLLM's precedence: `weight`, else `rpm`, else `tpm`. */
const WEIGHT_FIELDS: readonly WeightField[] = ['weight', 'rpm', 'tpm'];

/**
 * What a candidate list draws from: cumulative weights (undefined = uniform). Worked out once
 * per list and remembered while the list lives: the router offers the same tier array on every
 * pick while nothing is benched or tried, so the common pick is one lookup and a binary search.
 */
type Draw = Float64Array | undefined;

/**
 * Weighted random choice. The first field any candidate sets decides the weights; a candidate
 * that lacks it gets the mean of those that have it (not zero, which would starve it, and not
 * another field's value, which would mix units). No field set anywhere: uniform.
 */
export function createSimpleShuffle(): RoutingStrategy {
  const draws = new WeakMap<readonly Deployment[], Draw>();
  return {
    name: 'simple-shuffle',
    pick(candidates, context) {
      const only = candidates[0];
      if (only === undefined) throw noCandidates('simple-shuffle');
      if (candidates.length === 1) return only;
      let draw = draws.get(candidates);
      if (draw === undefined && !draws.has(candidates)) {
        draw = cumulativeWeights(candidates);
        draws.set(candidates, draw);
      }
      return draw ? pickWeighted(candidates, draw, context) : pickUniform(candidates, context);
    },
  };
}

function cumulativeWeights(candidates: readonly Deployment[]): Float64Array | undefined {
  for (const field of WEIGHT_FIELDS) {
    let sum = 0;
    let count = 0;
    for (const deployment of candidates) {
      const value = deployment[field];
      if (value !== undefined) {
        sum += value;
        count += 1;
      }
    }
    if (count === 0) continue;
    const mean = sum / count;
    const cumulative = new Float64Array(candidates.length);
    let total = 0;
    candidates.forEach((deployment, index) => {
      total += deployment[field] ?? mean;
      cumulative[index] = total;
    });
    return cumulative;
  }
  return undefined;
}

/** The first candidate whose cumulative weight exceeds a uniform point in [0, total). */
function pickWeighted(
  candidates: readonly Deployment[],
  cumulative: Float64Array,
  context: PickContext,
): Deployment {
  const last = candidates.length - 1;
  const point = context.random() * (cumulative[last] as number);
  let low = 0;
  let high = last;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cumulative[middle] as number) > point) high = middle;
    else low = middle + 1;
  }
  // Floating-point remainder: the last candidate owns the top of the range.
  return candidates[low] as Deployment;
}

function pickUniform(candidates: readonly Deployment[], context: PickContext): Deployment {
  const index = Math.floor(context.random() * candidates.length);
  return candidates[Math.min(index, candidates.length - 1)] as Deployment;
}
