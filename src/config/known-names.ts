/**
 * The names a config may refer to (fallback targets, retry-policy groups): group names and
 * deployment ids. A reference to anything else is fatal, because a typo in a fallback chain
 * would otherwise surface only during an outage.
 */

/** How many group names an error lists before eliding the rest. */
const MAX_LISTED = 12;

/** Everything a reference in the config may name. */
export interface KnownNames {
  /** Group names in config order. */
  readonly groups: readonly string[];
  readonly ids: ReadonlySet<string>;
  /** True for a name a wildcard group serves (`openai/gpt-4o` under `openai/*`). */
  readonly served?: (name: string) => boolean;
}

/** True when `name` is a group, a deployment id, or a name a wildcard group serves. */
export function isKnownName(known: KnownNames, name: string): boolean {
  return known.groups.includes(name) || known.ids.has(name) || (known.served?.(name) ?? false);
}

/** `"gpt-5" is not a model_name in model_list (groups: a, b, c)`. */
export function unknownNameMessage(known: KnownNames, name: string): string {
  const shown = known.groups.slice(0, MAX_LISTED).join(', ');
  const more = known.groups.length > MAX_LISTED ? ', …' : '';
  const groups = known.groups.length === 0 ? 'model_list is empty' : `groups: ${shown}${more}`;
  return `${JSON.stringify(name)} is not a model_name in model_list (${groups})`;
}
