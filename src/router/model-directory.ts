/**
 * Every name a client or a fallback may use, resolved to something selectable: groups,
 * `model_group_alias` entries, names wildcard groups serve (derived on first use, in a bounded
 * cache), deployment ids and deployments' models. Built once per Router; a lookup is a few Map
 * reads.
 */
import type { RouterPlan } from '../config/plan.ts';
import type { Deployment } from '../core/deployment.ts';
import { prepareGroup, type SelectableGroup } from './candidates.ts';
import { groupsWithAliases, listedModelNames } from './model-names.ts';
import { createTargetResolver, type TargetResolver } from './targets.ts';
import { createWildcardGroups } from './wildcard-groups.ts';

export interface ModelDirectory {
  /** The group a request's `model` names: a group or alias, else a name a wildcard serves. */
  lookup(name: string): SelectableGroup | undefined;
  /** What a fallback entry names: lookup(), else a deployment id or a deployment's model. */
  readonly resolveTarget: TargetResolver;
  /** What `GET /v1/models` lists: groups, wildcard patterns, aliases not hidden. */
  readonly listed: readonly string[];
  /** Whether a request for `name` can be routed. */
  serves(name: string): boolean;
}

export interface ModelDirectoryOptions {
  /**
   * Called with the deployments of a wildcard-derived group dropped from the cache, so per-
   * deployment state (breakers) goes with them and client-chosen names cannot grow memory.
   */
  readonly onEvict: (deployments: readonly Deployment[]) => void;
}

export function createModelDirectory(
  plan: RouterPlan,
  options: ModelDirectoryOptions,
): ModelDirectory {
  const wildcards = createWildcardGroups({
    wildcards: plan.wildcards,
    onEvict: (evicted) =>
      options.onEvict(evicted.group.deployments.filter((d) => d.derivedFrom !== undefined)),
  });
  const groups = groupsWithAliases(
    new Map([...plan.groups].map(([name, group]) => [name, prepareGroup(group)])),
    plan.settings.modelGroupAlias,
    wildcards,
  );
  return {
    lookup: (name) => groups.get(name) ?? wildcards.resolve(name),
    resolveTarget: createTargetResolver(plan, groups, (name) => wildcards.resolve(name)),
    listed: listedModelNames(plan),
    serves: (name) => groups.has(name) || wildcards.serves(name),
  };
}
