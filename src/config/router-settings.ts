/**
 * RouterSettings from the reliability keys of `litellm_settings` and `router_settings`, merged
 * per key with router_settings winning (LiteLLM reads both; router_settings is the Router's
 * own section). Durations become ms; LiteLLM's defaults fill the gaps.
 */
import { toMs } from './durations.ts';
import type { Env } from './env-refs.ts';
import { compileFallbacks } from './fallbacks.ts';
import { type KnownNames, isKnownName, unknownNameMessage } from './known-names.ts';
import { compileAliases, inheritForAliases } from './model-aliases.ts';
import type { RetryPolicy, RouterSettings, StatusRetryRule, WildcardGroup } from './plan.ts';
import { compileRedis } from './redis-settings.ts';
import type { ReliabilityInput, RetryPolicyInput, ValidatedConfig } from './schema.ts';

/** Defaults, in the plan's units (ms). */
export const ROUTER_DEFAULTS = Object.freeze({
  routingStrategy: 'simple-shuffle',
  numRetries: 2,
  retryAfterMs: 0,
  timeoutMs: 600_000,
  streamIdleTimeoutMs: 60_000,
  cooldownTimeMs: 5_000,
  maxFallbacks: 5,
} as const);

type Section = 'router_settings' | 'litellm_settings';

/** What compileRouterSettings needs besides the config. */
export interface RouterSettingsContext {
  readonly known: KnownNames;
  /** The compiled wildcard groups, for aliases of names they serve. Default: none. */
  readonly wildcards?: readonly WildcardGroup[];
  readonly env: Env;
  /** Where problems go, one line each. */
  readonly issues: string[];
}

/** Compiles the router settings of `config`; reference problems are pushed onto `issues`. */
export function compileRouterSettings(
  config: ValidatedConfig,
  context: RouterSettingsContext,
): RouterSettings {
  const { env, issues } = context;
  const router: ReliabilityInput = config.router_settings ?? {};
  const litellm: ReliabilityInput = config.litellm_settings ?? {};
  const merged: ReliabilityInput = { ...definedOnly(litellm), ...definedOnly(router) };
  const sectionOf = (key: keyof ReliabilityInput): Section =>
    router[key] !== undefined || litellm[key] === undefined
      ? 'router_settings'
      : 'litellm_settings';

  const wildcards = context.wildcards ?? [];
  const aliases = compileAliases(merged.model_group_alias, {
    known: context.known,
    wildcards,
    issues,
    path: `${sectionOf('model_group_alias')}.model_group_alias`,
  });
  const inherit = <V>(map: ReadonlyMap<string, V>) => inheritForAliases(map, aliases, wildcards);

  // Fallbacks and retry policies may be keyed by an alias (as in LiteLLM) or name one.
  const known = { ...context.known, groups: [...context.known.groups, ...aliases.keys()] };
  const fallbackContext = (splitWildcard: boolean) => ({ known, issues, splitWildcard });
  const fallbacks = compileFallbacks(
    merged.fallbacks,
    `${sectionOf('fallbacks')}.fallbacks`,
    fallbackContext(true),
  );
  const contextWindow = compileFallbacks(
    merged.context_window_fallbacks,
    `${sectionOf('context_window_fallbacks')}.context_window_fallbacks`,
    fallbackContext(false),
  );
  const contentPolicy = compileFallbacks(
    merged.content_policy_fallbacks,
    `${sectionOf('content_policy_fallbacks')}.content_policy_fallbacks`,
    fallbackContext(false),
  );

  const defaults = merged.default_fallbacks ?? [];
  defaults.forEach((target, i) => {
    if (!isKnownName(known, target)) {
      issues.push(
        `${sectionOf('default_fallbacks')}.default_fallbacks[${i}]: ${unknownNameMessage(known, target)}`,
      );
    }
  });

  const groupPolicies = new Map<string, RetryPolicy>();
  for (const [group, policy] of Object.entries(merged.model_group_retry_policy ?? {})) {
    if (!isKnownName(known, group)) {
      const at = `${sectionOf('model_group_retry_policy')}.model_group_retry_policy.${group}`;
      issues.push(`${at}: ${unknownNameMessage(known, group)}`);
    }
    groupPolicies.set(group, compileRetryPolicy(policy));
  }

  return Object.freeze({
    routingStrategy: merged.routing_strategy ?? ROUTER_DEFAULTS.routingStrategy,
    routingStrategyArgs: Object.freeze({
      ttlMs: toMs(merged.routing_strategy_args?.ttl),
      lowestLatencyBuffer: merged.routing_strategy_args?.lowest_latency_buffer,
      maxLatencyListSize: merged.routing_strategy_args?.max_latency_list_size,
    }),
    numRetries: merged.num_retries ?? ROUTER_DEFAULTS.numRetries,
    retryPolicy:
      merged.retry_policy === undefined ? undefined : compileRetryPolicy(merged.retry_policy),
    modelGroupRetryPolicy: inherit(groupPolicies),
    retryAfterMs: toMs(merged.retry_after) ?? ROUTER_DEFAULTS.retryAfterMs,
    timeoutMs: toMs(sectionTimeout(router) ?? sectionTimeout(litellm)) ?? ROUTER_DEFAULTS.timeoutMs,
    streamTimeoutMs: toMs(merged.stream_timeout),
    streamIdleTimeoutMs: toMs(merged.stream_idle_timeout) ?? ROUTER_DEFAULTS.streamIdleTimeoutMs,
    overallTimeoutMs: toMs(merged.overall_timeout),
    allowedFails: merged.allowed_fails,
    allowedFailsPolicy: freezeOptional(merged.allowed_fails_policy),
    cooldownTimeMs: toMs(merged.cooldown_time) ?? ROUTER_DEFAULTS.cooldownTimeMs,
    disableCooldowns: merged.disable_cooldowns ?? false,
    maxFallbacks: merged.max_fallbacks ?? ROUTER_DEFAULTS.maxFallbacks,
    fallbacks: inherit(fallbacks.map),
    contextWindowFallbacks: inherit(contextWindow.map),
    contentPolicyFallbacks: inherit(contentPolicy.map),
    defaultFallbacks: Object.freeze(unique([...defaults, ...fallbacks.wildcard])),
    enablePreCallChecks: merged.enable_pre_call_checks ?? false,
    enforceModelRateLimits: merged.enforce_model_rate_limits ?? false,
    defaultMaxParallelRequests: merged.default_max_parallel_requests,
    modelGroupAlias: aliases,
    midStreamFallback: merged.mid_stream_fallback ?? false,
    redis: compileRedis(merged, { env, issues, sectionOf }),
  });
}

/** `timeout`, else `request_timeout`: one section's whole-attempt timeout, in seconds. */
function sectionTimeout(section: ReliabilityInput): number | undefined {
  return section.timeout ?? section.request_timeout;
}

function definedOnly<T extends object>(section: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(section).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** Either form of `retry_policy`, frozen; the list form becomes per-status rules in ms. */
function compileRetryPolicy(input: RetryPolicyInput): RetryPolicy {
  if (!Array.isArray(input)) return Object.freeze({ ...input });
  const byStatus = new Map<number, StatusRetryRule>();
  for (const rule of input) {
    byStatus.set(rule.status_code, Object.freeze({ retryAfterMs: toMs(rule.retry_after) }));
  }
  return Object.freeze({ byStatus });
}

function freezeOptional<T extends object>(value: T | undefined): Readonly<T> | undefined {
  return value === undefined ? undefined : Object.freeze({ ...value });
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
