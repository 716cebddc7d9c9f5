/**
 * The one error policy table. Retry, cooldown and fallback logic read these rows; nothing else
 * inspects a status code. Names and statuses follow LiteLLM's exception types so clients and
 * dashboards that match on them keep working.
 */

/** Which fallback list an error sends the request to once its group's retries are spent. */
export type FallbackKind = 'generic' | 'context_window' | 'content_policy' | 'none';

export interface ErrorPolicy {
  /** HTTP status returned to the client. */
  readonly status: number;
  /** OpenAI error `type`. */
  readonly type: string;
  /** Worth another attempt (on this or another deployment). */
  readonly retryable: boolean;
  /** Counts against the deployment for cooldown (circuit breaking). */
  readonly cooldown: boolean;
  readonly fallback: FallbackKind;
}

export const ERROR_TABLE = {
  BadRequestError: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    cooldown: false,
    fallback: 'none',
  },
  ContextWindowExceededError: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    cooldown: false,
    fallback: 'context_window',
  },
  ContentPolicyViolationError: {
    status: 400,
    type: 'invalid_request_error',
    retryable: false,
    cooldown: false,
    fallback: 'content_policy',
  },
  AuthenticationError: {
    status: 401,
    type: 'auth_error',
    retryable: false,
    cooldown: true,
    fallback: 'generic',
  },
  PermissionDeniedError: {
    status: 403,
    type: 'permission_denied',
    retryable: false,
    cooldown: true,
    fallback: 'generic',
  },
  NotFoundError: {
    status: 404,
    type: 'not_found_error',
    retryable: false,
    cooldown: true,
    fallback: 'generic',
  },
  Timeout: { status: 408, type: 'timeout', retryable: true, cooldown: true, fallback: 'generic' },
  ConflictError: {
    status: 409,
    type: 'conflict_error',
    retryable: true,
    cooldown: false,
    fallback: 'generic',
  },
  PayloadTooLargeError: {
    status: 413,
    type: 'invalid_request_error',
    retryable: false,
    cooldown: false,
    fallback: 'none',
  },
  UnprocessableEntityError: {
    status: 422,
    type: 'invalid_request_error',
    retryable: false,
    cooldown: false,
    fallback: 'none',
  },
  RateLimitError: {
    status: 429,
    type: 'rate_limit_error',
    retryable: true,
    cooldown: true,
    fallback: 'generic',
  },
  InternalServerError: {
    status: 500,
    type: 'internal_server_error',
    retryable: true,
    cooldown: true,
    fallback: 'generic',
  },
  BadGatewayError: {
    status: 502,
    type: 'bad_gateway',
    retryable: true,
    cooldown: true,
    fallback: 'generic',
  },
  ServiceUnavailableError: {
    status: 503,
    type: 'service_unavailable',
    retryable: true,
    cooldown: true,
    fallback: 'generic',
  },
  /** The upstream could not be reached (refused, reset, DNS). Answered as 500, like LiteLLM. */
  APIConnectionError: {
    status: 500,
    type: 'api_connection_error',
    retryable: true,
    cooldown: true,
    fallback: 'generic',
  },
  /** Every deployment of the group is benched or over its limits. */
  NoDeploymentsAvailableError: {
    status: 429,
    type: 'rate_limit_error',
    retryable: false,
    cooldown: false,
    fallback: 'generic',
  },
  /**
   * The caller went away (the client closed its connection, a library caller's signal aborted)
   * before the answer. nginx's 499: nobody receives it, but logs and metrics must not count a
   * cancelled request as a gateway failure (a 500 would page someone).
   */
  ClientClosedRequest: {
    status: 499,
    type: 'client_closed_request',
    retryable: false,
    cooldown: false,
    fallback: 'none',
  },
  /** The gateway itself failed: a bug, never an upstream's fault. */
  GatewayInternalError: {
    status: 500,
    type: 'internal_server_error',
    retryable: false,
    cooldown: false,
    fallback: 'none',
  },
} as const satisfies Record<string, ErrorPolicy>;

export type ErrorKind = keyof typeof ERROR_TABLE;

/**
 * The error kind for an upstream HTTP status, before any body inspection. Providers refine it
 * (context window, content policy) from the body text.
 */
export function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 400:
      return 'BadRequestError';
    case 401:
      return 'AuthenticationError';
    case 403:
      return 'PermissionDeniedError';
    case 404:
      return 'NotFoundError';
    case 408:
      return 'Timeout';
    case 409:
      return 'ConflictError';
    case 413:
      return 'PayloadTooLargeError';
    case 422:
      return 'UnprocessableEntityError';
    case 429:
      return 'RateLimitError';
    case 502:
      return 'BadGatewayError';
    case 503:
    case 529:
      return 'ServiceUnavailableError';
    default:
      if (status >= 500) return 'InternalServerError';
      return 'BadRequestError';
  }
}
