import type { Deployment } from '../core/deployment.ts';
import type { ModelGroup } from '../config/plan.ts';
import type { PickContext, RoutingStrategy } from '../routing/strategy.ts';
import { admitsAll, type Admission } from './candidate-filter.ts';

/**
 * A group prepared for selection once at start-up: its deployments split into `order` tiers,
 * lowest first, so the common case (nothing tried, nothing benched) allocates nothing.
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

export interface Selection {
  /** Deployments this request already tried (and saw fail). */
  readonly tried: ReadonlySet<string>;
  /** False while a deployment is benched (or its half-open probe is taken). */
  readonly isAvailable: (deploymentId: string) => boolean;
  /**
   * True when isAvailable() is known to hold for every deployment (nothing benched): the
   * tiers are then used as they are, without asking deployment by deployment.
   */
  readonly allAvailable?: boolean;
  readonly strategy: RoutingStrategy;
  readonly context: PickContext;
  /** This request's pre-call checks and limits (see candidate-filter.ts); undefined = none. */
  readonly admissions?: readonly Admission[] | undefined;
}

/**
 * The deployment for the next attempt: benched deployments and those this request's filters
 * refuse are never offered; within the lowest tier that has an available deployment this
 * request has not tried, the strategy chooses. When every available deployment has been tried,
 * the lowest tier with an available one is offered again (a retry on the same deployment beats
 * no retry). Undefined when nothing is available at all.
 */
export function selectDeployment(
  selectable: SelectableGroup,
  selection: Selection,
): Deployment | undefined {
  const { tried, isAvailable, strategy, context, admissions } = selection;
  // Nothing benched and no filter: every deployment is usable, so a tier is taken whole, with
  // no per-deployment call (what keeps a decision cheap in a group of thousands).
  const usableNow =
    admissions === undefined
      ? selection.allAvailable === true
        ? undefined
        : (deployment: Deployment) => isAvailable(deployment.id)
      : (deployment: Deployment) => isAvailable(deployment.id) && admitsAll(admissions, deployment);
  let retryTier: readonly Deployment[] | undefined;
  for (const tier of selectable.tiers) {
    const usable = usableNow === undefined ? tier : keep(tier, usableNow);
    if (usable.length === 0) continue;
    const fresh =
      tried.size === 0 ? usable : keep(usable, (deployment) => !tried.has(deployment.id));
    if (fresh.length > 0) return strategy.pick(fresh, context);
    retryTier ??= usable;
  }
  return retryTier ? strategy.pick(retryTier, context) : undefined;
}

/** `filter`, but returns the same array when every element passes (the hot path). */
function keep(
  items: readonly Deployment[],
  test: (deployment: Deployment) => boolean,
): readonly Deployment[] {
  for (let index = 0; index < items.length; index += 1) {
    if (!test(items[index] as Deployment)) return items.filter(test);
  }
  return items;
}
