import type { Clock } from '../core/clock.ts';

/**
 * Stops a store from hammering a Redis that keeps failing: after `threshold` consecutive
 * failures commands are skipped, until the connection reports ready again (`reset`) or a probe
 * succeeds. A probe is one command let through every `probeAfterMs` while open; it covers a
 * Redis that hangs without dropping the connection, which never reports ready again. The probe
 * is decided by comparing times on each call, so the breaker owns no timer.
 */
export interface StoreBreaker {
  /** Whether a command may be sent now (true for the one probe of an open breaker). */
  allow(): boolean;
  success(): void;
  failure(): void;
  /** Closes the breaker: the connection is ready again. */
  reset(): void;
  isOpen(): boolean;
}

export interface StoreBreakerOptions {
  readonly clock: Clock;
  /** Consecutive failures that open the breaker. Default 3. */
  readonly threshold?: number | undefined;
  /** Time between probes while open, in ms. Default 5_000. */
  readonly probeAfterMs?: number | undefined;
}

export function createStoreBreaker(options: StoreBreakerOptions): StoreBreaker {
  const { clock } = options;
  const threshold = options.threshold ?? 3;
  const probeAfterMs = options.probeAfterMs ?? 5_000;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`breaker threshold must be a positive integer, got ${threshold}`);
  }
  if (!Number.isFinite(probeAfterMs) || probeAfterMs < 0) {
    throw new RangeError(`breaker probeAfterMs must be a non-negative number, got ${probeAfterMs}`);
  }
  let failures = 0;
  let openedAt = 0;
  const isOpen = (): boolean => failures >= threshold;
  return {
    allow() {
      if (!isOpen()) return true;
      if (clock.now() - openedAt < probeAfterMs) return false;
      openedAt = clock.now();
      return true;
    },
    success() {
      failures = 0;
    },
    failure() {
      failures += 1;
      // Opening, or a failed probe: the next probe waits a full interval from now.
      if (failures >= threshold) openedAt = clock.now();
    },
    reset() {
      failures = 0;
    },
    isOpen,
  };
}
