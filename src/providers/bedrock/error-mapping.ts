/**
 * Bedrock's errors → the gateway's one taxonomy. Bedrock names the error in the
 * `x-amzn-errortype` header (`ThrottlingException:http://internal.amazon.com/coral/…`), or in a
 * `__type` body field (`com.amazon.coral.service#UnrecognizedClientException`); a stream names
 * it in the `:exception-type` of an exception message (`throttlingException`). The name decides
 * the kind; the status is the fallback for names we do not know.
 */
import type { Deployment } from '../../core/deployment.ts';
import { deploymentSecrets, redactSecrets } from '../../core/redact.ts';
import { kindForStatus, type ErrorKind } from '../../errors/error-table.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { parseRetryAfterMs } from '../../resilience/retry-after.ts';
import { asObject, parseJson, truncateDetail } from '../openai/error-mapping.ts';
import type { UpstreamFailure } from '../provider.ts';

/** LiteLLM's exception label for Bedrock. */
export const BEDROCK_ERROR_LABEL = 'BedrockException';

/**
 * Bedrock's error names (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 * and the AWS common errors), with the status each is documented to come with (used for
 * errors inside a stream, which carry none).
 */
const ERRORS: Readonly<Record<string, { kind: ErrorKind; status: number }>> = {
  ThrottlingException: { kind: 'RateLimitError', status: 429 },
  ServiceQuotaExceededException: { kind: 'RateLimitError', status: 400 },
  ServiceUnavailableException: { kind: 'ServiceUnavailableError', status: 503 },
  ModelNotReadyException: { kind: 'ServiceUnavailableError', status: 429 },
  ModelTimeoutException: { kind: 'Timeout', status: 408 },
  ValidationException: { kind: 'BadRequestError', status: 400 },
  AccessDeniedException: { kind: 'PermissionDeniedError', status: 403 },
  UnrecognizedClientException: { kind: 'AuthenticationError', status: 403 },
  InvalidSignatureException: { kind: 'AuthenticationError', status: 403 },
  IncompleteSignatureException: { kind: 'AuthenticationError', status: 403 },
  MissingAuthenticationTokenException: { kind: 'AuthenticationError', status: 403 },
  ExpiredTokenException: { kind: 'AuthenticationError', status: 403 },
  ResourceNotFoundException: { kind: 'NotFoundError', status: 404 },
  ConflictException: { kind: 'ConflictError', status: 409 },
  InternalServerException: { kind: 'InternalServerError', status: 500 },
  ModelErrorException: { kind: 'BadGatewayError', status: 424 },
  ModelStreamErrorException: { kind: 'BadGatewayError', status: 424 },
};

/** How Bedrock (and the models behind it) say the prompt does not fit. */
const CONTEXT_WINDOW =
  /too long|exceeds? the maximum|too many (input )?tokens|context (window|length)|maximum context/i;

/** The mapped error of a non-2xx Bedrock answer. `nowMs` dates a Retry-After HTTP-date. */
export function mapBedrockError(failure: UpstreamFailure, nowMs: number): GatewayError {
  const { status, headers, bodyText, deployment } = failure;
  const body = asObject(parseJson(bodyText));
  const type = errorTypeOf(headers['x-amzn-errortype'], body);
  const retryAfterMs = parseRetryAfterMs(headers, nowMs);
  return bedrockError({
    type,
    status,
    message: messageOf(body, bodyText) || `upstream answered HTTP ${status}`,
    deployment,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * The mapped error of an exception message inside a ConverseStream (`throttlingException`,
 * `modelStreamErrorException`, …) or an event-stream `error` message.
 */
export function mapBedrockStreamException(
  eventType: string,
  data: string,
  deployment: Deployment,
): GatewayError {
  const body = asObject(parseJson(data));
  const code = typeof body?.code === 'string' ? body.code : eventType;
  const type = code.charAt(0).toUpperCase() + code.slice(1);
  return bedrockError({
    type,
    status: ERRORS[type]?.status ?? 500,
    message: messageOf(body, data) || type,
    deployment,
  });
}

interface BedrockFailure {
  readonly type: string | undefined;
  readonly status: number;
  readonly message: string;
  readonly deployment: Deployment;
  readonly retryAfterMs?: number;
}

function bedrockError(failure: BedrockFailure): GatewayError {
  const { type, status, deployment } = failure;
  let kind = (type === undefined ? undefined : ERRORS[type]?.kind) ?? kindForStatus(status);
  if (kind === 'BadRequestError' && CONTEXT_WINDOW.test(failure.message)) {
    kind = 'ContextWindowExceededError';
  }
  const detail = truncateDetail(redactSecrets(failure.message, deploymentSecrets(deployment)));
  return new GatewayError(kind, `litellm.${kind}: ${BEDROCK_ERROR_LABEL} - ${detail}`, {
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    upstreamStatus: status,
    deploymentId: deployment.id,
  });
}

/** `ThrottlingException` from `ThrottlingException:http://…` or `…#ThrottlingException`. */
function errorTypeOf(
  header: string | undefined,
  body: Record<string, unknown> | undefined,
): string | undefined {
  const raw = header ?? (typeof body?.__type === 'string' ? body.__type : undefined);
  if (raw === undefined) return undefined;
  const name = raw.split(':')[0]!;
  return name.slice(name.lastIndexOf('#') + 1).trim() || undefined;
}

/** Bedrock writes `message`; some AWS front ends write `Message`. */
function messageOf(body: Record<string, unknown> | undefined, text: string): string {
  for (const candidate of [body?.message, body?.Message]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return text.trim();
}
