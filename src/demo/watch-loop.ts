/**
 * The real-time part of the watcher: one request per interval, never two at once, so the
 * transcript is in request order. A request slower than the interval delays the next one
 * instead of causing a burst to catch up.
 */
import type { ChatProbe } from './chat-probe.ts';
import type { RequestOutcome } from './watcher.ts';

export interface WatchLoopOptions {
  /** Time between the starts of two requests, in ms. */
  readonly intervalMs: number;
  /** Stops once this long has passed since the first request, in ms. Default: until aborted. */
  readonly durationMs?: number;
  /** Stops the loop; an in-flight request is aborted and not reported. */
  readonly signal: AbortSignal;
  readonly send: ChatProbe;
  /** Runs before each request with the ms elapsed since the first (the demo's outage script). */
  readonly beforeRequest?: (elapsedMs: number) => Promise<void>;
  readonly onOutcome: (outcome: RequestOutcome, elapsedMs: number) => void;
}

export async function runWatchLoop(options: WatchLoopOptions): Promise<void> {
  const { intervalMs, durationMs, signal } = options;
  const start = performance.now();
  let due = start;
  while (!signal.aborted) {
    await sleep(due - performance.now(), signal);
    const elapsed = performance.now() - start;
    if (signal.aborted || (durationMs !== undefined && elapsed >= durationMs)) return;
    await options.beforeRequest?.(elapsed);
    const outcome = await options.send(signal);
    if (outcome !== undefined && !signal.aborted) {
      options.onOutcome(outcome, performance.now() - start);
    }
    due = Math.max(due + intervalMs, performance.now());
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
