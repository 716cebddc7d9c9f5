/**
 * State shared between gateway instances. The request path never awaits it: routing reads
 * in-process state, and a store only carries events to and from the other instances in the
 * background. A store that is slow or gone degrades sharing, never requests.
 */

/** A bench decided by one instance, for all of them. `until` is epoch ms (absolute). */
export interface SharedBench {
  readonly deploymentId: string;
  readonly until: number;
  readonly reason: string;
}

/**
 * `none`: nothing to share with (in-memory store); `connected`: sharing works; `degraded`: a
 * shared store is configured but unreachable, so this instance serves on local state.
 */
export type StoreStatus = 'none' | 'connected' | 'degraded';

export interface StateStore {
  readonly kind: 'memory' | 'redis';
  /**
   * Tells every other instance about a bench and records it with its deadline, so an instance
   * that starts later still sees it. Fire and forget: never throws, never blocks the caller.
   */
  publishBench(bench: SharedBench): void;
  /** Benches other instances publish (never this instance's own). Returns an unsubscribe. */
  onBench(listener: (bench: SharedBench) => void): () => void;
  /** Benches still running (until > now): loaded at start-up and after every reconnect. */
  loadBenches(): Promise<SharedBench[]>;
  status(): StoreStatus;
  /** Called on every status change (e.g. to resync after `connected`). Returns an unsubscribe. */
  onStatus(listener: (status: StoreStatus) => void): () => void;
  /** Errors talking to the store since start (for metrics). */
  errorCount(): number;
  close(): Promise<void>;
}
