/**
 * A `fetch` over the gateway's Transport, for google-auth-library: its token requests then use
 * the same connection pools, timeouts and socket rules as every other upstream call (the
 * transport stays the only code that opens sockets), and tests reach a loopback token endpoint.
 */
import { ERROR_BODY_LIMIT_BYTES } from '../http-provider.ts';
import type { Transport } from '../transport/transport.ts';

/** Options of fetchOverTransport(). */
export interface TransportFetchOptions {
  /** Where a URL really goes (a credentials file's own `token_uri`). Default: unchanged. */
  readonly rewrite?: (url: string) => string;
  /** Bound on one call when the caller gives no signal, in ms. Default 30_000. */
  readonly timeoutMs?: number;
}

/** The slice of RequestInit google-auth-library's HTTP client (gaxios) passes. */
interface FetchInit {
  readonly method?: string;
  readonly headers?: ConstructorParameters<typeof Headers>[0];
  readonly body?: unknown;
  readonly signal?: AbortSignal | null;
}

/** A `fetch(url, init)` that sends through `transport`; bodies are read whole (token answers are small). */
export function fetchOverTransport(
  transport: Transport,
  options: TransportFetchOptions = {},
): (input: string | URL | Request, init?: FetchInit) => Promise<Response> {
  const rewrite = options.rewrite ?? ((url: string) => url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (input, init = {}) => {
    const url = rewrite(input instanceof Request ? input.url : String(input));
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new TypeError(`unsupported method ${method}`);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = bodyText(init.body);
    const signal = init.signal ?? AbortSignal.timeout(timeoutMs);
    const response = await transport.request(
      { url, method, headers, ...(body === undefined ? {} : { body }) },
      signal,
    );
    const text = await response.text(ERROR_BODY_LIMIT_BYTES);
    const empty = response.status === 204 || response.status === 304;
    return new Response(empty ? null : text, {
      status: response.status,
      headers: response.headers,
    });
  };
}

function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('unsupported request body type');
}
