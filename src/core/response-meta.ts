/**
 * What the router tells its caller about how a request was served. The server turns it into
 * the `x-litellm-*` response headers, on success, on error and on streams.
 */
export interface ResponseMeta {
  /** Unique per request; `x-litellm-call-id`. */
  readonly callId: string;
  /** The group that answered, or the one asked for when nothing answered. */
  group: string;
  /** The deployment that answered (or failed last). */
  deploymentId: string | undefined;
  /** Its `api_base` with any credentials stripped; never the key. */
  apiBase: string | undefined;
  /** Retries made (attempts after the first, summed over groups). */
  attemptedRetries: number;
  /** Fallback groups tried. */
  attemptedFallbacks: number;
  /** The retry budget of the group that answered. */
  maxRetries: number;
  /** When the router received the request, ms since epoch. */
  readonly startedAt: number;
  /** Time spent waiting on upstreams, in ms; total minus this is the gateway's overhead. */
  upstreamMs: number;
  /**
   * The answering group's rpm/tpm and what is left of them this minute, for the
   * `x-ratelimit-*` headers; undefined when the group sets no limits.
   */
  rateLimit: RateLimitSnapshot | undefined;
}

/** A group's limits, summed over its deployments; each undefined when none sets it. */
export interface RateLimitSnapshot {
  /** Sum of `rpm`. */
  readonly limitRequests: number | undefined;
  /** Requests left in the current minute. */
  readonly remainingRequests: number | undefined;
  /** Sum of `tpm`. */
  readonly limitTokens: number | undefined;
  /** Tokens left in the current minute. */
  readonly remainingTokens: number | undefined;
}
