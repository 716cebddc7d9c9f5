import type { RetryPolicy, RetryPolicyKey } from '../config/plan.ts';
import type { ErrorKind } from '../errors/error-table.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

/** Which `retry_policy` key governs an error kind (LiteLLM's names). */
const POLICY_KEY: Partial<Record<ErrorKind, RetryPolicyKey>> = {
  BadRequestError: 'BadRequestErrorRetries',
  AuthenticationError: 'AuthenticationErrorRetries',
  Timeout: 'TimeoutErrorRetries',
  RateLimitError: 'RateLimitErrorRetries',
  ContentPolicyViolationError: 'ContentPolicyViolationErrorRetries',
  InternalServerError: 'InternalServerErrorRetries',
  BadGatewayError: 'InternalServerErrorRetries',
  ServiceUnavailableError: 'InternalServerErrorRetries',
  APIConnectionError: 'InternalServerErrorRetries',
};

/**
 * How many retries an error earns in a group: the retry policy's count for its kind when one
 * is set (it may enable retries for kinds that are not retryable by default), else `numRetries`
 * when a list-form policy names the error's status or the kind is retryable, and 0 for the rest.
 */
export function retryBudget(
  error: GatewayError,
  numRetries: number,
  policy: RetryPolicy | undefined,
): number {
  const key = POLICY_KEY[error.kind];
  const fromPolicy = key === undefined ? undefined : policy?.[key];
  if (fromPolicy !== undefined) return fromPolicy;
  if (policy?.byStatus?.has(statusOf(error)) === true) return numRetries;
  return error.policy.retryable ? numRetries : 0;
}

/**
 * The least wait before retrying `error`: its status's `retry_after` in a list-form
 * `retry_policy`, else the router's `retry_after` (`fallbackMs`).
 */
export function retryFloorMs(
  error: GatewayError,
  policy: RetryPolicy | undefined,
  fallbackMs: number,
): number {
  return policy?.byStatus?.get(statusOf(error))?.retryAfterMs ?? fallbackMs;
}

/** The status a rule matches: what the upstream answered, else what the client would get. */
function statusOf(error: GatewayError): number {
  return error.upstreamStatus ?? error.status;
}

/** Upper bound on the exponential backoff, in ms. */
const MAX_BACKOFF_MS = 8_000;
const BASE_BACKOFF_MS = 500;

export interface RetryDelayInput {
  /** Retries already made in this group (0 before the first retry). */
  readonly retriesDone: number;
  readonly error: GatewayError;
  /** True when the retry goes to a different deployment that has not failed in this request. */
  readonly switchesDeployment: boolean;
  /** `retry_after`: the floor on any wait, in ms. */
  readonly minDelayMs: number;
  readonly random: () => number;
}

/**
 * Wait before the next try: none when moving to another healthy deployment (its capacity is
 * independent of the one that failed); else the upstream's Retry-After, or `min(0.5·2^n, 8)` s
 * with ±25 % jitter so instances do not retry in lockstep; never below `retry_after`.
 */
export function retryDelayMs(input: RetryDelayInput): number {
  if (input.switchesDeployment) return input.minDelayMs;
  const backoff = Math.min(BASE_BACKOFF_MS * 2 ** input.retriesDone, MAX_BACKOFF_MS);
  const jittered = backoff * (0.75 + input.random() * 0.5);
  const wanted = input.error.retryAfterMs ?? jittered;
  return Math.max(wanted, input.minDelayMs);
}
