/**
 * What a fallback entry (configured or client-sent) may name besides a group: a deployment id,
 * a name a wildcard group serves, or a deployment's model (`azure/gpt-4o`, as LiteLLM's router accepts and the HA deployment
 * guide's fallbacks use). Built once at start-up; a lookup is two or three Map reads.
 */
import { deploymentModelKey, modelKey } from '../config/known-names.ts';
import type { RouterPlan } from '../config/plan.ts';
import type { Deployment } from '../core/deployment.ts';
import { prepareGroup, type SelectableGroup } from './candidates.ts';

/** The target `name` stands for, or undefined when it names nothing in the plan. */
export type TargetResolver = (name: string) => SelectableGroup | undefined;

export function createTargetResolver(
  plan: RouterPlan,
  groups: ReadonlyMap<string, SelectableGroup>,
  /** Names served by wildcard groups; consulted after groups and deployment ids. */
  wildcard: TargetResolver,
): TargetResolver {
  const deployments = [...plan.deployments.values()];
  const byId = new Map(
    deployments.map((deployment) => [
      deployment.id,
      prepareGroup({ name: deployment.group, deployments: [deployment] }),
    ]),
  );
  const sameModel = new Map<string, Deployment[]>();
  for (const deployment of deployments) {
    const key = deploymentModelKey(deployment);
    const list = sameModel.get(key);
    if (list) list.push(deployment);
    else sameModel.set(key, [deployment]);
  }
  // Every deployment of that model, whichever group it serves; the first one's group names it.
  const byModel = new Map(
    [...sameModel].map(([key, list]) => [
      key,
      prepareGroup({ name: list[0]!.group, deployments: list }),
    ]),
  );
  return (name) => {
    const found = groups.get(name) ?? byId.get(name) ?? wildcard(name);
    if (found !== undefined) return found;
    const key = modelKey(name);
    return key === undefined ? undefined : byModel.get(key);
  };
}
