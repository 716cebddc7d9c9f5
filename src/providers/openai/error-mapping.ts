/**
 * OpenAI-format error bodies → the gateway's one error taxonomy. Shared by every
 * OpenAI-compatible preset (OpenAI, Azure, vLLM, Ollama, TGI): they differ only in the label.
 */
import type { Deployment } from '../../core/deployment.ts';
import { kindForStatus } from '../../errors/error-table.ts';
import type { ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { parseRetryAfterMs } from '../../resilience/retry-after.ts';
import type { UpstreamHeaders } from '../provider.ts';

/** Longest upstream text quoted in an error message, in characters (LiteLLM's habit). */
const MAX_DETAIL_CHARS = 500;

/**
 * Phrases upstreams use when the prompt does not fit: OpenAI and vLLM ("maximum context
 * length"), Azure, Anthropic-style proxies ("prompt is too long"), TGI ("must have less than
 * N tokens").
 */
const CONTEXT_WINDOW =
  /maximum context length|context_length_exceeded|context window|context length|too many tokens|reduce the length|prompt is too long|input is too long|must have less than \d+ tokens/;

/** Content-filter phrases of OpenAI ("flagged", "safety system") and Azure ("content_filter"). */
const CONTENT_POLICY =
  /content_policy_violation|content management policy|content_filter|responsible ?ai|safety system|flagged/;

/** Only a rejected request can be refined: a 429 or 5xx keeps its kind whatever its text says. */
const REFINABLE: ReadonlySet<ErrorKind> = new Set([
  'BadRequestError',
  'PayloadTooLargeError',
  'UnprocessableEntityError',
]);

/** One upstream failure to classify. */
export interface OpenAIFailure {
  /** The HTTP status, or for an error inside a 200 body the status it names or implies. */
  readonly status: number;
  readonly headers: UpstreamHeaders;
  readonly bodyText: string;
  readonly deployment: Deployment;
}

/**
 * The GatewayError for an OpenAI-style failure: kind from the status, refined by the body
 * (context window, content policy), message `litellm.<Kind>: <label> - <upstream message>`
 * with the deployment's key redacted, Retry-After honoured.
 *
 * @param label LiteLLM's exception label, e.g. `OpenAIException`.
 * @param nowMs wall-clock ms, used when Retry-After is an HTTP-date and the answer has no Date.
 */
export function mapOpenAIError(failure: OpenAIFailure, label: string, nowMs: number): GatewayError {
  const { status, headers, bodyText, deployment } = failure;
  const payload = parseJson(bodyText);
  const errorObject = asObject(asObject(payload)?.error);
  const kind = refineKind(kindForStatus(status), bodyText.toLowerCase());
  const detail = truncateDetail(
    redact(messageOf(payload, bodyText) || `upstream answered HTTP ${status}`, deployment.apiKey),
  );
  const param = errorObject?.param;
  // Measured against the upstream's own Date when it sent one: a Retry-After date is the
  // server's clock, so this cancels any skew between the two machines.
  const serverNow = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
  const retryAfterMs = parseRetryAfterMs(headers, Number.isNaN(serverNow) ? nowMs : serverNow);
  return new GatewayError(kind, `litellm.${kind}: ${label} - ${detail}`, {
    ...(typeof param === 'string' ? { param } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    upstreamStatus: status,
    deploymentId: deployment.id,
  });
}

/**
 * The status an error object inside a 2xx answer stands for: its numeric `code` or `status`
 * (vLLM sends `code: 400`), else its `type`; an unknown error mid-answer is a server fault.
 */
export function statusOfErrorObject(error: Readonly<Record<string, unknown>>): number {
  for (const field of [error.status, error.code]) {
    if (typeof field === 'number' && field >= 400 && field <= 599) return field;
  }
  const type = typeof error.type === 'string' ? error.type.toLowerCase() : '';
  if (type.includes('rate_limit')) return 429;
  if (type.includes('invalid_request') || type === 'badrequesterror') return 400;
  if (type.includes('authentication')) return 401;
  if (type.includes('permission')) return 403;
  if (type.includes('not_found')) return 404;
  return 500;
}

function refineKind(kind: ErrorKind, lowerBody: string): ErrorKind {
  if (!REFINABLE.has(kind)) return kind;
  if (CONTEXT_WINDOW.test(lowerBody)) return 'ContextWindowExceededError';
  if (CONTENT_POLICY.test(lowerBody)) return 'ContentPolicyViolationError';
  return kind;
}

/** The human message of an error body: OpenAI's `error.message`, vLLM's `message`, FastAPI's `detail`. */
function messageOf(payload: unknown, bodyText: string): string {
  const body = asObject(payload);
  if (body === undefined) return bodyText.trim();
  const error = body.error;
  const candidates = [asObject(error)?.message, error, body.message, body.detail];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return bodyText.trim();
}

/** `text` without `apiKey`: upstreams sometimes echo the key they were sent. */
export function redact(text: string, apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey.length < 4) return text;
  return text.split(apiKey).join('<redacted>');
}

/** `text` cut to the length an error message quotes, with `…` where it was cut. */
export function truncateDetail(text: string): string {
  return text.length <= MAX_DETAIL_CHARS ? text : `${text.slice(0, MAX_DETAIL_CHARS)}…`;
}

/** The JSON value of `text`; undefined when it is not JSON (an upstream's HTML error page). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `value` when it is a plain JSON object (not null, not an array). */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
