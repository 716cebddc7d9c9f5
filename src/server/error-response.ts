/**
 * The ONE place an error becomes an HTTP answer: OpenAI's shape
 * `{"error":{"message","type","param","code"}}`, with `code` the status as a string (as
 * LiteLLM's proxy sends it). Route handlers, hooks and the SSE writer all come through here.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.ts';
import { newCallId } from '../core/call-id.ts';
import type { ResponseMeta } from '../core/response-meta.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { RouterEngine } from '../router/types.ts';
import { addMetaHeaders, hasHeader, type HeaderList } from './response-headers.ts';
import { writeJson } from './write-json.ts';

export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string;
  };
}

/** What the client is told about a failure. */
export interface ClientError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
  readonly param: string | null;
  /** Becomes `retry-after` (seconds, rounded up). */
  readonly retryAfterMs: number | undefined;
  /** Becomes the `x-litellm-*` headers when the engine got as far as routing. */
  readonly meta: ResponseMeta | undefined;
  /**
   * A gateway bug or an unknown throwable: the client sees a generic message, the log gets the
   * real one.
   */
  readonly internal: boolean;
}

const INTERNAL_MESSAGE = 'Internal server error. The gateway logged the details.';

/** fastify's own request errors, reworded; anything else with a 4xx status keeps its message. */
const FASTIFY_ERRORS: Readonly<Record<string, { status: number; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    message: 'The request body is empty; expected a JSON object.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    message: 'The request body size does not match its content-length.',
  },
};

/** Describes any thrown value for the client. `bodyLimit` (bytes), when given, words the 413. */
export function describeError(error: unknown, bodyLimit?: number): ClientError {
  if (error instanceof GatewayError) return fromGatewayError(error);
  const code = fastifyCode(error);
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = bodyLimit === undefined ? '' : ` of ${bodyLimit} bytes`;
    return clientError(413, `The request body exceeds the size limit${limit}.`);
  }
  const known = code === undefined ? undefined : FASTIFY_ERRORS[code];
  if (known) return clientError(known.status, known.message);
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500 && error instanceof Error) {
    return clientError(status, error.message);
  }
  return {
    status: 500,
    type: 'internal_server_error',
    message: INTERNAL_MESSAGE,
    param: null,
    retryAfterMs: undefined,
    meta: undefined,
    internal: true,
  };
}

/** The wire body for a described error (also the payload of an SSE error event). */
export function errorBody(error: ClientError): OpenAiErrorBody {
  return {
    error: {
      message: error.message,
      type: error.type,
      param: error.param,
      code: String(error.status),
    },
  };
}

/** `retry-after` in whole seconds, rounded up (RFC 9110 §10.2.3 delay-seconds). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/**
 * Writes a described error: status, `x-litellm-*` headers (a fresh call id when the engine was
 * never reached), `retry-after`, body.
 */
export function sendError(
  reply: FastifyReply,
  error: ClientError,
  now: number,
  closing = false,
): FastifyReply {
  // What fastify has already set on the reply stays: after a body it could not read (too
  // large, not JSON) it asks for `connection: close`, since the client may still be sending,
  // and the direct write below would otherwise drop it.
  const headers: HeaderList = [];
  if (closing) headers.push('connection', 'close');
  if (error.meta) addMetaHeaders(headers, error.meta, now);
  else headers.push('x-litellm-call-id', newCallId());
  if (error.retryAfterMs !== undefined) {
    headers.push('retry-after', String(retryAfterSeconds(error.retryAfterMs)));
  }
  // Ours win over fastify's of the same name; writeJson() adds the body's type and length.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined || name === 'content-type' || name === 'content-length') continue;
    if (!hasHeader(headers, name)) {
      headers.push(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
  }
  return writeJson(reply, error.status, headers, JSON.stringify(errorBody(error)));
}

/**
 * The server's single error handler: engine errors, validation errors, auth failures and
 * fastify's own (bad JSON, body too large, unsupported media type) all end here.
 */
export function createErrorHandler(
  clock: Clock,
  bodyLimit: number,
  onRejected?: RouterEngine['reportRejected'],
  draining: () => boolean = () => false,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined {
  return function handleError(error, request, reply) {
    const described = describeError(error, bodyLimit);
    if (described.internal) request.log.error({ err: error }, 'request failed inside the gateway');
    // Without meta the router never saw the request: observers hear of it from here (but not
    // of probes for paths that do not exist, which would only inflate the failure counts).
    if (described.meta === undefined && onRejected && !request.is404) {
      const body = request.body as { model?: unknown } | undefined;
      onRejected({
        model: typeof body?.model === 'string' ? body.model : undefined,
        path: request.url.split('?', 1)[0] ?? '',
        error: { kind: described.type, status: described.status, message: described.message },
      });
    }
    if (reply.sent || reply.raw.headersSent) return undefined;
    return sendError(reply, described, clock.now(), draining());
  };
}

function fromGatewayError(error: GatewayError): ClientError {
  const internal = error.kind === 'GatewayInternalError';
  return {
    status: error.status,
    type: error.policy.type,
    message: internal ? INTERNAL_MESSAGE : error.message,
    param: error.param,
    retryAfterMs: error.retryAfterMs,
    meta: error.meta,
    internal,
  };
}

function clientError(status: number, message: string): ClientError {
  return {
    status,
    type: 'invalid_request_error',
    message,
    param: null,
    retryAfterMs: undefined,
    meta: undefined,
    internal: false,
  };
}

function fastifyCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  return typeof error.statusCode === 'number' ? error.statusCode : undefined;
}
