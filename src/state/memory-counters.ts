import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { CounterBatch, CounterSnapshot } from './state-store.ts';

/**
 * Counter hashes held in process, with the same semantics as the Redis ones (add, expire after
 * the last write, read back, remove fields), so one instance, or tests, can use a counter sync
 * without Redis. Expiry is judged on the injected clock when a key is touched.
 */
export interface MemoryCounters {
  sync(batch: CounterBatch): CounterSnapshot;
}

interface Hash {
  readonly fields: Map<string, number>;
  expiresAt: number;
}

export function createMemoryCounters(clock: Clock): MemoryCounters {
  const epoch = randomUUID();
  const hashes = new Map<string, Hash>();

  function live(key: string): Hash | undefined {
    const hash = hashes.get(key);
    if (hash !== undefined && hash.expiresAt <= clock.now()) {
      hashes.delete(key);
      return undefined;
    }
    return hash;
  }

  return {
    sync(batch) {
      const totals = new Map<string, Record<string, number>>();
      for (const write of batch.writes) {
        const hash = live(write.key) ?? { fields: new Map<string, number>(), expiresAt: 0 };
        for (const [field, delta] of Object.entries(write.deltas)) {
          hash.fields.set(field, (hash.fields.get(field) ?? 0) + delta);
        }
        hash.expiresAt = clock.now() + write.ttlMs;
        hashes.set(write.key, hash);
      }
      for (const key of [...batch.writes.map((write) => write.key), ...batch.reads]) {
        totals.set(key, Object.fromEntries(live(key)?.fields ?? []));
      }
      for (const { key, fields } of batch.removals) {
        const hash = live(key);
        for (const field of fields) hash?.fields.delete(field);
        if (hash?.fields.size === 0) hashes.delete(key);
      }
      return { epoch, totals };
    },
  };
}
