/**
 * Google API errors → the gateway's one taxonomy. Gemini and Vertex AI answer failures as
 * `{"error": {"code": 429, "message": "…", "status": "RESOURCE_EXHAUSTED", "details": […]}}`
 * (https://cloud.google.com/apis/design/errors); the canonical `status` names the kind when
 * the HTTP status alone does not (an error inside a 200 stream event, a 400 that is really an
 * invalid key).
 */
import type { Deployment } from '../../core/deployment.ts';
import { kindForStatus, type ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from '../../resilience/retry-after.ts';
import { asObject, redact, truncateDetail } from '../openai/error-mapping.ts';
import type { UpstreamHeaders } from '../provider.ts';

/** HTTP statuses of Google's canonical error codes (google.rpc.Code). */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * How Gemini says the prompt does not fit ("The input token count (…) exceeds the maximum
 * number of tokens allowed (…)"), and Vertex's payload limit, which LiteLLM also reads so.
 */
const CONTEXT_WINDOW =
  /exceeds the maximum number of tokens|input token count|token count .*exceeds|request payload size exceeds|context window/i;

/** One failure to classify: an HTTP answer, or an error object inside a 200 stream. */
export interface GoogleFailure {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  readonly bodyText: string;
  readonly deployment: Deployment;
}

/**
 * The GatewayError for a Google failure: `litellm.<Kind>: <label> - <Google's message>`, the
 * deployment's key redacted, Retry-After honoured (else the `RetryInfo.retryDelay` detail
 * Gemini puts in its 429s).
 *
 * @param nowMs wall-clock ms, for Retry-After dates.
 */
export function mapGoogleError(failure: GoogleFailure, label: string, nowMs: number): GatewayError {
  const { headers, bodyText, deployment } = failure;
  const error = errorObjectOf(bodyText);
  const canonical = typeof error?.status === 'string' ? error.status : undefined;
  const status =
    failure.status >= 400
      ? failure.status
      : (STATUS_OF_CODE[canonical ?? ''] ?? (typeof error?.code === 'number' ? error.code : 500));
  const message =
    typeof error?.message === 'string' && error.message !== ''
      ? error.message
      : bodyText.trim() || `upstream answered HTTP ${status}`;
  const kind = classify(status, canonical, message, reasonsOf(error));
  const detail = truncateDetail(redact(message, deployment.apiKey));
  const retryAfterMs = parseRetryAfterMs(headers, nowMs) ?? retryDelayOf(error);
  return new GatewayError(kind, `litellm.${kind}: ${label} - ${detail}`, {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    upstreamStatus: status,
    deploymentId: deployment.id,
  });
}

function classify(
  status: number,
  canonical: string | undefined,
  message: string,
  reasons: readonly string[],
): ErrorKind {
  // Google answers a wrong key with 400 INVALID_ARGUMENT; LiteLLM maps it to 401 too.
  if (reasons.includes('API_KEY_INVALID') || message.includes('API key not valid')) {
    return 'AuthenticationError';
  }
  if (status === 504 || canonical === 'DEADLINE_EXCEEDED') return 'Timeout';
  if (status === 499 || canonical === 'CANCELLED') return 'InternalServerError';
  const kind = kindForStatus(status);
  if (kind === 'BadRequestError' && CONTEXT_WINDOW.test(message)) {
    return 'ContextWindowExceededError';
  }
  return kind;
}

/** The `error` object of a Google error body; streaming endpoints may wrap it in a list. */
export function errorObjectOf(bodyText: string): Record<string, unknown> | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(bodyText) as unknown;
  } catch {
    return undefined;
  }
  if (Array.isArray(payload)) payload = payload[0];
  return asObject(asObject(payload)?.error);
}

/** `details[].reason` values (`ErrorInfo`), e.g. API_KEY_INVALID. */
function reasonsOf(error: Record<string, unknown> | undefined): string[] {
  const details = Array.isArray(error?.details) ? (error.details as unknown[]) : [];
  return details
    .map((detail) => asObject(detail)?.reason)
    .filter((reason): reason is string => typeof reason === 'string');
}

/** `RetryInfo.retryDelay` ("37s", "1.5s") in ms, capped like Retry-After. */
function retryDelayOf(error: Record<string, unknown> | undefined): number | undefined {
  const details = Array.isArray(error?.details) ? (error.details as unknown[]) : [];
  for (const raw of details) {
    const detail = asObject(raw);
    const type = detail?.['@type'];
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo')) continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(String(detail?.retryDelay));
    if (match) return Math.min(Math.round(Number(match[1]) * 1000), MAX_RETRY_AFTER_MS);
  }
  return undefined;
}
