/**
 * Label values for the Prometheus metrics. Every value comes from the compiled config (group
 * names, deployment ids, providers, credential-free api bases) or from a small closed set
 * (statuses, error kinds), never from a request: cardinality stays bounded by the config.
 */
import type { Deployment } from '../core/deployment.ts';
import { safeUrl } from '../core/redact.ts';

/** The labels LiteLLM puts on its per-deployment series (`_logged_llm_labels`). */
export interface DeploymentLabels {
  readonly litellm_model_name: string;
  readonly model_id: string;
  /** `api_base` with userinfo and query removed (both can carry credentials); '' when none. */
  readonly api_base: string;
  readonly api_provider: string;
}

export const DEPLOYMENT_LABEL_NAMES = [
  'litellm_model_name',
  'model_id',
  'api_base',
  'api_provider',
] as const;

/**
 * The `requested_model` of a request for a model the config does not define. The client's own
 * string would let any caller mint new series, so it is folded into this one value.
 */
export const UNKNOWN_MODEL = 'unknown_model';

/** Upstream headers exported as gauges (OpenAI's names, also sent by most compatible servers). */
export const REMAINING_REQUESTS_HEADER = 'x-ratelimit-remaining-requests';
export const REMAINING_TOKENS_HEADER = 'x-ratelimit-remaining-tokens';

/**
 * Bucket bounds in seconds for the latency histograms: LiteLLM's `LATENCY_BUCKETS`, so
 * `histogram_quantile` panels built against LiteLLM read the same resolution here.
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7,
  7.5, 8, 8.5, 9, 9.5, 10, 15, 20, 25, 30, 60, 120, 180, 240, 300,
];

export function deploymentLabels(deployment: Deployment): DeploymentLabels {
  return {
    litellm_model_name: deployment.upstreamModel,
    model_id: deployment.id,
    api_base: safeUrl(deployment.apiBase) ?? '',
    api_provider: deployment.provider,
  };
}

/**
 * A rate-limit header as a number, or undefined when absent or not a plain non-negative
 * number (some servers send `"10 requests"`; a gauge of NaN would mislead).
 */
export function headerNumber(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): number | undefined {
  const raw = headers?.[name];
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/** Gets the cached value for `key`, building and caching it on first use. */
export function cached<K, V>(map: Map<K, V>, key: K, build: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = build();
    map.set(key, value);
  }
  return value;
}

/**
 * cached() under two keys, one map inside another. Per request this beats one joined key: a
 * string built per request has to be flattened and hashed for every lookup, where a config
 * name's hash is computed once and a number's costs nothing (~400 instructions a lookup,
 * callgrind).
 */
export function cachedPair<K, V>(
  map: Map<string, Map<K, V>>,
  first: string,
  second: K,
  build: () => V,
): V {
  return cached(
    cached(map, first, () => new Map<K, V>()),
    second,
    build,
  );
}
