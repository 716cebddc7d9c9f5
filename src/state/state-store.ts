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

/** The latest background health check of one deployment, as instances share it. */
export interface SharedHealthResult {
  readonly deploymentId: string;
  /** When the probe ended, epoch ms. */
  readonly checkedAt: number;
  /** Why the probe failed; undefined when the deployment answered. */
  readonly error: string | undefined;
}

/** Deltas for the fields of one counter hash. */
export interface CounterWrite {
  readonly key: string;
  /** Field → amount to add (may be negative). */
  readonly deltas: Readonly<Record<string, number>>;
  /** The hash expires this long after the write, in ms: every write pushes the expiry back. */
  readonly ttlMs: number;
}

/** One round trip of counter sharing: writes first, then reads, then removals. */
export interface CounterBatch {
  readonly writes: readonly CounterWrite[];
  /** Keys to read back besides the written ones (which are always read back). */
  readonly reads: readonly string[];
  /** Fields nobody needs any more (e.g. of windows that ended), deleted last. */
  readonly removals: readonly { readonly key: string; readonly fields: readonly string[] }[];
}

/** What a {@link CounterBatch} found. */
export interface CounterSnapshot {
  /**
   * Names the store's memory: it changes when the store lost its data (a Redis restarted
   * without persistence, flushed, or failed over to an empty replica), so an instance knows to
   * add its earlier contributions again.
   */
  readonly epoch: string;
  /** Field totals of every instance, for each written or read key ({} when the key is gone). */
  readonly totals: ReadonlyMap<string, Readonly<Record<string, number>>>;
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
  /**
   * Adds counter deltas and reads totals back, in one round trip. Resolves undefined (never
   * rejects) when the store could not be reached; the deltas may then have been applied or not
   * (a reply lost to a timeout), and the caller decides whether to send them again.
   */
  syncCounters(batch: CounterBatch): Promise<CounterSnapshot | undefined>;
  /**
   * Claims the lease `name` for `ttlMs` unless another holder has it (SET NX PX): true when this
   * caller got it, false when it is taken, undefined when the store could not be asked. Nothing
   * to coordinate with (in-memory store): always true. A lease is never renewed: it expires.
   */
  claimLease(name: string, ttlMs: number): Promise<boolean | undefined>;
  /**
   * Records the latest round of health checks for `ttlMs` and announces it to the other
   * instances. Fire and forget, like publishBench.
   */
  publishHealth(results: readonly SharedHealthResult[], ttlMs: number): void;
  /** Health rounds other instances publish (never this instance's own). Returns an unsubscribe. */
  onHealth(listener: (results: readonly SharedHealthResult[]) => void): () => void;
  /** The latest recorded round ([] when none, or the store is unreachable). Never rejects. */
  loadHealth(): Promise<SharedHealthResult[]>;
  status(): StoreStatus;
  /** Called on every status change (e.g. to resync after `connected`). Returns an unsubscribe. */
  onStatus(listener: (status: StoreStatus) => void): () => void;
  /** Errors talking to the store since start (for metrics). */
  errorCount(): number;
  close(): Promise<void>;
}
