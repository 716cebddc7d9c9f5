import type { FakeClock } from '../../src/testing/index.ts';

/**
 * Moves a fake clock forward in `stepMs` steps until `done()` holds, letting real I/O (the
 * gateway talking to a mock upstream over loopback) run between steps. For waits whose exact
 * length is jittered (retry backoff): the test asserts the outcome, never a real sleep.
 * Throws once `maxMs` of fake time has passed without `done()`.
 */
export async function advanceUntil(
  clock: FakeClock,
  done: () => boolean,
  options: { stepMs?: number; maxMs?: number } = {},
): Promise<void> {
  const stepMs = options.stepMs ?? 100;
  const maxMs = options.maxMs ?? 30_000;
  let advanced = 0;
  while (!done()) {
    if (advanced >= maxMs) throw new Error(`condition not met within ${maxMs} ms of fake time`);
    await clock.advanceAsync(stepMs);
    advanced += stepMs;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
