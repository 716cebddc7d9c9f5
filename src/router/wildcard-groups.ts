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
  /** Whether some pattern serves `name` (derives nothing). */
  serves(name: string): boolean;
  /** Names cached now (for tests and diagnostics). */
  readonly size: number;
}

export interface WildcardGroupsOptions {
  readonly wildcards: readonly WildcardGroup[];
  /** Default DEFAULT_WILDCARD_CACHE_SIZE. */
  readonly cacheSize?: number;
}

export function createWildcardGroups(options: WildcardGroupsOptions): WildcardGroups {
  const { wildcards } = options;
  const limit = Math.max(1, options.cacheSize ?? DEFAULT_WILDCARD_CACHE_SIZE);
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the eldest.
  const cache = new Map<string, SelectableGroup>();
  return {
    resolve(name) {
      const hit = cache.get(name);
      if (hit !== undefined) {
        cache.delete(name);
        cache.set(name, hit);
        return hit;
      }
      const match = matchWildcard(wildcards, name);
      if (match === undefined) return undefined;
      const deployments = match.group.deployments.map((template) =>
        deriveDeployment(template, substituteWildcards(template.upstreamModel, match.segments)),
      );
      const derived = prepareGroup({ name: match.group.pattern, deployments });
      if (cache.size >= limit) {
        const eldest = cache.keys().next().value;
        if (eldest !== undefined) cache.delete(eldest);
      }
      cache.set(name, derived);
      return derived;
    },
    serves: (name) => cache.has(name) || matchWildcard(wildcards, name) !== undefined,
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
