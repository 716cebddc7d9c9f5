import type { Clock } from './clock.ts';

/** A signal that aborts on the parent's abort or after `timeoutMs`, whichever comes first. */
export interface DeadlineSignal {
  readonly signal: AbortSignal;
  /** Cancels the timer and detaches from the parent; call when the work is done. */
  dispose(): void;
  /**
   * Restarts the timer with a new budget, and optionally a new error for when it fires (a
   * stream's first-chunk deadline becomes its idle deadline this way).
   */
  reset(timeoutMs: number, makeTimeoutError?: () => Error): void;
}

/**
 * Links an attempt to its caller: the client going away aborts it with the client's reason,
 * the deadline aborts it with `makeTimeoutError()` so the provider rethrows a Timeout, not a
 * generic abort. The timer runs on the injected clock so tests drive it without sleeping.
 */
export function createDeadlineSignal(
  clock: Clock,
  timeoutMs: number,
  makeTimeoutError: () => Error,
  parent?: AbortSignal,
): DeadlineSignal {
  let makeError = makeTimeoutError;
  const controller = new AbortController();
  let cancelTimer = startTimer(timeoutMs);
  const onParentAbort = (): void => {
    cancelTimer();
    controller.abort(parent?.reason);
  };
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });

  function startTimer(ms: number): () => void {
    return clock.setTimer(() => controller.abort(makeError()), ms);
  }

  return {
    signal: controller.signal,
    dispose() {
      cancelTimer();
      parent?.removeEventListener('abort', onParentAbort);
    },
    reset(ms, nextMakeError) {
      cancelTimer();
      if (nextMakeError) makeError = nextMakeError;
      if (!controller.signal.aborted) cancelTimer = startTimer(ms);
    },
  };
}
