import type { FakeClock } from '../testing/fake-clock.ts';
import { createMemoryCounters, type MemoryCounters } from './memory-counters.ts';
import { createMemoryStore } from './memory-store.ts';
import type { CounterBatch, StateStore, StoreStatus } from './state-store.ts';

/**
 * A store over in-process counters that several counter syncs share, like instances sharing a
 * Redis, which a test can take down (`failing`), mark degraded, or make forget everything
 * (`wipe`, like a Redis restarted without persistence). Every batch sent is kept in `batches`.
 */
export function sharedBackend(clock: FakeClock) {
  let counters: MemoryCounters = createMemoryCounters(clock);
  const batches: CounterBatch[] = [];
  const state = { failing: false, status: 'connected' as StoreStatus };
  const statusListeners = new Set<(status: StoreStatus) => void>();
  const store = (): StateStore => ({
    ...createMemoryStore({ clock }),
    kind: 'redis',
    status: () => state.status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    syncCounters(batch) {
      batches.push(batch);
      return Promise.resolve(state.failing ? undefined : counters.sync(batch));
    },
  });
  return {
    store,
    batches,
    state,
    wipe: () => void (counters = createMemoryCounters(clock)),
    setStatus(status: StoreStatus) {
      state.status = status;
      for (const listener of statusListeners) listener(status);
    },
  };
}
