import type { Deployment } from '../core/deployment.ts';

/**
 * The compiled, frozen configuration: what config/compile.ts builds once at start-up from a
 * validated config. The request path reads it by group name and never re-validates it.
 * Durations are in milliseconds here (the YAML speaks seconds, like LiteLLM).
 */
export interface RouterPlan {
  /** Groups by `model_name`, in config order. */
  readonly groups: ReadonlyMap<string, ModelGroup>;
  /** Every deployment by id (wildcard groups' templates are not among them). */
  readonly deployments: ReadonlyMap<string, Deployment>;
  /**
   * Groups whose `model_name` holds `*`, most specific first. Each serves every requested name
   * its pattern matches; its deployments are templates (`upstreamModel` may hold `*`) from which
   * the router derives one concrete deployment per requested name.
   */
  readonly wildcards: readonly WildcardGroup[];
  readonly settings: RouterSettings;
  readonly general: GeneralSettings;
  /** Non-fatal findings (unknown keys, …), each one line, for the caller to log once. */
  readonly warnings: readonly string[];
}

export interface ModelGroup {
  readonly name: string;
  readonly deployments: readonly Deployment[];
}

/** A wildcard group: `model_name: openai/*` and its template deployments. */
export interface WildcardGroup {
  /** The `model_name` as written, e.g. `openai/*`. Also the group's name in fallbacks and metrics. */
  readonly pattern: string;
  /** Anchored matcher; each `*` captures one non-empty segment. */
  readonly regex: RegExp;
  readonly deployments: readonly Deployment[];
}

/** One `model_group_alias` entry. */
export interface ModelAlias {
  /** The group (or a name a wildcard group serves) the alias routes to. */
  readonly group: string;
  /** Routable but left out of `GET /v1/models`. */
  readonly hidden: boolean;
}

export type RoutingStrategyName =
  | 'simple-shuffle'
  | 'least-busy'
  | 'usage-based-routing'
  | 'usage-based-routing-v2'
  | 'latency-based-routing'
  | 'cost-based-routing'
  | 'power-of-two-choices';

/** `routing_strategy_args`, validated; each undefined when not set (the strategy's default applies). */
export interface RoutingStrategyArgs {
  /** Latency samples older than this no longer count, in ms (`ttl`). Default 3_600_000. */
  readonly ttlMs: number | undefined;
  /** `lowest_latency_buffer`: pick among those within this fraction of the fastest. Default 0. */
  readonly lowestLatencyBuffer: number | undefined;
  /** `max_latency_list_size`: latency samples kept per deployment. Default 10. */
  readonly maxLatencyListSize: number | undefined;
}

/** LiteLLM's `retry_policy` keys: retries per error type, overriding `num_retries`. */
export type RetryPolicyKey =
  | 'BadRequestErrorRetries'
  | 'AuthenticationErrorRetries'
  | 'TimeoutErrorRetries'
  | 'RateLimitErrorRetries'
  | 'ContentPolicyViolationErrorRetries'
  | 'InternalServerErrorRetries';

/**
 * Retries per error type (LiteLLM's keys), and/or per upstream status: the form the HA
 * deployment guide shows (`- status_code: 429, retry_after: 60`), where a listed status is
 * retried `num_retries` times, waiting at least its `retry_after`.
 */
export type RetryPolicy = Readonly<Partial<Record<RetryPolicyKey, number>>> & {
  readonly byStatus?: ReadonlyMap<number, StatusRetryRule>;
};

/** One `{status_code, retry_after}` entry of a list-form `retry_policy`. */
export interface StatusRetryRule {
  /** The least wait before retrying this status, in ms; undefined = the usual delay. */
  readonly retryAfterMs: number | undefined;
}

/** LiteLLM's `allowed_fails_policy` keys: failures tolerated per error type before a bench. */
export type AllowedFailsPolicyKey =
  | 'BadRequestErrorAllowedFails'
  | 'AuthenticationErrorAllowedFails'
  | 'TimeoutErrorAllowedFails'
  | 'RateLimitErrorAllowedFails'
  | 'ContentPolicyViolationErrorAllowedFails'
  | 'InternalServerErrorAllowedFails';

export type AllowedFailsPolicy = Readonly<Partial<Record<AllowedFailsPolicyKey, number>>>;

/** A fallback chain: group (or deployment id) → ordered list of groups/deployment ids to try. */
export type FallbackMap = ReadonlyMap<string, readonly string[]>;

/**
 * Reliability settings, merged from `litellm_settings` then `router_settings` (router wins).
 */
export interface RouterSettings {
  readonly routingStrategy: RoutingStrategyName;
  readonly routingStrategyArgs: RoutingStrategyArgs;
  /** Retries per group after the first attempt. Default 2. */
  readonly numRetries: number;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly modelGroupRetryPolicy: ReadonlyMap<string, RetryPolicy>;
  /** Minimum wait before a retry, in ms (`retry_after`). Default 0. */
  readonly retryAfterMs: number;
  /** Whole-attempt timeout, in ms (`timeout` / `request_timeout`). Default 600_000. */
  readonly timeoutMs: number;
  /** Time to first stream chunk, in ms (`stream_timeout`); undefined = use timeoutMs. */
  readonly streamTimeoutMs: number | undefined;
  /** Longest gap between stream chunks, in ms (`stream_idle_timeout`, ours). Default 60_000. */
  readonly streamIdleTimeoutMs: number;
  /**
   * Deadline for the whole request, in ms (`overall_timeout`, ours): every attempt, backoff wait
   * and fallback together. Undefined = no overall cap beyond each attempt's own timeout.
   */
  readonly overallTimeoutMs: number | undefined;
  /** Failures tolerated within the window before a bench (`allowed_fails`); undefined = rate rule. */
  readonly allowedFails: number | undefined;
  readonly allowedFailsPolicy: AllowedFailsPolicy | undefined;
  /** Bench length, in ms (`cooldown_time`). Default 5_000. */
  readonly cooldownTimeMs: number;
  readonly disableCooldowns: boolean;
  /** Fallback depth cap (`max_fallbacks`). Default 5. */
  readonly maxFallbacks: number;
  readonly fallbacks: FallbackMap;
  readonly contextWindowFallbacks: FallbackMap;
  readonly contentPolicyFallbacks: FallbackMap;
  /** `default_fallbacks`, plus any `"*"` entry of `fallbacks`. */
  readonly defaultFallbacks: readonly string[];
  readonly enablePreCallChecks: boolean;
  /** `enforce_model_rate_limits`: deployments' rpm/tpm are limits whatever the strategy. */
  readonly enforceModelRateLimits: boolean;
  /**
   * Concurrent requests per deployment that sets no `max_parallel_requests`
   * (`default_max_parallel_requests`); undefined = no limit.
   */
  readonly defaultMaxParallelRequests: number | undefined;
  /** `model_group_alias`: alias → target, in config order. Fallbacks and retry policies of a
   * target apply to its aliases unless the alias has its own entry. */
  readonly modelGroupAlias: ReadonlyMap<string, ModelAlias>;
  readonly midStreamFallback: boolean;
  readonly redis: RedisSettings | undefined;
}

export interface RedisSettings {
  readonly url: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** Secret. */
  readonly password: string | undefined;
  readonly db: number | undefined;
  readonly keyPrefix: string;
  readonly sentinelNodes: readonly { host: string; port: number }[] | undefined;
  readonly sentinelMasterName: string | undefined;
  readonly startupNodes: readonly { host: string; port: number }[] | undefined;
}

export interface GeneralSettings {
  /** Secret. When set, API routes need `Authorization: Bearer <masterKey>`. */
  readonly masterKey: string | undefined;
  /** Largest request body accepted, in bytes (`max_request_size_mb`). Default 10 MiB. */
  readonly maxRequestBodyBytes: number;
  /** Per-deployment timeout of a `/health` probe, in ms (`health_check_timeout`). Default 10_000. */
  readonly healthCheckTimeoutMs: number;
  /** Probe every deployment every `healthCheckIntervalMs` (`background_health_checks`). */
  readonly backgroundHealthChecks: boolean;
  /** Time between background health checks, in ms (`health_check_interval`). Default 300_000. */
  readonly healthCheckIntervalMs: number;
  /**
   * Selection skips deployments whose latest background check failed while their group has
   * another (`enable_health_check_routing`). Default false.
   */
  readonly enableHealthCheckRouting: boolean;
  readonly requireAuthForMetrics: boolean;
  /** How long SIGTERM waits for in-flight requests and streams, in ms. Default 30_000. */
  readonly drainTimeoutMs: number;
}
