/**
 * Wildcard groups: a `model_name` holding `*` (`openai/*`, `claude-*`, `*`) serves any requested
 * name it matches, through deployments whose `litellm_params.model` receives the matched part
 * (`model: openai/*`). Pure functions on the compiled patterns; the router derives and caches
 * the concrete deployments.
 */
import type { WildcardGroup } from './plan.ts';

/** The wildcard character, as LiteLLM writes it. */
export const WILDCARD = '*';

/**
 * Longest requested name a wildcard matches, in characters. A client can send any string; a
 * bound keeps derived ids, cache keys and upstream bodies sane.
 */
export const MAX_WILDCARD_NAME_CHARS = 256;

/** True when `name` is a pattern (holds `*`). */
export function isWildcardName(name: string): boolean {
  return name.includes(WILDCARD);
}

/** How many `*` `text` holds. */
export function wildcardCount(text: string): number {
  let count = 0;
  for (const char of text) if (char === WILDCARD) count += 1;
  return count;
}

/**
 * The matcher of `pattern`: anchored, each `*` one non-empty segment (so `openai/*` does not
 * match `openai/`), every other character literal.
 */
export function patternRegex(pattern: string): RegExp {
  const parts = pattern.split(WILDCARD).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('(.+?)')}$`, 's');
}

/**
 * Orders patterns most specific first: more literal characters first (`openai/gpt-4*` before
 * `openai/*` before `*`), then fewer wildcards; ties keep config order (the sort is stable).
 */
export function bySpecificity(a: string, b: string): number {
  const literal = (p: string) => p.length - wildcardCount(p);
  return literal(b) - literal(a) || wildcardCount(a) - wildcardCount(b);
}

/** What a requested name matched: the group and the parts its wildcards stood for. */
export interface WildcardMatch {
  readonly group: WildcardGroup;
  readonly segments: readonly string[];
}

/**
 * The most specific wildcard group matching `name`, or undefined. Names that are themselves
 * patterns, or longer than MAX_WILDCARD_NAME_CHARS, match nothing.
 */
export function matchWildcard(
  groups: readonly WildcardGroup[],
  name: string,
): WildcardMatch | undefined {
  if (groups.length === 0 || name.length > MAX_WILDCARD_NAME_CHARS || isWildcardName(name)) {
    return undefined;
  }
  for (const group of groups) {
    const found = group.regex.exec(name);
    if (found) return { group, segments: found.slice(1) };
  }
  return undefined;
}

/**
 * `template` with its `*`s replaced, in order, by `segments` (`*` + `["gpt-4o"]` → `gpt-4o`). A
 * template without `*` is returned as is: every matching name goes to that one model.
 */
export function substituteWildcards(template: string, segments: readonly string[]): string {
  if (!isWildcardName(template)) return template;
  let index = 0;
  return template.replace(/\*/g, () => segments[index++] ?? '');
}
