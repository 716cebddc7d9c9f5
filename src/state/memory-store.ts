import { systemClock, type Clock } from '../core/clock.ts';
import { createMemoryCounters } from './memory-counters.ts';
import type { StateStore } from './state-store.ts';

export interface MemoryStoreOptions {
  /** Judges counter expiry. Default: the system clock. */
  readonly clock?: Clock | undefined;
}

/**
 * The store of a single instance: there is nobody to tell about a bench or a health round and
 * nothing shared to load, so those are no-ops, and every lease is this instance's. Counters
 * are kept in process, so a counter sync works the same with or without Redis. The cooldown
 * tracker's own in-process state is the truth.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const counters = createMemoryCounters(options.clock ?? systemClock);
  let closed = false;
  return {
    kind: 'memory',
    publishBench: () => undefined,
    onBench: () => () => undefined,
    loadBenches: () => Promise.resolve([]),
    syncCounters: (batch) => Promise.resolve(closed ? undefined : counters.sync(batch)),
    claimLease: () => Promise.resolve(true),
    publishHealth: () => undefined,
    onHealth: () => () => undefined,
    loadHealth: () => Promise.resolve([]),
    status: () => 'none',
    onStatus: () => () => undefined,
    errorCount: () => 0,
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}
