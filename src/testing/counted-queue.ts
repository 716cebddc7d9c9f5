/**
 * The queue behind every mock's injected faults: faults in the order they were queued, each
 * with how many more requests it applies to. The wires differ only in which fault applies to a
 * request, so that is the one thing each passes in.
 */

/** Faults (or any entries) in order, each used up after its count of requests. */
export interface CountedQueue<T> {
  /** Queues `entry` for the next `times` requests it applies to. Default: until cleared. */
  add(entry: T, times?: number): void;
  /**
   * The first entry that `applies` to the request, counting one use of it; undefined when none.
   * `index` is the entry's place in the queue, for wires whose faults apply strictly in order.
   */
  take(applies: (entry: T, index: number) => boolean): T | undefined;
  clear(): void;
  size(): number;
}

/** An empty {@link CountedQueue}. */
export function createCountedQueue<T>(): CountedQueue<T> {
  const queue: { entry: T; remaining: number }[] = [];
  return {
    add(entry, times = Number.POSITIVE_INFINITY) {
      queue.push({ entry, remaining: times });
    },
    take(applies) {
      for (let i = 0; i < queue.length; i++) {
        const slot = queue[i];
        if (slot === undefined || !applies(slot.entry, i)) continue;
        slot.remaining -= 1;
        if (slot.remaining <= 0) queue.splice(i, 1);
        return slot.entry;
      }
      return undefined;
    },
    clear() {
      queue.length = 0;
    },
    size: () => queue.length,
  };
}
