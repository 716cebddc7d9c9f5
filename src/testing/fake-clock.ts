import type { Clock } from '../core/clock.ts';

/** A {@link Clock} whose time moves only when a test moves it, so no test has to sleep. */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms` and fires every timer that falls due, in deadline order (ties in
   * scheduling order). Each callback sees `now()` equal to its own deadline; timers scheduled by
   * callbacks fire too when they fall due within the same advance. Throws a RangeError when
   * `ms` is negative or not finite.
   */
  advance(ms: number): void;
  /**
   * Like {@link FakeClock.advance}, but lets microtasks and `setImmediate` callbacks run before
   * the first timer and after each one, so promise chains that wait on successive timers (a
   * retry loop, a backoff) make progress within one call.
   */
  advanceAsync(ms: number): Promise<void>;
  /** How many timers are scheduled and not yet fired or cancelled. */
  pendingTimers(): number;
  /**
   * Sets the wall clock to `ms` (epoch milliseconds) without firing anything, like a system
   * clock jump. Timers keep their absolute deadlines: the next advance fires any now overdue.
   */
  set(ms: number): void;
}

interface Timer {
  readonly deadline: number;
  readonly callback: () => void;
}

/**
 * Guards against a callback that reschedules itself with 0 ms, which would otherwise make one
 * advance loop forever.
 */
const MAX_TIMERS_PER_ADVANCE = 100_000;

/** Creates a fake clock starting at `startMs` (epoch ms). Default: 2026-01-01T00:00:00Z. */
export function createFakeClock(startMs: number = Date.UTC(2026, 0, 1)): FakeClock {
  assertFinite('startMs', startMs);
  let now = startMs;
  let nextId = 0;
  // A Map iterates in insertion order, which is also scheduling order: ties stay stable.
  const timers = new Map<number, Timer>();

  /** Removes and returns the earliest timer due at or before `target`, if any. */
  function takeDue(target: number): Timer | undefined {
    let bestId = -1;
    let best: Timer | undefined;
    for (const [id, timer] of timers) {
      if (timer.deadline <= target && (best === undefined || timer.deadline < best.deadline)) {
        best = timer;
        bestId = id;
      }
    }
    if (best !== undefined) timers.delete(bestId);
    return best;
  }

  /** Fires the next due timer; returns false when none is due. */
  function fireNext(target: number): boolean {
    const timer = takeDue(target);
    if (timer === undefined) return false;
    // After a forward set() a timer may be overdue; time never runs backwards.
    now = Math.max(now, timer.deadline);
    timer.callback();
    return true;
  }

  function checkLoop(fired: number): void {
    if (fired > MAX_TIMERS_PER_ADVANCE) {
      throw new Error(
        `fake clock fired more than ${MAX_TIMERS_PER_ADVANCE} timers in one advance; ` +
          'a timer probably reschedules itself with 0 ms',
      );
    }
  }

  return {
    now: () => now,

    setTimer(callback, ms) {
      const wait = Number.isNaN(ms) || ms < 0 ? 0 : ms;
      const id = nextId++;
      timers.set(id, { deadline: now + wait, callback });
      return () => {
        timers.delete(id);
      };
    },

    advance(ms) {
      assertStep(ms);
      const target = now + ms;
      let fired = 0;
      while (fireNext(target)) checkLoop(++fired);
      now = Math.max(now, target);
    },

    async advanceAsync(ms) {
      assertStep(ms);
      const target = now + ms;
      let fired = 0;
      await settle();
      while (fireNext(target)) {
        checkLoop(++fired);
        await settle();
      }
      now = Math.max(now, target);
    },

    pendingTimers: () => timers.size,

    set(ms) {
      assertFinite('ms', ms);
      now = ms;
    },
  };
}

/** Resolves after every queued microtask and the current round of `setImmediate` callbacks. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function assertStep(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`advance expects a finite, non-negative number of ms, got ${ms}`);
  }
}

function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of epoch ms, got ${value}`);
  }
}
