/**
 * The read-only view of routing state that strategies and limits read: requests in flight,
 * usage in the current minute, recent latency. The router builds one at start-up (state/
 * implements it) and hands the same object to every pick; nothing here does I/O.
 */

/** Which latency a sample or a question is about. */
export type LatencyKind =
  /** Non-streaming calls: seconds per output token (seconds when no usage was reported). */
  | 'call'
  /** Streams: time to first token, in seconds. */
  | 'stream';

/** Functions, not methods: strategies may pass them around unbound. */
export interface RoutingStats {
  /** Attempts on this deployment that have started and not ended (streams until their end). */
  readonly inFlight: (deploymentId: string) => number;
  /** Requests sent to this deployment in the minute window of `now` (epoch ms). */
  readonly requestsThisMinute: (deploymentId: string, now: number) => number;
  /** Tokens (input counted up front, output on completion) in the minute window of `now`. */
  readonly tokensThisMinute: (deploymentId: string, now: number) => number;
  /**
   * Mean of the live latency samples of `kind` (younger than the ttl), or undefined when the
   * deployment has none: unseen, or every sample aged out.
   */
  readonly latency: (deploymentId: string, kind: LatencyKind, now: number) => number | undefined;
  /** Exponentially weighted moving average of `kind` latency; undefined when unseen or stale. */
  readonly ewma: (deploymentId: string, kind: LatencyKind, now: number) => number | undefined;
}

/** Stats of a router that tracks nothing: every deployment idle, unused and unseen. */
export const NO_STATS: RoutingStats = Object.freeze({
  inFlight: () => 0,
  requestsThisMinute: () => 0,
  tokensThisMinute: () => 0,
  latency: () => undefined,
  ewma: () => undefined,
});
