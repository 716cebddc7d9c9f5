import type { Deployment } from '../core/deployment.ts';
import { parseModelRef } from '../providers/model-name.ts';

/**
 * The names a config may refer to (fallback targets, retry-policy groups): group names,
 * deployment ids, and deployments' `litellm_params.model` (`azure/gpt-4o`, as LiteLLM's router
 * also accepts and the HA deployment guide's fallbacks use). A reference to anything else is fatal, because a typo in a fallback chain
 * would otherwise surface only during an outage.
 */

/** How many group names an error lists before eliding the rest. */
const MAX_LISTED = 12;

/** Everything a reference in the config may name. */
export interface KnownNames {
  /** Group names in config order. */
  readonly groups: readonly string[];
  readonly ids: ReadonlySet<string>;
  /** Deployments' models as modelKey() spells them. */
  readonly models: ReadonlySet<string>;
  /** True for a name a wildcard group serves (`openai/gpt-4o` under `openai/*`). */
  readonly served?: (name: string) => boolean;
}

/**
 * True when `name` is a group, a deployment id, a name a wildcard group serves, or a
 * deployment's model.
 */
export function isKnownName(known: KnownNames, name: string): boolean {
  if (known.groups.includes(name) || known.ids.has(name)) return true;
  if (known.served?.(name) === true) return true;
  const key = modelKey(name);
  return key !== undefined && known.models.has(key);
}

/**
 * One spelling per upstream model, `provider/model`, so `gpt-4o` and `openai/gpt-4o` name the
 * same deployments. Undefined when `name` is not a model reference.
 */
export function modelKey(name: string): string | undefined {
  const ref = parseModelRef(name);
  return ref === undefined ? undefined : `${ref.provider}/${ref.upstreamModel}`;
}

/** The modelKey() of a compiled deployment. */
export function deploymentModelKey(deployment: Deployment): string {
  return `${deployment.provider}/${deployment.upstreamModel}`;
}

/** `"gpt-5" is not a model_name in model_list (groups: a, b, c)`. */
export function unknownNameMessage(known: KnownNames, name: string): string {
  const shown = known.groups.slice(0, MAX_LISTED).join(', ');
  const more = known.groups.length > MAX_LISTED ? ', …' : '';
  const groups = known.groups.length === 0 ? 'model_list is empty' : `groups: ${shown}${more}`;
  return `${JSON.stringify(name)} is not a model_name in model_list (${groups})`;
}
