import type { RateLimitSnapshot, ResponseMeta } from '../core/response-meta.ts';
import { memoizeString } from '../core/string-memo.ts';
import type { UpstreamHeaders } from '../providers/provider.ts';

/** Response headers as written to the wire; numbers are sent in decimal. */
export type HeaderBag = Record<string, string | number>;

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
export function addMetaHeaders(target: HeaderBag, meta: ResponseMeta, now: number): void {
  const durationMs = Math.max(0, now - meta.startedAt);
  target['x-litellm-call-id'] = meta.callId;
  if (meta.deploymentId !== undefined) target['x-litellm-model-id'] = headerSafe(meta.deploymentId);
  if (meta.apiBase !== undefined) target['x-litellm-model-api-base'] = headerSafe(meta.apiBase);
  target['x-litellm-model-group'] = headerSafe(meta.group);
  // Numbers as strings: Node's header check takes a slower path for a number, and converts it
  // twice (to test it, then to write it).
  target['x-litellm-attempted-retries'] = String(meta.attemptedRetries);
  target['x-litellm-attempted-fallbacks'] = String(meta.attemptedFallbacks);
  if (meta.attemptedRetries > 0) target['x-litellm-max-retries'] = String(meta.maxRetries);
  target['x-litellm-response-duration-ms'] = String(durationMs);
  target['x-litellm-overhead-duration-ms'] = String(Math.max(0, durationMs - meta.upstreamMs));
  if (meta.rateLimit !== undefined) addRateLimitHeaders(target, meta.rateLimit);
}

/**
 * The model group's own limits (its deployments' rpm/tpm summed) and what is left of them in
 * the current minute, under OpenAI's header names as LiteLLM sends them. Each pair appears
 * only when some deployment of the group sets that limit; they win over an upstream's headers
 * of the same name (which stay visible as `llm_provider-x-ratelimit-*`), because the gateway's
 * limit is the one a client meets first.
 */
function addRateLimitHeaders(target: HeaderBag, limits: RateLimitSnapshot): void {
  if (limits.limitRequests !== undefined) {
    target['x-ratelimit-limit-requests'] = String(limits.limitRequests);
    target['x-ratelimit-remaining-requests'] = String(limits.remainingRequests ?? 0);
  }
  if (limits.limitTokens !== undefined) {
    target['x-ratelimit-limit-tokens'] = String(limits.limitTokens);
    target['x-ratelimit-remaining-tokens'] = String(limits.remainingTokens ?? 0);
  }
}

/**
 * Passes upstream headers on the way LiteLLM does: every one as `llm_provider-<name>`, and the
 * OpenAI `x-ratelimit-*` ones under their own name too, so clients that pace themselves on
 * them keep working. The provider already chose which headers are worth passing.
 */
export function addUpstreamHeaders(target: HeaderBag, upstream: UpstreamHeaders): void {
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined) continue;
    target[PROVIDER_PREFIX + name] = value;
    // The group's own x-ratelimit-* (added first by addMetaHeaders) win over the upstream's.
    if (name.startsWith(RATE_LIMIT_PREFIX) && !(name in target)) target[name] = value;
  }
}

/** The headers of a successful JSON answer. */
export function successHeaders(
  meta: ResponseMeta,
  upstream: UpstreamHeaders,
  now: number,
): HeaderBag {
  const headers: HeaderBag = {};
  addMetaHeaders(headers, meta, now);
  addUpstreamHeaders(headers, upstream);
  return headers;
}

/**
 * Group names and ids come from config and may hold any character; percent-encoding the rare
 * unsafe one keeps a header from failing the response. Remembered: the same few names come on
 * every request.
 */
const headerSafe = memoizeString((value) =>
  UNSAFE_HEADER_CHAR.test(value) ? encodeURIComponent(value) : value,
);
