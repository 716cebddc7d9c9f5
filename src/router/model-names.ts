/**
 * The names clients may ask for besides the groups themselves: `model_group_alias` entries,
 * resolved once into the router's group map, and what `GET /v1/models` lists.
 */
import type { ModelAlias, RouterPlan } from '../config/plan.ts';
import type { SelectableGroup } from './candidates.ts';
import type { WildcardGroups } from './wildcard-groups.ts';

/**
 * `groups` plus one entry per alias: the target's deployments and tiers under the alias's own
 * name, so the response's `x-litellm-model-group`, the metrics and the fallback lookup see the
 * name the client used, as in LiteLLM. A target a wildcard serves is derived here, once.
 * Aliases were checked at compile time; one whose target cannot be found is skipped.
 */
export function groupsWithAliases(
  groups: ReadonlyMap<string, SelectableGroup>,
  aliases: ReadonlyMap<string, ModelAlias>,
  wildcards: WildcardGroups,
): ReadonlyMap<string, SelectableGroup> {
  if (aliases.size === 0) return groups;
  const all = new Map(groups);
  for (const [alias, { group }] of aliases) {
    const target = groups.get(group) ?? wildcards.pin(group);
    if (target === undefined) continue;
    all.set(alias, {
      group: Object.freeze({ name: alias, deployments: target.group.deployments }),
      tiers: target.tiers,
    });
  }
  return all;
}

/**
 * The model list: groups in config order, then wildcard patterns as written, most specific
 * first (LiteLLM lists a pattern as is when it does not expand it), then aliases not marked
 * `hidden`.
 */
export function listedModelNames(plan: RouterPlan): readonly string[] {
  const visibleAliases = [...plan.settings.modelGroupAlias]
    .filter(([, alias]) => !alias.hidden)
    .map(([name]) => name);
  return Object.freeze([
    ...plan.groups.keys(),
    ...plan.wildcards.map((group) => group.pattern),
    ...visibleAliases,
  ]);
}
