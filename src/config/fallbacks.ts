/**
 * Fallback maps, from LiteLLM's list of single-key mappings to a frozen Map. Every source and
 * target must be a group or a deployment id. In `fallbacks`, the source `"*"` means "any group
 * without its own entry" and joins `defaultFallbacks`; in the context-window and
 * content-policy maps a `"*"` source is kept as a key for the router to look up.
 */
import type { FallbackMap } from './plan.ts';
import { type KnownNames, isKnownName, unknownNameMessage } from './known-names.ts';

/** The wildcard source. */
export const ANY_GROUP = '*';

/** A validated fallback list: `[{group: [target, …]}, …]`. */
export type FallbackListInput = readonly Readonly<Record<string, readonly string[]>>[];

/** One compiled fallback list. */
export interface CompiledFallbacks {
  readonly map: FallbackMap;
  /** Targets of `"*"` sources, in order. */
  readonly wildcard: readonly string[];
}

/** What compileFallbacks checks references against, and where it reports. */
export interface FallbackContext {
  readonly known: KnownNames;
  /** Where problems go, one line each. */
  readonly issues: string[];
  /** Take `"*"` out of the map into `wildcard` (true for generic `fallbacks`). */
  readonly splitWildcard: boolean;
}

/**
 * Compiles `list`, found at `path` (`litellm_settings.fallbacks`). A source listed twice gets
 * the concatenation of its targets, without repeats.
 */
export function compileFallbacks(
  list: FallbackListInput | undefined,
  path: string,
  context: FallbackContext,
): CompiledFallbacks {
  const { known, issues } = context;
  const map = new Map<string, string[]>();
  (list ?? []).forEach((entry, i) => {
    for (const [source, targets] of Object.entries(entry)) {
      const at = `${path}[${i}].${source}`;
      if (source !== ANY_GROUP && !isKnownName(known, source)) {
        issues.push(`${at}: ${unknownNameMessage(known, source)}`);
      }
      targets.forEach((target, j) => {
        if (!isKnownName(known, target))
          issues.push(`${at}[${j}]: ${unknownNameMessage(known, target)}`);
      });
      const merged = map.get(source) ?? [];
      for (const target of targets) if (!merged.includes(target)) merged.push(target);
      map.set(source, merged);
    }
  });
  const frozen = new Map<string, readonly string[]>();
  for (const [source, targets] of map) {
    if (!(context.splitWildcard && source === ANY_GROUP))
      frozen.set(source, Object.freeze(targets));
  }
  const wildcard = context.splitWildcard ? (map.get(ANY_GROUP) ?? []) : [];
  return { map: frozen, wildcard: Object.freeze(wildcard) };
}
