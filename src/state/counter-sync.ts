import type { Clock } from '../core/clock.ts';
import { createListenerSet } from './listener-set.ts';
import type { CounterBatch, CounterSnapshot, CounterWrite, StateStore } from './state-store.ts';

/**
 * Counters that many instances add to, kept in memory and written behind: `add` and `totals`
 * are synchronous map operations (the request path never waits on Redis), and a background
 * timer flushes the deltas every `intervalMs` in one pipelined round trip (HINCRBY + PEXPIRE
 * per hash), reading the totals of every instance back at the same time.
 *
 * This instance's view of a field = the total read at the last flush + its own deltas not yet
 * flushed. So it lags the other instances by at most one flush interval plus one round trip,
 * never its own deltas. While the store is unreachable, deltas accumulate and are sent when it
 * returns; when the store lost its data (its epoch changed), this instance adds its own earlier
 * contributions again, so the totals recover without anyone counting twice. A delta whose reply
 * was lost to a timeout is sent again, so a flaky store may count one batch twice: counters
 * err on the high side, never the low one.
 *
 * Keys and fields are the caller's: a windowed counter names its fields after the window's
 * slot (e.g. `${slot}:calls`) and passes `expired` so ended windows are forgotten and deleted.
 */
export interface CounterSync {
  /** Adds `delta` (an integer) to `field` of `key`: in this view at once, in the store soon. */
  add(key: string, field: string, delta: number): void;
  /**
   * The fields of `key` (those not expired): every instance's totals as of the last flush plus
   * this instance's deltas since. Reading a key keeps it watched: it is read back at every
   * flush until unused for `ttlMs`.
   */
  totals(key: string): ReadonlyMap<string, number>;
  /**
   * One field of `key` as totals() would show it (0 when absent or expired), without copying
   * the hash: for reads on the request path. Keeps the key watched like totals().
   */
  total(key: string, field: string): number;
  /**
   * Called after a flush with the keys whose totals changed through other instances' deltas
   * (never for this instance's own). Returns the unsubscribe.
   */
  onRemoteChange(listener: (keys: readonly string[]) => void): () => void;
  /** Flushes now (the timer does it on its own); resolves when done. Never rejects. */
  flush(): Promise<void>;
  /** Stops the timer and makes one last flush. Idempotent. */
  close(): Promise<void>;
}

export interface CounterSyncOptions {
  readonly store: StateStore;
  readonly clock: Clock;
  /**
   * How long a hash lives in the store after its last write, and how long a key stays watched
   * after its last use, in ms. At least the longest window the counters describe.
   */
  readonly ttlMs: number;
  /** Time between flushes, in ms. Default 100. */
  readonly intervalMs?: number | undefined;
  /** Whether a field no longer counts at `nowMs` (its window ended). Default: never. */
  readonly expired?: ((field: string, nowMs: number) => boolean) | undefined;
}

/** Default flush interval, in ms. */
export const COUNTER_FLUSH_INTERVAL_MS = 100;

interface Entry {
  /** Every instance's totals, as read at the last flush. */
  synced: Map<string, number>;
  /** This instance's deltas not yet sent. */
  pending: Map<string, number>;
  /** This instance's deltas sent in the flush under way. */
  inflight: Map<string, number>;
  /** This instance's deltas the store has acknowledged: replayed when the store loses them. */
  mine: Map<string, number>;
  /** Fields to delete from the store at the next flush. */
  removals: Set<string>;
  /** When the key was last added to or read, epoch ms. */
  usedAt: number;
}

/** Creates the sync and starts its timer (a background timer: it never keeps a process up). */
export function createCounterSync(options: CounterSyncOptions): CounterSync {
  const { store, clock, ttlMs } = options;
  const intervalMs = options.intervalMs ?? COUNTER_FLUSH_INTERVAL_MS;
  const expired = options.expired ?? (() => false);
  if (!(ttlMs > 0) || !(intervalMs > 0)) {
    throw new RangeError(
      `counter sync needs ttlMs and intervalMs > 0, got ${ttlMs}, ${intervalMs}`,
    );
  }
  const entries = new Map<string, Entry>();
  const listeners = createListenerSet<readonly string[]>(() => undefined);
  let epoch: string | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  let cancelTimer: (() => void) | undefined;

  function entryOf(key: string): Entry {
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = {
        synced: new Map(),
        pending: new Map(),
        inflight: new Map(),
        mine: new Map(),
        removals: new Set(),
        usedAt: clock.now(),
      };
      entries.set(key, entry);
    }
    return entry;
  }

  /** Forgets ended fields here and schedules their deletion from the store. */
  function prune(entry: Entry, now: number): void {
    for (const map of [entry.synced, entry.pending, entry.mine]) {
      for (const field of map.keys()) {
        if (!expired(field, now)) continue;
        map.delete(field);
        if (map === entry.synced) entry.removals.add(field);
      }
    }
  }

  /** The next batch, moving pending deltas to in flight; undefined when there is nothing to do. */
  function nextBatch(now: number): { batch: CounterBatch; written: Entry[] } | undefined {
    const writes: CounterWrite[] = [];
    const reads: string[] = [];
    const removals: { key: string; fields: string[] }[] = [];
    const written: Entry[] = [];
    for (const [key, entry] of entries) {
      prune(entry, now);
      if (entry.pending.size > 0) {
        writes.push({ key, deltas: Object.fromEntries(entry.pending), ttlMs });
        entry.inflight = entry.pending;
        entry.pending = new Map();
        written.push(entry);
      } else if (now - entry.usedAt <= ttlMs) {
        reads.push(key);
      } else {
        entries.delete(key);
        continue;
      }
      if (entry.removals.size > 0) {
        removals.push({ key, fields: [...entry.removals] });
        entry.removals.clear();
      }
    }
    if (writes.length === 0 && reads.length === 0 && removals.length === 0) return undefined;
    return { batch: { writes, reads, removals }, written };
  }

  /** A failed flush: the deltas wait for the next one, the removals too. */
  function restore(batch: CounterBatch, written: readonly Entry[]): void {
    for (const entry of written) {
      addAll(entry.pending, entry.inflight);
      entry.inflight = new Map();
    }
    for (const { key, fields } of batch.removals) {
      const entry = entries.get(key);
      for (const field of fields) entry?.removals.add(field);
    }
  }

  function apply(snapshot: CounterSnapshot, written: readonly Entry[], now: number): string[] {
    if (epoch !== undefined && snapshot.epoch !== epoch) {
      // The store lost its data: what it had acknowledged from us is gone, so send it again.
      for (const entry of entries.values()) {
        addAll(entry.pending, entry.mine);
        entry.mine = new Map();
      }
    }
    epoch = snapshot.epoch;
    const mineBefore = new Map<Entry, Map<string, number>>();
    for (const entry of written) {
      mineBefore.set(entry, new Map(entry.mine));
      addAll(entry.mine, entry.inflight);
      entry.inflight = new Map();
    }
    const changed: string[] = [];
    for (const [key, fields] of snapshot.totals) {
      const entry = entries.get(key);
      if (entry === undefined) continue;
      const before = others(entry.synced, mineBefore.get(entry) ?? entry.mine);
      entry.synced = new Map(Object.entries(fields));
      prune(entry, now);
      if (!sameCounts(before, others(entry.synced, entry.mine))) changed.push(key);
    }
    return changed;
  }

  async function flushOnce(): Promise<void> {
    // A store that is down would only fail; the deltas wait for it to return.
    if (store.status() === 'degraded') return;
    const now = clock.now();
    const next = nextBatch(now);
    if (next === undefined) return;
    const snapshot = await store.syncCounters(next.batch);
    if (snapshot === undefined) {
      restore(next.batch, next.written);
      return;
    }
    const changed = apply(snapshot, next.written, clock.now());
    if (changed.length > 0) listeners.emit(changed);
  }

  function flush(): Promise<void> {
    running ??= flushOnce()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(): void {
    if (closed) return;
    cancelTimer = clock.setTimer(
      () => {
        void flush();
        schedule();
      },
      intervalMs,
      { background: true },
    );
  }

  // Back from an outage: send what accumulated and read the others' totals at once.
  const offStatus = store.onStatus((status) => {
    if (status === 'connected') void flush();
  });
  schedule();

  return {
    add(key, field, delta) {
      if (closed || !Number.isSafeInteger(delta) || delta === 0) return;
      const entry = entryOf(key);
      entry.usedAt = clock.now();
      entry.pending.set(field, (entry.pending.get(field) ?? 0) + delta);
    },
    totals(key) {
      const entry = entryOf(key);
      const now = clock.now();
      entry.usedAt = now;
      const view = new Map(entry.synced);
      addAll(view, entry.inflight);
      addAll(view, entry.pending);
      for (const field of view.keys()) if (expired(field, now)) view.delete(field);
      return view;
    },
    total(key, field) {
      const entry = entryOf(key);
      const now = clock.now();
      entry.usedAt = now;
      if (expired(field, now)) return 0;
      const { synced, inflight, pending } = entry;
      return (synced.get(field) ?? 0) + (inflight.get(field) ?? 0) + (pending.get(field) ?? 0);
    },
    onRemoteChange: (listener) => listeners.add(listener),
    flush,
    async close() {
      if (closed) return running;
      closed = true;
      cancelTimer?.();
      offStatus();
      listeners.clear();
      await running;
      await flushOnce().catch(() => undefined);
    },
  };
}

function addAll(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [field, value] of from) into.set(field, (into.get(field) ?? 0) + value);
}

/** The other instances' share of each field: totals minus this instance's acknowledged deltas. */
function others(
  synced: ReadonlyMap<string, number>,
  mine: ReadonlyMap<string, number>,
): Map<string, number> {
  const result = new Map<string, number>();
  for (const [field, total] of synced) {
    const share = total - (mine.get(field) ?? 0);
    if (share !== 0) result.set(field, share);
  }
  return result;
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [field, value] of a) if (b.get(field) !== value) return false;
  return true;
}
