import type { RateLimitSnapshot, ResponseMeta } from '../core/response-meta.ts';
import { memoizeString } from '../core/string-memo.ts';
import type { UpstreamHeaders } from '../providers/provider.ts';

/**
 * Response headers as Node's writeHead() takes them flat: name, value, name, value… Names are
 * lower-case and each appears once (hasHeader() tells where a name may repeat). Node
 * reads an object's headers with a for-in, an own-property check and a keyed load per name;
 * the flat list skips those (~3k instructions per response with the gateway's dozen headers).
 * Values are strings: Node's header check takes a slower path for a number, and converts it
 * twice (to test it, then to write it).
 */
export type HeaderList = string[];

/** LiteLLM's prefix for every upstream header it passes on. */
const PROVIDER_PREFIX = 'llm_provider-';
/** OpenAI's rate-limit headers, also passed on under their own name (as LiteLLM does). */
const RATE_LIMIT_PREFIX = 'x-ratelimit-';
/** Anything outside visible ASCII and tab would make Node reject the whole response. */
const UNSAFE_HEADER_CHAR = /[^\t\x20-\x7e]/;

/**
 * Adds the `x-litellm-*` headers that describe how the request was served, on success, on
 * error and on streams. `now` is epoch ms; durations are measured from `meta.startedAt`.
 * `x-litellm-max-retries` appears only when a retry happened, as in LiteLLM.
 */
export function addMetaHeaders(target: HeaderList, meta: ResponseMeta, now: number): void {
  const durationMs = Math.max(0, now - meta.startedAt);
  target.push('x-litellm-call-id', meta.callId);
  if (meta.deploymentId !== undefined) {
    target.push('x-litellm-model-id', headerSafe(meta.deploymentId));
  }
  if (meta.apiBase !== undefined) target.push('x-litellm-model-api-base', headerSafe(meta.apiBase));
  target.push(
    'x-litellm-model-group',
    headerSafe(meta.group),
    'x-litellm-attempted-retries',
    String(meta.attemptedRetries),
    'x-litellm-attempted-fallbacks',
    String(meta.attemptedFallbacks),
  );
  if (meta.attemptedRetries > 0) target.push('x-litellm-max-retries', String(meta.maxRetries));
  target.push(
    'x-litellm-response-duration-ms',
    String(durationMs),
    'x-litellm-overhead-duration-ms',
    String(Math.max(0, durationMs - meta.upstreamMs)),
  );
  if (meta.rateLimit !== undefined) addRateLimitHeaders(target, meta.rateLimit);
}

/**
 * The model group's own limits (its deployments' rpm/tpm summed) and what is left of them in
 * the current minute, under OpenAI's header names as LiteLLM sends them. Each pair appears
 * only when some deployment of the group sets that limit; they win over an upstream's headers
 * of the same name (which stay visible as `llm_provider-x-ratelimit-*`), because the gateway's
 * limit is the one a client meets first.
 */
function addRateLimitHeaders(target: HeaderList, limits: RateLimitSnapshot): void {
  if (limits.limitRequests !== undefined) {
    target.push(
      'x-ratelimit-limit-requests',
      String(limits.limitRequests),
      'x-ratelimit-remaining-requests',
      String(limits.remainingRequests ?? 0),
    );
  }
  if (limits.limitTokens !== undefined) {
    target.push(
      'x-ratelimit-limit-tokens',
      String(limits.limitTokens),
      'x-ratelimit-remaining-tokens',
      String(limits.remainingTokens ?? 0),
    );
  }
}

/**
 * Passes upstream headers on the way LiteLLM does: every one as `llm_provider-<name>`, and the
 * OpenAI `x-ratelimit-*` ones under their own name too, so clients that pace themselves on
 * them keep working. The provider already chose which headers are worth passing.
 */
export function addUpstreamHeaders(target: HeaderList, upstream: UpstreamHeaders): void {
  // Where the group's own x-ratelimit-* (added first by addMetaHeaders) end: they win over the
  // upstream's, which are only looked for among them.
  const own = target.length;
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined) continue;
    target.push(PROVIDER_PREFIX + name, value);
    if (name.startsWith(RATE_LIMIT_PREFIX) && headerIndex(target, name, own) === -1) {
      target.push(name, value);
    }
  }
}

/** The headers of a successful JSON answer. */
export function successHeaders(
  meta: ResponseMeta,
  upstream: UpstreamHeaders,
  now: number,
): HeaderList {
  const headers: HeaderList = [];
  addMetaHeaders(headers, meta, now);
  addUpstreamHeaders(headers, upstream);
  return headers;
}

/** Whether the list has `name` (lower-case). */
export function hasHeader(target: HeaderList, name: string): boolean {
  return headerIndex(target, name, target.length) !== -1;
}

/** Where `name` is among the first `end` entries of the list, or -1. */
function headerIndex(target: HeaderList, name: string, end: number): number {
  for (let at = 0; at < end; at += 2) if (target[at] === name) return at;
  return -1;
}

/**
 * Group names and ids come from config and may hold any character; percent-encoding the rare
 * unsafe one keeps a header from failing the response. Remembered: the same few names come on
 * every request.
 */
const headerSafe = memoizeString((value) =>
  UNSAFE_HEADER_CHAR.test(value) ? encodeURIComponent(value) : value,
);
