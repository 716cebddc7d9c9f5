import type { AllowedFailsPolicyKey } from '../config/plan.ts';
import type { Clock } from '../core/clock.ts';
import {
  WINDOW_BUCKETS,
  type FailureWindow,
  type WindowCounts,
} from '../resilience/cooldown-window.ts';
import type { CounterSync } from '../state/counter-sync.ts';

/**
 * A deployment's failure window counted by every instance together: each outcome is added to a
 * shared counter hash, one field per bucket and tally (`${slot}:calls`, `${slot}:fails`,
 * `${slot}:<allowed_fails_policy key>`), with the same buckets as the local window
 * (`windowMs / WINDOW_BUCKETS`, 1 s for a minute), so the rules read combined counts.
 *
 * The counts are the counter sync's view: every instance's outcomes as of the last flush plus
 * this instance's own since. Reading is O(fields) and happens on a failure or a review, as for
 * the local window.
 */
export interface SharedWindowOptions {
  readonly sync: Pick<CounterSync, 'add' | 'totals'>;
  /** The counter key, the same on every instance: {@link sharedWindowKey}. */
  readonly key: string;
  readonly windowMs: number;
  /** Only for reset(), which the tracker calls without a time. */
  readonly clock: Clock;
}

const CALLS = 'calls';
const FAILS = 'fails';

/** The counter key of a deployment's window. The bucket length is part of it, so instances
 * running with different windows (mid-rollout) never add into each other's buckets. */
export function sharedWindowKey(deploymentId: string, windowMs: number): string {
  return `failures:${windowMs / WINDOW_BUCKETS}:${deploymentId}`;
}

/** Whether a field of a window `windowMs` long has left it at `nowMs`, for the counter sync. */
export function sharedWindowExpired(windowMs: number): (field: string, nowMs: number) => boolean {
  const bucketMs = windowMs / WINDOW_BUCKETS;
  return (field, nowMs) => {
    const slot = slotOfField(field);
    return slot === undefined || slot <= Math.floor(nowMs / bucketMs) - WINDOW_BUCKETS;
  };
}

export function createSharedFailureWindow(options: SharedWindowOptions): FailureWindow {
  const { sync, key, clock } = options;
  const bucketMs = options.windowMs / WINDOW_BUCKETS;
  const slotOf = (nowMs: number): number => Math.floor(nowMs / bucketMs);
  /** Buckets before this slot are ignored: the breaker closed after them. */
  let fromSlot = Number.NEGATIVE_INFINITY;

  /** Sums the live buckets' values of each tally. */
  function sums(nowMs: number): Map<string, number> {
    const newest = slotOf(nowMs);
    const oldest = Math.max(newest - WINDOW_BUCKETS + 1, fromSlot);
    const result = new Map<string, number>();
    for (const [field, value] of sync.totals(key)) {
      const slot = slotOfField(field);
      if (slot === undefined || slot < oldest || slot > newest) continue;
      const tally = field.slice(field.indexOf(':') + 1);
      result.set(tally, (result.get(tally) ?? 0) + value);
    }
    return result;
  }

  return {
    recordSuccess(nowMs) {
      sync.add(key, `${slotOf(nowMs)}:${CALLS}`, 1);
    },
    recordFailure(nowMs, policyKey: AllowedFailsPolicyKey | undefined) {
      const slot = slotOf(nowMs);
      sync.add(key, `${slot}:${CALLS}`, 1);
      sync.add(key, `${slot}:${FAILS}`, 1);
      if (policyKey !== undefined) sync.add(key, `${slot}:${policyKey}`, 1);
    },
    counts(nowMs): WindowCounts {
      const totals = sums(nowMs);
      return { calls: totals.get(CALLS) ?? 0, failures: totals.get(FAILS) ?? 0 };
    },
    failuresOf(nowMs, policyKey) {
      return sums(nowMs).get(policyKey) ?? 0;
    },
    reset() {
      // The shared buckets belong to every instance and stay; this instance stops counting the
      // ones before now. The current bucket still counts: the failures that caused a bench are
      // at least a cooldown older than the probe that closes it.
      fromSlot = slotOf(clock.now());
    },
  };
}

function slotOfField(field: string): number | undefined {
  const colon = field.indexOf(':');
  const slot = colon > 0 ? Number(field.slice(0, colon)) : Number.NaN;
  return Number.isSafeInteger(slot) ? slot : undefined;
}
