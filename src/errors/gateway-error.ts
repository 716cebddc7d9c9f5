import type { ResponseMeta } from '../core/response-meta.ts';
import { ERROR_TABLE, type ErrorKind, type ErrorPolicy } from './error-table.ts';

export interface GatewayErrorOptions {
  /** The request field at fault (OpenAI's `param`), when there is one. */
  param?: string;
  /** How long the client (or a retry) should wait, in ms; from the upstream's Retry-After. */
  retryAfterMs?: number;
  /** The status the upstream answered with, when the error came from one. */
  upstreamStatus?: number;
  /** The deployment that failed, when one did. */
  deploymentId?: string;
  cause?: unknown;
}

/**
 * Every failure the gateway reports is a GatewayError: typed data whose policy (status,
 * retryable, cooldown, fallback) comes from the one table. It becomes an HTTP body in exactly
 * one place, server/error-response.ts.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly kind: ErrorKind;
  readonly param: string | null;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;
  readonly deploymentId: string | undefined;
  /** Set by the router before it rejects, so the server can send `x-litellm-*` headers on errors too. */
  meta: ResponseMeta | undefined;

  constructor(kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    // Only a gateway bug gets a stack trace. Every other kind is an outcome (an upstream's
    // error, a limit, a timeout) whose stack would only show the router's own frames, and
    // capturing one cost ~4 µs each: a load-shedding 429 made several, a third of its CPU.
    // What caused it keeps its own stack as `cause`.
    const stackTraceLimit = Error.stackTraceLimit;
    if (kind !== 'GatewayInternalError') Error.stackTraceLimit = 0;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.kind = kind;
    this.param = options.param ?? null;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
    this.deploymentId = options.deploymentId;
  }

  get policy(): ErrorPolicy {
    return ERROR_TABLE[this.kind];
  }

  /** The HTTP status the client receives. */
  get status(): number {
    return ERROR_TABLE[this.kind].status;
  }
}

/** Any thrown value as a GatewayError; unknown throwables are gateway bugs (500, never retried). */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError('GatewayInternalError', message, { cause: error });
}
