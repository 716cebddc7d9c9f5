import type { Deployment } from '../core/deployment.ts';

/** Scores a candidate; lower is better. NaN counts as +Infinity (worst). */
export type Score = (deployment: Deployment) => number;

/**
 * Picks at random among the candidates whose score is within `slack` of the lowest (a
 * fraction: 0 = only the lowest, 0.5 = up to 50 % above it). When every score is +Infinity
 * (nothing known), all candidates tie. One random draw, no allocation: scores go to a scratch
 * buffer the picker owns, so each strategy instance gets its own picker (picks are synchronous,
 * so one buffer per instance is safe).
 */
export type LowestPicker = (
  candidates: readonly Deployment[],
  score: Score,
  random: () => number,
  slack?: number,
) => Deployment;

export function createLowestPicker(): LowestPicker {
  let scores = new Float64Array(16);
  return (candidates, score, random, slack = 0) => {
    const count = candidates.length;
    if (scores.length < count) scores = new Float64Array(Math.max(count, scores.length * 2));
    let lowest = Number.POSITIVE_INFINITY;
    for (let index = 0; index < count; index += 1) {
      const value = score(candidates[index] as Deployment);
      const clean = Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
      scores[index] = clean;
      if (clean < lowest) lowest = clean;
    }
    // Infinity × 0 is NaN: with nothing known (or no slack) the limit is the lowest itself.
    const limit =
      slack === 0 || !Number.isFinite(lowest) ? lowest : lowest + Math.abs(lowest) * slack;
    let within = 0;
    for (let index = 0; index < count; index += 1)
      if ((scores[index] as number) <= limit) within += 1;
    let skip = Math.min(Math.floor(random() * within), within - 1);
    for (let index = 0; index < count; index += 1) {
      if ((scores[index] as number) > limit) continue;
      if (skip === 0) return candidates[index] as Deployment;
      skip -= 1;
    }
    // Unreachable: `within` counted at least the lowest candidate.
    return candidates[count - 1] as Deployment;
  };
}
