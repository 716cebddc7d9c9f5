import type { StateStore } from './state-store.ts';

/**
 * The store of a single instance: there is nobody to tell about a bench and nothing shared to
 * load, so every operation is a no-op. The cooldown tracker's own in-process state is the truth.
 */
export function createMemoryStore(): StateStore {
  return {
    kind: 'memory',
    publishBench: () => undefined,
    onBench: () => () => undefined,
    loadBenches: () => Promise.resolve([]),
    status: () => 'none',
    onStatus: () => () => undefined,
    errorCount: () => 0,
    close: () => Promise.resolve(),
  };
}
