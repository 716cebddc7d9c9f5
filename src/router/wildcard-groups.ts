/**
 * Concrete groups for names a wildcard group serves. `openai/gpt-4o-mini` under `openai/*`
 * becomes a group of deployments that call `gpt-4o-mini`, each with an id of its own (stable
 * across instances, so cooldowns apply per concrete model and are shared), derived once per
 * name and kept in a bounded cache: a client can send any name, memory must not follow.
 */
import { createHash } from 'node:crypto';
import type { WildcardGroup } from '../config/plan.ts';
import { matchWildcard, substituteWildcards } from '../config/wildcards.ts';
import type { Deployment } from '../core/deployment.ts';
import { prepareGroup, type SelectableGroup } from './candidates.ts';

/** Names whose groups are kept. Default 1_000; the least recently used name goes first. */
export const DEFAULT_WILDCARD_CACHE_SIZE = 1_000;

export interface WildcardGroups {
  /** The group serving `name`, derived on first use; undefined when no pattern matches. */
  resolve(name: string): SelectableGroup | undefined;
  /**
   * Like resolve(), but the group is kept for good and never evicted (an alias's target,
   * resolved at start-up).
   */
  pin(name: string): SelectableGroup | undefined;
  /** Whether some pattern serves `name` (derives nothing). */
  serves(name: string): boolean;
  /** Names cached now (for tests and diagnostics). */
  readonly size: number;
}

export interface WildcardGroupsOptions {
  readonly wildcards: readonly WildcardGroup[];
  /** Default DEFAULT_WILDCARD_CACHE_SIZE. */
  readonly cacheSize?: number;
  /**
   * Called with a group dropped from the cache, so per-deployment state kept elsewhere (a
   * breaker per derived id) can be dropped too and memory stays bounded.
   */
  readonly onEvict?: (group: SelectableGroup) => void;
}

export function createWildcardGroups(options: WildcardGroupsOptions): WildcardGroups {
  const { wildcards } = options;
  const limit = Math.max(1, options.cacheSize ?? DEFAULT_WILDCARD_CACHE_SIZE);
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the eldest.
  const cache = new Map<string, SelectableGroup>();
  const pinned = new Map<string, SelectableGroup>();
  const derive = (name: string): SelectableGroup | undefined => {
    const match = matchWildcard(wildcards, name);
    if (match === undefined) return undefined;
    const deployments = match.group.deployments.map((template) =>
      deriveDeployment(template, substituteWildcards(template.upstreamModel, match.segments)),
    );
    return prepareGroup({ name: match.group.pattern, deployments });
  };
  return {
    resolve(name) {
      const hit = pinned.get(name) ?? cache.get(name);
      if (hit !== undefined) {
        if (cache.delete(name)) cache.set(name, hit);
        return hit;
      }
      const derived = derive(name);
      if (derived === undefined) return undefined;
      if (cache.size >= limit) {
        const eldest = cache.entries().next().value;
        if (eldest !== undefined) {
          cache.delete(eldest[0]);
          options.onEvict?.(eldest[1]);
        }
      }
      cache.set(name, derived);
      return derived;
    },
    pin(name) {
      const found = pinned.get(name) ?? cache.get(name) ?? derive(name);
      if (found === undefined) return undefined;
      cache.delete(name);
      pinned.set(name, found);
      return found;
    },
    serves: (name) =>
      pinned.has(name) || cache.has(name) || matchWildcard(wildcards, name) !== undefined,
    get size() {
      return cache.size;
    },
  };
}

/**
 * `template` calling `upstreamModel`: everything else (credentials, limits, region, order) is
 * the template's. The id hashes the template's id with the model, so every instance derives the
 * same one. `group` stays the pattern: metrics label by it, so client-chosen names never mint
 * new series.
 */
export function deriveDeployment(template: Deployment, upstreamModel: string): Deployment {
  if (upstreamModel === template.upstreamModel) return template;
  return Object.freeze({
    ...template,
    id: derivedId(template.id, upstreamModel),
    upstreamModel,
    derivedFrom: template.id,
  });
}

/** 16 hex characters of sha256(template id, model): the width of automatic deployment ids. */
export function derivedId(templateId: string, upstreamModel: string): string {
  return createHash('sha256').update(`${templateId}\n${upstreamModel}`).digest('hex').slice(0, 16);
}
