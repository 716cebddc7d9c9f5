/**
 * The config schema: the single source of truth for what a LiteLLM-compatible `config.yaml`
 * may hold, and (through z.infer) for the types of a validated config. Durations are in
 * seconds here, as in LiteLLM; compile.ts turns them into ms.
 *
 * Unknown keys. Where we know every key (the top level, `litellm_params`, the settings
 * sections, retry and allowed-fails policies, `routing_strategy_args`) an unknown key is not
 * fatal: the loader lists it in one "unknown keys (ignored)" warning, which catches typos such
 * as `num_retires`. Free-form maps (`model_info`, `extra_headers`) are never checked for keys. LiteLLM keys for features outside the request path (IGNORED_KEYS: logging
 * callbacks, verbosity, caching, database, spend tracking, alerting) are accepted silently:
 * real configs carry them and they do not change how a request is routed.
 */
import { z } from 'zod';
import type { AllowedFailsPolicyKey, RetryPolicyKey, RoutingStrategyName } from './plan.ts';
import {
  bool,
  count,
  fraction,
  freeMapping,
  intInRange,
  list,
  mapping,
  name,
  numberOrZero,
  oneOf,
  positiveInt,
  positiveNumber,
  seconds,
  secondsOrZero,
  stringMapping,
  text,
} from './fields.ts';
import { isPlainObject } from './secrets.ts';

/** `routing_strategy` values, LiteLLM's names. Default `simple-shuffle`. */
export const ROUTING_STRATEGIES = [
  'simple-shuffle',
  'least-busy',
  'usage-based-routing',
  'usage-based-routing-v2',
  'latency-based-routing',
  'cost-based-routing',
  'power-of-two-choices',
] as const satisfies readonly RoutingStrategyName[];

/** `model_info.mode` values, LiteLLM's names. */
export const MODEL_MODES = [
  'chat',
  'completion',
  'embedding',
  'image_generation',
  'image_edit',
  'audio_transcription',
  'audio_speech',
  'moderation',
  'rerank',
  'batch',
  'responses',
  'realtime',
] as const;

/**
 * LiteLLM keys accepted silently and never read, by section. The loader removes them before
 * anything else, so an `os.environ/` variable they reference (`database_url:
 * os.environ/DATABASE_URL`) need not be set for Switchyard.
 */
export const IGNORED_KEYS: Readonly<Record<string, readonly string[]>> = {
  router_settings: ['cache', 'cache_params'],
  litellm_settings: [
    'cache',
    'cache_params',
    'drop_params',
    'set_verbose',
    'json_logs',
    'callbacks',
    'success_callback',
    'failure_callback',
  ],
  general_settings: [
    'database_url',
    'database_connection_pool_limit',
    'store_model_in_db',
    'alerting',
    'alerting_threshold',
    'proxy_batch_write_at',
    'disable_spend_logs',
  ],
};

const retries = () => count().optional();

/** `retry_policy`: retries per error type, overriding `num_retries`. */
const retryPolicy = mapping({
  BadRequestErrorRetries: retries(),
  AuthenticationErrorRetries: retries(),
  TimeoutErrorRetries: retries(),
  RateLimitErrorRetries: retries(),
  ContentPolicyViolationErrorRetries: retries(),
  InternalServerErrorRetries: retries(),
} satisfies Record<RetryPolicyKey, unknown>);

/** One entry of the HA guide's list form of `retry_policy`. */
const statusRetryRule = z.strictObject(
  {
    status_code: intInRange(400, 599, 'an HTTP error status (400-599)'),
    retry_after: secondsOrZero().optional(),
  },
  { error: 'expected {status_code, retry_after}' },
);

/** `retry_policy` in either form: counts per error type, or a list of per-status rules. */
const retryPolicyField = () =>
  z.union([retryPolicy, list(statusRetryRule)], {
    error:
      'expected a mapping of <ErrorType>Retries counts (e.g. RateLimitErrorRetries: 3) or a list of {status_code, retry_after}',
  });

/** `allowed_fails_policy`: failures tolerated per error type before a bench. */
const allowedFailsPolicy = mapping({
  BadRequestErrorAllowedFails: retries(),
  AuthenticationErrorAllowedFails: retries(),
  TimeoutErrorAllowedFails: retries(),
  RateLimitErrorAllowedFails: retries(),
  ContentPolicyViolationErrorAllowedFails: retries(),
  InternalServerErrorAllowedFails: retries(),
} satisfies Record<AllowedFailsPolicyKey, unknown>);

/**
 * A fallback map, LiteLLM's shape: a list of single-key mappings `[{gpt-4: [gpt-3.5, claude]}]`.
 * A plain mapping `{gpt-4: [...]}` is accepted too (it becomes a one-item list, so its paths
 * read `fallbacks[0].gpt-4`).
 */
const fallbackList = () =>
  z.preprocess(
    (value) =>
      isPlainObject(value) ? [value] : Array.isArray(value) ? value.map(guideForm) : value,
    list(
      z.record(z.string(), z.array(name(), { error: 'expected a list of model names' }), {
        error: 'expected a mapping {model_name: [fallback, …]}',
      }),
    ),
  );

/**
 * The HA deployment guide's fallback entry, `{model: gpt-4o, fallback_models: [...]}`, as
 * LiteLLM's `{gpt-4o: [...]}`. Anything else is left for the schema to judge.
 */
function guideForm(entry: unknown): unknown {
  if (!isPlainObject(entry)) return entry;
  const keys = Object.keys(entry);
  if (keys.length !== 2 || !('model' in entry) || !('fallback_models' in entry)) return entry;
  return typeof entry.model === 'string' ? { [entry.model]: entry.fallback_models } : entry;
}

/**
 * `model_group_alias`: alias → group, as a name or LiteLLM's `{model, hidden}` form (a hidden
 * alias routes but is not listed by `GET /v1/models`).
 */
const modelGroupAlias = z.record(
  z.string(),
  z.union([name(), mapping({ model: name(), hidden: bool().optional() })], {
    error: 'expected a model_name or {model: model_name, hidden: true|false}',
  }),
  { error: 'expected a mapping {alias: model_name}' },
);

/** A Redis node: `{host, port}` or `"host:port"`. */
const redisNode = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const colon = value.lastIndexOf(':');
    if (colon <= 0) return value;
    return { host: value.slice(0, colon), port: value.slice(colon + 1) };
  },
  z.strictObject(
    { host: name(), port: intInRange(1, 65535, 'a port number') },
    { error: 'expected {host, port} or "host:port"' },
  ),
);

/**
 * Reliability keys, accepted in both `router_settings` and `litellm_settings` (router_settings
 * wins per key). `timeout` and `request_timeout` mean the same; `timeout` wins within a section.
 */
const reliabilityShape = {
  routing_strategy: oneOf(ROUTING_STRATEGIES).optional(),
  routing_strategy_args: mapping({
    /** Latency samples older than this no longer count, s. Default 3600 (LiteLLM's). */
    ttl: seconds().optional(),
    /** Pick among deployments within this fraction of the fastest. Default 0. */
    lowest_latency_buffer: numberOrZero().optional(),
    /** Latency samples kept per deployment. Default 10. */
    max_latency_list_size: positiveInt().optional(),
  }).optional(),
  num_retries: count().optional(),
  retry_policy: retryPolicyField().optional(),
  model_group_retry_policy: z
    .record(z.string(), retryPolicyField(), {
      error: 'expected a mapping {model_name: retry_policy}',
    })
    .optional(),
  retry_after: secondsOrZero().optional(),
  timeout: seconds().optional(),
  request_timeout: seconds().optional(),
  stream_timeout: seconds().optional(),
  /** Ours: the longest gap between stream chunks. */
  stream_idle_timeout: seconds().optional(),
  overall_timeout: seconds().optional(),
  allowed_fails: count().optional(),
  allowed_fails_policy: allowedFailsPolicy.optional(),
  cooldown_time: secondsOrZero().optional(),
  disable_cooldowns: bool().optional(),
  max_fallbacks: count().optional(),
  fallbacks: fallbackList().optional(),
  context_window_fallbacks: fallbackList().optional(),
  content_policy_fallbacks: fallbackList().optional(),
  default_fallbacks: list(name()).optional(),
  enable_pre_call_checks: bool().optional(),
  /** LiteLLM's: enforce deployments' rpm/tpm whatever the routing strategy. */
  enforce_model_rate_limits: bool().optional(),
  /** Concurrent requests per deployment that sets no `max_parallel_requests`. */
  default_max_parallel_requests: positiveInt().optional(),
  model_group_alias: modelGroupAlias.optional(),
  mid_stream_fallback: bool().optional(),
  redis_host: name().optional(),
  redis_port: intInRange(1, 65535, 'a port number').optional(),
  redis_password: text().optional(),
  redis_url: name().optional(),
  redis_db: count().optional(),
  redis_key_prefix: text().optional(),
  redis_use_sentinel: bool().optional(),
  redis_sentinel_nodes: list(redisNode).optional(),
  redis_sentinel_master_name: name().optional(),
  /** LiteLLM's alias of `redis_sentinel_master_name`. */
  service_name: name().optional(),
  redis_startup_nodes: list(redisNode).optional(),
};

const routerSettings = mapping(reliabilityShape);

const litellmSettings = mapping({
  ...reliabilityShape,
  /** LiteLLM reads this one here; `general_settings` wins when both are set. */
  require_auth_for_metrics_endpoint: bool().optional(),
});

const generalSettings = mapping({
  master_key: text().optional(),
  /** Largest request body, in MB. Default 10. */
  max_request_size_mb: positiveNumber().optional(),
  /** Ours (LiteLLM only has a constant): per-deployment `/health` probe timeout, s. Default 10. */
  health_check_timeout: seconds().optional(),
  background_health_checks: bool().optional(),
  /** Seconds between background health checks. Default 300. */
  health_check_interval: seconds().optional(),
  /** Selection skips deployments whose latest background check failed. Default false. */
  enable_health_check_routing: bool().optional(),
  require_auth_for_metrics_endpoint: bool().optional(),
  /** Ours: how long SIGTERM waits for in-flight requests, s. Default 30. */
  drain_timeout: secondsOrZero().optional(),
});

const litellmParams = mapping({
  /** `provider/model` or a bare OpenAI model name. Required. */
  model: name(),
  api_base: name().optional(),
  api_key: text().optional(),
  api_version: name().optional(),
  timeout: seconds().optional(),
  stream_timeout: seconds().optional(),
  max_retries: count().optional(),
  rpm: positiveInt().optional(),
  tpm: positiveInt().optional(),
  /** Concurrent requests this deployment takes; more wait briefly, then go elsewhere. */
  max_parallel_requests: positiveInt().optional(),
  weight: positiveNumber().optional(),
  order: positiveInt().optional(),
  region_name: name().optional(),
  input_cost_per_token: numberOrZero().optional(),
  output_cost_per_token: numberOrZero().optional(),
  mock_response: text().optional(),
  cooldown_time: secondsOrZero().optional(),
  organization: name().optional(),
  extra_headers: stringMapping().optional(),
  mock_latency_ms: numberOrZero().optional(),
  mock_failure_rate: fraction().optional(),
  mock_failure_status: intInRange(400, 599, 'an HTTP error status').optional(),
  /** Bedrock (`bedrock/…`): SigV4 credentials, region and runtime endpoint, LiteLLM's names. */
  aws_access_key_id: text().optional(),
  aws_secret_access_key: text().optional(),
  aws_session_token: text().optional(),
  aws_region_name: name().optional(),
  aws_bedrock_runtime_endpoint: name().optional(),
  /** Vertex AI: the Google Cloud project (env VERTEXAI_PROJECT). */
  vertex_project: name().optional(),
  /** Vertex AI: the region, e.g. `us-central1`, or `global` (env VERTEXAI_LOCATION). */
  vertex_location: name().optional(),
  /** Vertex AI: a service-account JSON file's path, or its JSON as a string or mapping. Secret. */
  vertex_credentials: z
    .union([name(), freeMapping()], {
      error: 'expected a path to a service-account JSON file, or the JSON itself',
    })
    .optional(),
});

/** Free-form metadata, as in LiteLLM; only the keys we read are checked. */
const modelInfo = z.looseObject(
  {
    id: name().optional(),
    base_model: name().optional(),
    max_input_tokens: positiveInt().optional(),
    max_output_tokens: positiveInt().optional(),
    mode: oneOf(MODEL_MODES).optional(),
    /** The upstream model health checks call instead of the deployment's own (`provider/model`). */
    health_check_model: name().optional(),
    /** Leaves this deployment out of background health checks. */
    disable_background_health_check: bool().optional(),
  },
  { error: 'expected a mapping (key: value pairs)' },
);

const modelEntry = mapping({
  model_name: name(),
  litellm_params: litellmParams,
  model_info: modelInfo.optional(),
});

/** The whole file. Every section is optional; an absent `model_list` serves nothing (warned). */
export const configSchema = mapping({
  model_list: list(modelEntry).optional(),
  router_settings: routerSettings.optional(),
  litellm_settings: litellmSettings.optional(),
  general_settings: generalSettings.optional(),
});

/** A config that passed validation: numbers coerced, durations still in seconds. */
export type ValidatedConfig = z.infer<typeof configSchema>;
/** One `model_list` entry. */
export type ModelEntry = z.infer<typeof modelEntry>;
/** One entry's `litellm_params` (durations in seconds). */
export type LitellmParams = z.infer<typeof litellmParams>;
/** One entry's `model_info`: the checked keys plus any others, kept as written. */
export type ModelInfo = z.infer<typeof modelInfo>;
/** The reliability keys shared by `router_settings` and `litellm_settings`. */
export type ReliabilityInput = z.infer<typeof routerSettings>;
/** `litellm_settings`: the reliability keys plus the ones LiteLLM only reads there. */
export type LitellmSettingsInput = z.infer<typeof litellmSettings>;
/** `general_settings` (durations in seconds, sizes in MB). */
export type GeneralSettingsInput = z.infer<typeof generalSettings>;
/** A `retry_policy`: counts per error type, or the list of per-status rules. */
export type RetryPolicyInput = z.infer<ReturnType<typeof retryPolicyField>>;
/** A Redis Sentinel or Cluster node, after `"host:port"` strings are split. */
export type RedisNodeInput = z.infer<typeof redisNode>;
