import type { Clock } from '../core/clock.ts';
import type { SharedHealthResult, StateStore } from '../state/state-store.ts';

/**
 * Background health checks shared through the store, so N instances do not each probe every
 * deployment: each round is a lease (`SET NX PX interval`) that one instance claims; it probes
 * and publishes the results with their times, and every other instance applies them. If that
 * instance dies, its lease expires and the next instance whose timer fires takes the round.
 * While the store is unreachable every instance checks for itself, as without Redis.
 */
export interface HealthSharing {
  /** Whether this instance runs the round due now: it claimed it, or sharing is down. */
  claimRound(): Promise<boolean>;
  /** Gives this instance's round to the others (kept for three intervals for late joiners). */
  publish(results: readonly SharedHealthResult[]): void;
  /** The latest round published by anyone ([] when none). */
  load(): Promise<SharedHealthResult[]>;
  /**
   * Hears the rounds other instances publish, and the latest round again each time the store
   * reconnects (announcements sent while it was away are lost). Returns the unsubscribe.
   */
  subscribe(listener: (results: readonly SharedHealthResult[]) => void): () => void;
}

/** The lease name of health rounds. */
export const HEALTH_ROUND_LEASE = 'health-round';

/**
 * How long a round waits for the store to connect before checking locally, in ms: at start-up
 * the first round is due before the connection is up, and every instance would probe.
 */
export const CONNECT_WAIT_MS = 1_000;

/** Health sharing over `store`; undefined when the store shares nothing (in-memory). */
export function shareHealth(
  store: StateStore,
  intervalMs: number,
  clock: Clock,
): HealthSharing | undefined {
  if (store.kind !== 'redis') return undefined;
  /** Resolves once the store is connected, or after CONNECT_WAIT_MS. */
  const connected = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        cancel();
        off();
        resolve();
      };
      const cancel = clock.setTimer(done, CONNECT_WAIT_MS, { background: true });
      const off = store.onStatus((status) => status === 'connected' && done());
    });
  return {
    async claimRound() {
      if (store.status() !== 'connected') await connected();
      if (store.status() !== 'connected') return true;
      // A store that cannot answer must not stop every instance from checking.
      return (await store.claimLease(HEALTH_ROUND_LEASE, intervalMs)) ?? true;
    },
    publish: (results) => store.publishHealth(results, 3 * intervalMs),
    load: () => store.loadHealth(),
    subscribe(listener) {
      const offHealth = store.onHealth(listener);
      const offStatus = store.onStatus((status) => {
        if (status === 'connected') void store.loadHealth().then(listener);
      });
      return () => {
        offHealth();
        offStatus();
      };
    },
  };
}
