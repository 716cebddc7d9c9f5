/**
 * Anthropic error answers → the gateway's one error taxonomy. Anthropic's body is
 * `{"type":"error","error":{"type":"rate_limit_error","message":"…"},"request_id":"req_…"}`
 * (https://docs.anthropic.com/en/api/errors); the message sits where OpenAI's does, so the
 * shared OpenAI mapping does the common work (status → kind, Retry-After, key redaction) and this
 * file adds what is Anthropic's own: error types that stand for a status (errors inside a 200
 * stream carry no status), and the phrases Anthropic uses for context-window and content-filter
 * rejections.
 */
import type { Deployment } from '../../core/deployment.ts';
import type { ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { asObject, mapOpenAIError } from '../openai/error-mapping.ts';
import type { UpstreamHeaders } from '../provider.ts';

/** LiteLLM's exception label for Anthropic, e.g. `litellm.RateLimitError: AnthropicException - …`. */
export const ANTHROPIC_ERROR_LABEL = 'AnthropicException';

/** The HTTP status each documented Anthropic error type is sent with. */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Anthropic's context-window rejections: "prompt is too long: 208310 tokens > 200000 maximum"
 * and "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000".
 */
const CONTEXT_WINDOW = /prompt is too long|exceed context limit|context window/i;

/** Anthropic's wording when its safety filter blocks an answer. */
const CONTENT_POLICY = /content filtering policy|output blocked by content/i;

/** One Anthropic failure: an HTTP answer, or an `error` event inside a stream. */
export interface AnthropicFailure {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  readonly bodyText: string;
  readonly deployment: Deployment;
}

/**
 * The status an Anthropic error object stands for, from its `type` (unknown types are server
 * faults: Anthropic documents that new types may appear).
 */
export function statusOfAnthropicError(error: Readonly<Record<string, unknown>>): number {
  const type = typeof error.type === 'string' ? error.type : '';
  return STATUS_OF_TYPE[type] ?? 500;
}

/**
 * The GatewayError for an Anthropic failure: `litellm.<Kind>: AnthropicException - <message>`,
 * 529 `overloaded_error` as ServiceUnavailableError (retried, counted for cooldown), the
 * upstream's Retry-After honoured, the deployment's key never quoted.
 *
 * @param nowMs wall-clock ms, for a Retry-After given as an HTTP-date.
 */
export function mapAnthropicError(failure: AnthropicFailure, nowMs: number): GatewayError {
  const mapped = mapOpenAIError(failure, ANTHROPIC_ERROR_LABEL, nowMs);
  const refined = refineKind(mapped.kind, failure.bodyText);
  if (refined === mapped.kind) return mapped;
  const prefix = `litellm.${mapped.kind}:`;
  return new GatewayError(refined, `litellm.${refined}:${mapped.message.slice(prefix.length)}`, {
    ...(mapped.param === null ? {} : { param: mapped.param }),
    ...(mapped.retryAfterMs === undefined ? {} : { retryAfterMs: mapped.retryAfterMs }),
    ...(mapped.upstreamStatus === undefined ? {} : { upstreamStatus: mapped.upstreamStatus }),
    deploymentId: failure.deployment.id,
  });
}

/**
 * The error an Anthropic error object inside a 2xx answer stands for: an `error` stream event,
 * or a JSON body of `type: "error"`. `body` is the object holding `error`.
 */
export function mapEmbeddedAnthropicError(
  body: Readonly<Record<string, unknown>>,
  deployment: Deployment,
  nowMs: number,
): GatewayError {
  const error = asObject(body.error) ?? {};
  const bodyText = JSON.stringify(body);
  return mapAnthropicError(
    { status: statusOfAnthropicError(error), headers: {}, bodyText, deployment },
    nowMs,
  );
}

/** Only a rejected request is refined: a 429 or 5xx keeps its kind whatever its text says. */
function refineKind(kind: ErrorKind, bodyText: string): ErrorKind {
  if (kind !== 'BadRequestError' && kind !== 'PayloadTooLargeError') return kind;
  if (CONTEXT_WINDOW.test(bodyText)) return 'ContextWindowExceededError';
  if (CONTENT_POLICY.test(bodyText)) return 'ContentPolicyViolationError';
  return kind;
}
