import { Cancellation, type CancelSignal } from '../core/cancellation.ts';
import type { Clock } from '../core/clock.ts';

/**
 * The deadlines waiting on each client signal, behind a single listener per signal. The
 * gateway's client signal belongs to a connection and outlives its requests, so listening per
 * attempt meant an addEventListener and a removeEventListener on it per attempt (EventTarget's
 * are ~1-2 µs each). An array rather than a Set: a connection carries one request at a time,
 * and a Set that goes from one entry to none shrinks its table through a V8 runtime call every
 * time (seen in perf as `Runtime_SetShrink` and a rehash per request); pushing onto an array
 * and swapping out the one removed stays in JIT code.
 */
const waiting = new WeakMap<CancelSignal, AttemptDeadline[]>();

/** Adds `deadline` to the ones waiting on `parent`; returns the list it is in. */
function watch(parent: CancelSignal, deadline: AttemptDeadline): AttemptDeadline[] {
  let deadlines = waiting.get(parent);
  if (deadlines === undefined) {
    const created: AttemptDeadline[] = [];
    parent.addEventListener(
      'abort',
      () => {
        // A copy: a deadline told that its client left may dispose of itself meanwhile.
        for (const each of created.splice(0)) each.clientGone();
      },
      { once: true },
    );
    waiting.set(parent, created);
    deadlines = created;
  }
  deadlines.push(deadline);
  return deadlines;
}

/** Takes `deadline` out of `deadlines`, order not kept. */
function unwatch(deadlines: AttemptDeadline[], deadline: AttemptDeadline): void {
  const at = deadlines.indexOf(deadline);
  if (at === -1) return;
  const last = deadlines.pop()!;
  if (at < deadlines.length) deadlines[at] = last;
}

/**
 * One attempt's cancellation: aborts when the client's signal does (with the client's reason)
 * or when its budget runs out (with the attempt's own Timeout error). One Cancellation (an
 * AbortSignal only on demand) and one timer per attempt, no per-attempt closures but the timer's.
 *
 * A stream's idle deadline is a sliding one: every chunk `touch()`es it, and the timer is not
 * re-armed per chunk (a clearTimeout + setTimeout per chunk was a measurable share of a
 * stream's cost). When the timer fires it checks how long ago the last chunk came and, if that
 * was within the budget, sleeps for the rest of it. Same outcome as re-arming on every chunk:
 * the abort happens exactly `idleMs` after the last chunk.
 */
export class AttemptDeadline {
  private readonly cancellation = new Cancellation();
  private cancelTimer: (() => void) | undefined;
  /** When the armed timer fires (epoch ms); meaningful while `cancelTimer` is set. */
  private firesAt = 0;
  private budgetMs: number;
  private lastActivity = 0;
  /** True once the sliding (idle) mode is on: a firing timer then checks for activity. */
  private sliding = false;
  /** The deadlines waiting on the same client signal, this one among them until disposed. */
  private siblings: AttemptDeadline[] | undefined;

  constructor(
    private readonly clock: Clock,
    timeoutMs: number,
    private makeError: () => Error,
    private readonly parent: CancelSignal | undefined,
  ) {
    this.budgetMs = timeoutMs;
    if (parent?.aborted) {
      this.cancellation.abort(parent.reason);
      return;
    }
    if (parent !== undefined) this.siblings = watch(parent, this);
    this.arm(timeoutMs);
  }

  /** The attempt's AbortSignal, made on first use: the HTTP transport takes `cancel` instead. */
  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  /** The attempt's cancellation, without an AbortSignal behind it unless `signal` was read. */
  get cancel(): CancelSignal {
    return this.cancellation;
  }

  /** The client went away: cancel at once with its reason. */
  clientGone(): void {
    this.stopTimer();
    this.cancellation.abort(this.parent?.reason);
  }

  /**
   * Switches to a sliding deadline of `idleMs` (a stream past its first chunk), timed from now;
   * a later timeout aborts with `makeError()`.
   */
  startIdle(idleMs: number, makeError: () => Error): void {
    this.makeError = makeError;
    this.budgetMs = idleMs;
    this.sliding = true;
    const now = this.clock.now();
    this.lastActivity = now;
    // A timer that fires within the idle budget anyway (the first-chunk deadline is usually
    // shorter) is kept: when it fires it sleeps for whatever is left of the budget. That saves
    // a clearTimeout and a setTimeout per stream.
    if (this.cancelTimer !== undefined && this.firesAt <= now + idleMs) return;
    this.stopTimer();
    if (!this.cancellation.aborted) this.arm(idleMs);
  }

  /** Something arrived: the sliding deadline counts from now. */
  touch(): void {
    this.lastActivity = this.clock.now();
  }

  /** Cancels the timer and detaches from the client's signal; call when the work is done. */
  dispose(): void {
    this.stopTimer();
    if (this.siblings !== undefined) {
      unwatch(this.siblings, this);
      this.siblings = undefined;
    }
  }

  private arm(ms: number): void {
    this.firesAt = this.clock.now() + ms;
    this.cancelTimer = this.clock.setTimer(() => this.fire(), ms);
  }

  private fire(): void {
    this.cancelTimer = undefined;
    if (this.sliding) {
      const quietMs = this.clock.now() - this.lastActivity;
      if (quietMs < this.budgetMs) {
        this.arm(this.budgetMs - quietMs);
        return;
      }
    }
    this.cancellation.abort(this.makeError());
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
