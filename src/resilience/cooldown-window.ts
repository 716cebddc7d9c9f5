import type { AllowedFailsPolicyKey } from '../config/plan.ts';

/**
 * How many buckets one window is cut into. The window's trailing edge is accurate to
 * `windowMs / WINDOW_BUCKETS` (1 s for the default minute), which is all a failure-rate rule
 * needs, and memory per deployment stays fixed however much traffic it takes.
 */
export const WINDOW_BUCKETS = 60;

/** Calls and counted failures seen by one deployment within the window. */
export interface WindowCounts {
  /** Successes plus counted failures. */
  readonly calls: number;
  /** Failures that count for cooldown (their error policy says `cooldown: true`). */
  readonly failures: number;
}

/**
 * A sliding window of one deployment's outcomes: successes and counted failures, the failures
 * also tallied by `allowed_fails_policy` key so a per-kind threshold reads its own count.
 * Every method takes the current time (epoch ms) instead of holding a clock, so the window is
 * plain data that the tracker drives.
 */
export interface FailureWindow {
  recordSuccess(nowMs: number): void;
  /** Records a counted failure; `key` is its `allowed_fails_policy` key, when it has one. */
  recordFailure(nowMs: number, key: AllowedFailsPolicyKey | undefined): void;
  /** Totals over the window ending at `nowMs`. */
  counts(nowMs: number): WindowCounts;
  /** Counted failures of one `allowed_fails_policy` key over the window ending at `nowMs`. */
  failuresOf(nowMs: number, key: AllowedFailsPolicyKey): number;
  /** Forgets everything (a closed breaker starts from a clean slate). */
  reset(): void;
}

interface Bucket {
  /** `floor(epochMs / bucketMs)`: which slice of time this bucket currently holds. */
  slot: number;
  calls: number;
  failures: number;
  byKey: Partial<Record<AllowedFailsPolicyKey, number>>;
}

/**
 * Creates a window `windowMs` long, kept as a ring of {@link WINDOW_BUCKETS} buckets. An outcome
 * older than `windowMs` never counts; one younger than `windowMs - windowMs / WINDOW_BUCKETS`
 * always does. Recording is O(1); reading is O(WINDOW_BUCKETS), and the tracker reads only on a
 * failure. Buckets are allocated on first use, so an idle deployment costs almost nothing.
 */
export function createFailureWindow(windowMs: number): FailureWindow {
  const bucketMs = windowMs / WINDOW_BUCKETS;
  let buckets: Bucket[] = [];

  const slotOf = (nowMs: number): number => Math.floor(nowMs / bucketMs);

  /** The bucket for `nowMs`, emptied first when it still holds an older slice of time. */
  function current(nowMs: number): Bucket {
    const slot = slotOf(nowMs);
    const index = ((slot % WINDOW_BUCKETS) + WINDOW_BUCKETS) % WINDOW_BUCKETS;
    let bucket = buckets[index];
    if (bucket === undefined) {
      bucket = { slot, calls: 0, failures: 0, byKey: {} };
      buckets[index] = bucket;
    } else if (bucket.slot !== slot) {
      bucket.slot = slot;
      bucket.calls = 0;
      bucket.failures = 0;
      bucket.byKey = {};
    }
    return bucket;
  }

  /**
   * Buckets inside the window ending at `nowMs`. A bucket from the "future" (the wall clock
   * was set back) is skipped rather than trusted; it is overwritten when its index comes round.
   */
  function live(nowMs: number): Bucket[] {
    const newest = slotOf(nowMs);
    // filter() skips the holes of a ring not yet filled.
    return buckets.filter(
      (bucket) => bucket.slot <= newest && bucket.slot > newest - WINDOW_BUCKETS,
    );
  }

  return {
    recordSuccess(nowMs) {
      current(nowMs).calls += 1;
    },
    recordFailure(nowMs, key) {
      const bucket = current(nowMs);
      bucket.calls += 1;
      bucket.failures += 1;
      if (key !== undefined) bucket.byKey[key] = (bucket.byKey[key] ?? 0) + 1;
    },
    counts(nowMs) {
      let calls = 0;
      let failures = 0;
      for (const bucket of live(nowMs)) {
        calls += bucket.calls;
        failures += bucket.failures;
      }
      return { calls, failures };
    },
    failuresOf(nowMs, key) {
      let failures = 0;
      for (const bucket of live(nowMs)) failures += bucket.byKey[key] ?? 0;
      return failures;
    },
    reset() {
      buckets = [];
    },
  };
}
