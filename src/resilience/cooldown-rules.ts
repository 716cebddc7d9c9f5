import type { AllowedFailsPolicy, AllowedFailsPolicyKey } from '../config/plan.ts';
import type { Deployment } from '../core/deployment.ts';
import type { ErrorKind } from '../errors/error-table.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { FailureWindow } from './cooldown-window.ts';

/**
 * Why a deployment was benched; the `reason` of a `bench` event. Stable strings, fit for a
 * metric label:
 * - `rate_limited`: a 429 while the group has other deployments to take the traffic;
 * - `non_retryable`: 401, 403 or 404, which the same request will not cure by waiting;
 * - `allowed_fails`: more failures in the window than `allowed_fails` / `allowed_fails_policy`;
 * - `failure_rate`: over half of at least 5 calls failed (all of them, for a lone deployment);
 * - `probe_failed`: the single half-open probe failed;
 * - `failed_while_benched`: a late failure extended a running bench.
 */
export type BenchReason =
  | 'rate_limited'
  | 'non_retryable'
  | 'allowed_fails'
  | 'failure_rate'
  | 'probe_failed'
  | 'failed_while_benched';

/** Fewest calls in the window before the failure-rate rule may bench (LiteLLM's minimum). */
export const FAILURE_RATE_MIN_CALLS = 5;

/** Share of failed calls in the window above which a deployment is benched. */
export const FAILURE_RATE_THRESHOLD = 0.5;

/**
 * Which `allowed_fails_policy` key governs an error kind (LiteLLM's names). Every 5xx kind and
 * connection errors share InternalServerErrorAllowedFails. PermissionDenied and NotFound have
 * no key in LiteLLM; they fall back to `allowed_fails` and the non-retryable rule.
 */
const POLICY_KEY: Partial<Record<ErrorKind, AllowedFailsPolicyKey>> = {
  BadRequestError: 'BadRequestErrorAllowedFails',
  AuthenticationError: 'AuthenticationErrorAllowedFails',
  Timeout: 'TimeoutErrorAllowedFails',
  RateLimitError: 'RateLimitErrorAllowedFails',
  ContentPolicyViolationError: 'ContentPolicyViolationErrorAllowedFails',
  InternalServerError: 'InternalServerErrorAllowedFails',
  BadGatewayError: 'InternalServerErrorAllowedFails',
  ServiceUnavailableError: 'InternalServerErrorAllowedFails',
  APIConnectionError: 'InternalServerErrorAllowedFails',
};

/** The `allowed_fails_policy` key for an error kind, when LiteLLM defines one. */
export function allowedFailsKey(kind: ErrorKind): AllowedFailsPolicyKey | undefined {
  return POLICY_KEY[kind];
}

/**
 * How long a failure benches `deployment`, in ms: its own `cooldown_time` when set (0 means
 * it is never benched), else the router's `cooldown_time` or the upstream's Retry-After,
 * whichever is longer (the provider knows when its limit resets; benching for less only earns
 * another 429).
 */
export function benchLengthMs(
  deployment: Deployment,
  error: GatewayError,
  routerCooldownMs: number,
): number {
  if (deployment.cooldownTimeMs !== undefined) return deployment.cooldownTimeMs;
  const retryAfter = error.retryAfterMs;
  const asked = retryAfter !== undefined && Number.isFinite(retryAfter) ? retryAfter : 0;
  return Math.max(routerCooldownMs, asked);
}

/** What {@link benchReason} needs to judge a closed breaker's latest counted failure. */
export interface BenchRuleInput {
  /** The counted failure just recorded in `window`. */
  readonly error: GatewayError;
  /** Deployments in the failing deployment's group. */
  readonly groupSize: number;
  /** The deployment's window, already holding this failure. */
  readonly window: FailureWindow;
  readonly nowMs: number;
  readonly allowedFails: number | undefined;
  readonly allowedFailsPolicy: AllowedFailsPolicy | undefined;
}

/**
 * Whether a counted failure on a closed breaker benches it, and why; undefined to stay closed.
 *
 * Order matters. An `allowed_fails_policy` entry for the error's own kind is checked first:
 * the user named that kind and a tolerance for it, and letting the immediate rules pre-empt it
 * would make RateLimitErrorAllowedFails and AuthenticationErrorAllowedFails dead settings.
 * Then the immediate rules (429 with a fallback deployment in the group; 401/403/404, i.e.
 * the kinds the error table marks non-retryable but counted), then `allowed_fails`, and only
 * when neither threshold is configured, the failure-rate rule.
 */
export function benchReason(input: BenchRuleInput): BenchReason | undefined {
  const { error, groupSize, window, nowMs } = input;
  const key = allowedFailsKey(error.kind);
  const perKind = key === undefined ? undefined : input.allowedFailsPolicy?.[key];
  if (key !== undefined && perKind !== undefined) {
    return window.failuresOf(nowMs, key) > perKind ? 'allowed_fails' : undefined;
  }

  const alone = groupSize <= 1;
  if (error.kind === 'RateLimitError' && !alone) return 'rate_limited';
  if (!error.policy.retryable) return 'non_retryable';

  if (input.allowedFails !== undefined) {
    return window.counts(nowMs).failures > input.allowedFails ? 'allowed_fails' : undefined;
  }

  const { calls, failures } = window.counts(nowMs);
  if (calls < FAILURE_RATE_MIN_CALLS) return undefined;
  // Benching a group's only deployment turns every request into an error, so it takes a total
  // failure to do it; with others in the group, a majority is enough.
  const tripped = alone ? failures === calls : failures / calls > FAILURE_RATE_THRESHOLD;
  return tripped ? 'failure_rate' : undefined;
}

/** What {@link countsBenchReason} needs: a closed breaker's window and the thresholds. */
export type CountsRuleInput = Omit<BenchRuleInput, 'error'>;

/**
 * Whether a closed breaker's counts alone bench it, with no new failure to judge: the count
 * rules of {@link benchReason} applied as the next failure would apply them. A per-kind
 * `allowed_fails_policy` entry judges its own count; `allowed_fails`, else the failure-rate
 * rule, judges the totals, but only when the window holds a failure no per-kind entry governs
 * (only such a failure is judged by them locally).
 */
export function countsBenchReason(input: CountsRuleInput): BenchReason | undefined {
  const { window, nowMs } = input;
  let governed = 0;
  for (const [key, tolerance] of Object.entries(input.allowedFailsPolicy ?? {})) {
    if (tolerance === undefined) continue;
    const failures = window.failuresOf(nowMs, key as AllowedFailsPolicyKey);
    if (failures > tolerance) return 'allowed_fails';
    governed += failures;
  }
  const { calls, failures } = window.counts(nowMs);
  if (failures <= governed) return undefined;
  if (input.allowedFails !== undefined) {
    return failures > input.allowedFails ? 'allowed_fails' : undefined;
  }
  if (calls < FAILURE_RATE_MIN_CALLS) return undefined;
  const alone = input.groupSize <= 1;
  const tripped = alone ? failures === calls : failures / calls > FAILURE_RATE_THRESHOLD;
  return tripped ? 'failure_rate' : undefined;
}
