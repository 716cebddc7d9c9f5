import { abortReason, type CancelSignal } from './cancellation.ts';

/**
 * Time is injected: cooldowns, windows, backoff and timeouts read a Clock, so tests move time
 * with a fake clock (src/testing/fake-clock.ts) instead of sleeping.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch (absolute deadlines are shared across instances). */
  now(): number;
  /**
   * Calls `callback` after `ms` milliseconds; returns a function that cancels it. A timer with
   * `background: true` does not keep the process alive (Node's `unref`): background work such
   * as a counter flush must never be the reason a process cannot exit.
   */
  setTimer(callback: () => void, ms: number, options?: TimerOptions): () => void;
}

export interface TimerOptions {
  /** The timer alone does not keep the process alive. Default false. */
  readonly background?: boolean;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms, options) {
    const handle = setTimeout(callback, ms);
    if (options?.background === true) handle.unref();
    return () => clearTimeout(handle);
  },
};

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first. */
export function delay(clock: Clock, ms: number, signal?: CancelSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      cancel();
      if (signal) reject(abortReason(signal));
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
