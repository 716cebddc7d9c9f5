/**
 * `router_settings.model_group_alias`: other names for a group, in LiteLLM's two forms
 * (`{alias: group}` and `{alias: {model: group, hidden: true}}`). Checked and resolved once at
 * start-up; an alias names a group, or a name a wildcard group serves.
 */
import type { ModelAlias, WildcardGroup } from './plan.ts';
import { type KnownNames, unknownNameMessage } from './known-names.ts';
import { isWildcardName, matchWildcard } from './wildcards.ts';

/** A validated `model_group_alias` value. */
export type AliasInput = Readonly<Record<string, string | { model: string; hidden?: boolean }>>;

/** What compileAliases checks against, and where it reports. */
export interface AliasContext {
  readonly known: KnownNames;
  readonly wildcards: readonly WildcardGroup[];
  /** Where problems go, one line each. */
  readonly issues: string[];
  /** The key's path for messages, e.g. `router_settings.model_group_alias`. */
  readonly path: string;
}

/**
 * The aliases of `input`, in config order. An alias that is already a group name, holds `*`, or
 * names something no group serves is a problem naming the key.
 */
export function compileAliases(
  input: AliasInput | undefined,
  context: AliasContext,
): ReadonlyMap<string, ModelAlias> {
  const { known, wildcards, issues, path } = context;
  const aliases = new Map<string, ModelAlias>();
  for (const [alias, value] of Object.entries(input ?? {})) {
    const at = `${path}.${alias}`;
    const target = typeof value === 'string' ? value : value.model;
    const hidden = typeof value === 'string' ? false : value.hidden === true;
    if (known.groups.includes(alias)) {
      issues.push(`${at}: "${alias}" is already a model_name; an alias must be a new name`);
      continue;
    }
    if (isWildcardName(alias)) {
      issues.push(`${at}: an alias cannot hold "*" (use a wildcard model_name instead)`);
      continue;
    }
    const isGroup = known.groups.includes(target) && !isWildcardName(target);
    if (!isGroup && matchWildcard(wildcards, target) === undefined) {
      issues.push(`${at}: ${unknownNameMessage(known, target)}`);
      continue;
    }
    aliases.set(alias, Object.freeze({ group: target, hidden }));
  }
  return aliases;
}

/**
 * `map` plus, for each alias without its own entry, its target's entry: an alias behaves as its
 * group (same fallbacks, same retry policy) unless the config says otherwise for the alias.
 */
export function inheritForAliases<V>(
  map: ReadonlyMap<string, V>,
  aliases: ReadonlyMap<string, ModelAlias>,
  wildcards: readonly WildcardGroup[],
): ReadonlyMap<string, V> {
  if (aliases.size === 0 || map.size === 0) return map;
  const merged = new Map(map);
  for (const [alias, { group }] of aliases) {
    // An alias of a name a wildcard serves inherits what is configured for the pattern.
    const inherited =
      map.get(group) ?? map.get(matchWildcard(wildcards, group)?.group.pattern ?? '');
    if (!merged.has(alias) && inherited !== undefined) merged.set(alias, inherited);
  }
  return merged;
}
