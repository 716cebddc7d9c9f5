import type { Deployment } from '../core/deployment.ts';
import { admitsAll, type Admission } from './candidate-filter.ts';
import type { SelectableGroup } from './candidates.ts';
import { SLOT_WAIT_MS, type ConcurrencyLimiter } from './concurrency-limit.ts';
import { pickContext, timeLeft, type GroupRun, type RouterCore } from './group-runner.ts';

/**
 * Every deployment the request could use is at its max_parallel_requests: queue on one of
 * them (the strategy chooses among those of the lowest tier whose queue has room) for at most
 * SLOT_WAIT_MS, never past the request's deadline. Resolves with the deployment once a slot is
 * held, or undefined (the caller answers with the limiter's 429). Rejects when the client
 * leaves.
 */
export async function queueForSlot<T>(
  core: RouterCore,
  limiter: ConcurrencyLimiter,
  target: SelectableGroup,
  admissions: readonly Admission[],
  run: GroupRun<T>,
): Promise<Deployment | undefined> {
  const others = admissions.filter((admission) => !limiter.owns(admission));
  let tier: Deployment[] = [];
  for (const deployment of target.group.deployments) {
    if (!core.isAvailable(deployment.id) || !limiter.canQueue(deployment.id)) continue;
    if (!admitsAll(others, deployment)) continue;
    const lowest = tier[0]?.order;
    if (lowest === undefined || deployment.order < lowest) tier = [deployment];
    else if (deployment.order === lowest) tier.push(deployment);
  }
  if (tier.length === 0) return undefined;
  const chosen = core.strategy.pick(tier, pickContext(core, run));
  const left = timeLeft(core, run.deadlineAt);
  const maxWaitMs = left === undefined ? SLOT_WAIT_MS : Math.min(SLOT_WAIT_MS, left);
  const held = await limiter.waitForSlot(chosen.id, {
    clock: core.clock,
    signal: run.signal,
    maxWaitMs,
  });
  if (!held) return undefined;
  // Benched while we waited: give the slot back rather than call a deployment known to fail.
  if (!core.isAvailable(chosen.id)) {
    limiter.release(chosen.id);
    return undefined;
  }
  return chosen;
}
