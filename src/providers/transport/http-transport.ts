import { Agent } from 'undici';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { CancelSignal } from '../../core/cancellation.ts';
import { memoizeString } from '../../core/string-memo.ts';
import type { HttpCall } from '../provider.ts';
import type { HttpResponse, Transport } from './transport.ts';
import { UndiciExchange } from './undici-exchange.ts';

/** Options of createHttpTransport(). */
export interface HttpTransportOptions {
  /** Time allowed to open a TCP (and TLS) connection, in ms. Default 10_000. */
  connectTimeoutMs?: number;
  /** How long an idle pooled connection is kept open, in ms. Default undici's (4_000). */
  keepAliveTimeoutMs?: number;
  /** Most connections per origin; undefined = unbounded (undici's default). */
  connections?: number;
}

/** Headers whose values are credentials: they must never reach an error message. */
const SECRET_HEADERS = ['authorization', 'api-key', 'x-api-key', 'x-amz-security-token'] as const;

/** undici codes that mean the request itself was malformed: a gateway bug, not the upstream's. */
const GATEWAY_BUG_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/**
 * The one piece of code that opens sockets. A single undici Agent keeps one keep-alive pool per
 * origin. Its headers and body timeouts are disabled: the router owns every deadline and
 * enforces it through the AbortSignal, so a second, hidden clock here could only disagree.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    headersTimeout: 0,
    bodyTimeout: 0,
    ...(options.keepAliveTimeoutMs === undefined
      ? {}
      : { keepAliveTimeout: options.keepAliveTimeoutMs }),
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });

  return {
    request(call, signal) {
      if (signal.aborted) return Promise.reject(toTransportError(undefined, signal, call));
      const map = (error: unknown): Error => toTransportError(error, signal, call);
      return new Promise<HttpResponse>((resolve, reject) => {
        const [origin, path] = splitKnownUrl(call.url);
        const exchange = new UndiciExchange(signal, map, { resolve, reject });
        agent.dispatch(
          { origin, path, method: call.method, headers: call.headers, body: call.body ?? null },
          exchange,
        );
      });
    },
    close: () => agent.close(),
  };
}

/**
 * An absolute http(s) URL as undici's origin and request target (always starting with `/`,
 * without a fragment). The codecs build their URLs from a validated api_base, so a scan for the
 * end of the authority replaces a URL parse per request; undici checks both parts again.
 */
export function splitUrl(url: string): readonly [origin: string, path: string] {
  let at = url.indexOf('//') + 2;
  for (; at < url.length; at += 1) {
    const char = url.charCodeAt(at);
    // '/', '?' or '#' ends the authority.
    if (char === 0x2f || char === 0x3f || char === 0x23) break;
  }
  const hash = url.indexOf('#', at);
  const rest = hash === -1 ? url.slice(at) : url.slice(at, hash);
  return [url.slice(0, at), rest.startsWith('/') ? rest : `/${rest}`];
}

/** splitUrl() remembered: a deployment's URLs repeat on every call (bounded, see memoizeString). */
const splitKnownUrl = memoizeString(splitUrl, 1024, 2048);

/** An aborted signal's reason: the router's Timeout GatewayError, or whatever the client sent. */
function abortReason(signal: CancelSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Any failure of the socket as the gateway's taxonomy. An aborted signal wins over whatever
 * error undici reported for it, so a deadline stays a Timeout and a departed client stays an
 * abort. Everything else the network does (refused, reset, DNS, connect timeout, a body cut
 * short) means the upstream could not be reached: APIConnectionError, retryable.
 */
function toTransportError(error: unknown, signal: CancelSignal, call: HttpCall): Error {
  if (signal.aborted) {
    // Thrown as-is by the caller, even when a client aborted with a non-Error reason.
    return abortReason(signal) as Error;
  }
  if (error instanceof GatewayError) return error;
  const detail = redact(describe(error), call.headers);
  const code = errorCode(error);
  if (code !== undefined && GATEWAY_BUG_CODES.has(code)) {
    return new GatewayError('GatewayInternalError', `Invalid upstream request: ${detail}`);
  }
  return new GatewayError('APIConnectionError', `Connection error: ${detail}`, {
    cause: error,
  });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** `CODE: message`; Node's happy-eyeballs AggregateError has a code but an empty message. */
function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined) return message || 'unknown error';
  if (message === '' || message.includes(code)) return message || code;
  return `${code}: ${message}`;
}

/** Removes credential header values from `text`, in case an error message ever echoes one. */
function redact(text: string, headers: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [name, value] of Object.entries(headers)) {
    if (!(SECRET_HEADERS as readonly string[]).includes(name.toLowerCase())) continue;
    const token = value.replace(/^Bearer\s+/i, '');
    for (const secret of [value, token]) {
      if (secret.length >= 4) out = out.split(secret).join('<redacted>');
    }
  }
  return out;
}
