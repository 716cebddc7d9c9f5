import type { Deployment } from '../core/deployment.ts';
import type { ModelGroup } from '../config/plan.ts';
import type { PickContext, RoutingStrategy } from '../routing/strategy.ts';

/**
 * A group prepared for selection once at start-up: its deployments split into `order` tiers,
 * lowest first, so the common case (nothing tried yet) allocates nothing.
 */
export interface SelectableGroup {
  readonly group: ModelGroup;
  readonly tiers: readonly (readonly Deployment[])[];
}

export function prepareGroup(group: ModelGroup): SelectableGroup {
  const byOrder = new Map<number, Deployment[]>();
  for (const deployment of group.deployments) {
    const tier = byOrder.get(deployment.order);
    if (tier) tier.push(deployment);
    else byOrder.set(deployment.order, [deployment]);
  }
  const tiers = [...byOrder.entries()].sort(([a], [b]) => a - b).map(([, tier]) => tier);
  return { group, tiers };
}

/**
 * The deployment for the next attempt: the lowest tier that still has a deployment this
 * request has not tried; when every deployment has been tried, the lowest tier again (a retry
 * on the same deployment beats no retry). The strategy chooses within the tier.
 */
export function selectDeployment(
  selectable: SelectableGroup,
  tried: ReadonlySet<string>,
  strategy: RoutingStrategy,
  context: PickContext,
): Deployment | undefined {
  const first = selectable.tiers[0];
  if (!first) return undefined;
  if (tried.size === 0) return strategy.pick(first, context);
  for (const tier of selectable.tiers) {
    const fresh = tier.filter((deployment) => !tried.has(deployment.id));
    if (fresh.length > 0) return strategy.pick(fresh, context);
  }
  return strategy.pick(first, context);
}
