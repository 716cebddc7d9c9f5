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
 * A stream's idle deadline bounds how long the gateway waits for the upstream's next chunk. It
 * counts only while someone waits (`waitStarted()` to `waitEnded()`): a consumer that is slow to
 * pull (a client that reads slowly, so back-pressure pauses the upstream) is not an idle
 * upstream, and a stall it caused must not be blamed on the deployment. The timer is not
 * re-armed per wait (a clearTimeout + setTimeout per read was a measurable share of a stream's
 * cost): when it fires it checks whether a wait is on and how long it has lasted, and otherwise
 * sleeps for the rest of the budget. The abort happens exactly `idleMs` into a wait.
 */
export class AttemptDeadline {
  private readonly cancellation = new Cancellation();
  private cancelTimer: (() => void) | undefined;
  /** When the armed timer fires (epoch ms); meaningful while `cancelTimer` is set. */
  private firesAt = 0;
  private budgetMs: number;
  /** When the current wait for the upstream began (epoch ms); meaningful while `waiting`. */
  private waitingSince = 0;
  private waiting = false;
  /** True once the sliding (idle) mode is on: a firing timer then checks for a wait. */
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
   * Switches to an idle deadline of `idleMs` (a stream past its first chunk): from now on only
   * waits for the upstream count, and one lasting `idleMs` aborts with `makeError()`.
   */
  startIdle(idleMs: number, makeError: () => Error): void {
    this.makeError = makeError;
    this.budgetMs = idleMs;
    this.sliding = true;
    const now = this.clock.now();
    // A timer that fires within the idle budget anyway (the first-chunk deadline is usually
    // shorter) is kept: when it fires it sleeps for whatever is left of the budget. That saves
    // a clearTimeout and a setTimeout per stream.
    if (this.cancelTimer !== undefined && this.firesAt <= now + idleMs) return;
    this.stopTimer();
    if (!this.cancellation.aborted) this.arm(idleMs);
  }

  /** The consumer waits for the upstream's next chunk: the idle deadline counts from now. */
  waitStarted(): void {
    this.waiting = true;
    this.waitingSince = this.clock.now();
  }

  /** The upstream answered the wait (a chunk, its end or a failure). */
  waitEnded(): void {
    this.waiting = false;
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
      // Nobody is waiting on the upstream: whatever holds the stream up is not the upstream.
      if (!this.waiting) {
        this.arm(this.budgetMs);
        return;
      }
      const waitedMs = this.clock.now() - this.waitingSince;
      if (waitedMs < this.budgetMs) {
        this.arm(this.budgetMs - waitedMs);
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
