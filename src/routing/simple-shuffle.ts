import type { Deployment } from '../core/deployment.ts';
import { noCandidates, type PickContext, type RoutingStrategy } from './strategy.ts';

type WeightField = 'weight' | 'rpm' | 'tpm';

/** LiteLLM's precedence: `weight`, else `rpm`, else `tpm`. */
const WEIGHT_FIELDS: readonly WeightField[] = ['weight', 'rpm', 'tpm'];

/**
 * Weighted random choice. The first field any candidate sets decides the weights; a candidate
 * that lacks it gets the mean of those that have it (not zero, which would starve it, and not
 * another field's value, which would mix units). No field set anywhere: uniform.
 */
export function createSimpleShuffle(): RoutingStrategy {
  return {
    name: 'simple-shuffle',
    pick(candidates, context) {
      const only = candidates[0];
      if (only === undefined) throw noCandidates('simple-shuffle');
      if (candidates.length === 1) return only;
      const weights = weightsOf(candidates);
      return weights
        ? pickWeighted(candidates, weights, context)
        : pickUniform(candidates, context);
    },
  };
}

function weightsOf(candidates: readonly Deployment[]): number[] | undefined {
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
    return candidates.map((deployment) => deployment[field] ?? mean);
  }
  return undefined;
}

function pickWeighted(
  candidates: readonly Deployment[],
  weights: readonly number[],
  context: PickContext,
): Deployment {
  let total = 0;
  for (const weight of weights) total += weight;
  let point = context.random() * total;
  for (let index = 0; index < candidates.length; index += 1) {
    point -= weights[index] ?? 0;
    if (point < 0) return candidates[index] as Deployment;
  }
  // Floating-point remainder: the last candidate owns the top of the range.
  return candidates[candidates.length - 1] as Deployment;
}

function pickUniform(candidates: readonly Deployment[], context: PickContext): Deployment {
  const index = Math.floor(context.random() * candidates.length);
  return candidates[Math.min(index, candidates.length - 1)] as Deployment;
}
