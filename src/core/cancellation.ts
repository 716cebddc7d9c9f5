/**
 * What the HTTP transport needs of a cancellation signal: AbortSignal has it, and so has the
 * lighter Cancellation below. undici accepts either (it only adds and removes one listener).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * The reason `signal` aborted with, typed as the Error it always is here: the gateway aborts
 * with a GatewayError, and a client that left with a DOMException.
 */
export function abortReason(signal: CancelSignal): Error {
  return signal.reason as Error;
}

/**
 * An AbortController for one upstream attempt, at a fraction of the cost: Node's AbortSignal is
 * an EventTarget (~3-4 µs to create, ~1-2 µs per listener added or removed), made for every
 * attempt only to be dropped unused almost every time. This is a plain object with a listener
 * list; a real AbortSignal is made only when someone asks for `signal` (a provider that hands
 * it to fetch, say), and it follows this one.
 *
 * As with AbortSignal: aborting twice keeps the first reason, listeners run once, and a
 * listener added after the abort is never called (check `aborted` first).
 */
export class Cancellation implements CancelSignal {
  aborted = false;
  #reason: unknown = undefined;
  /** Builds the reason of an abortLazily(), on its first read. */
  #makeReason: (() => unknown) | undefined;
  private listeners: (() => void)[] | undefined;
  private controller: AbortController | undefined;

  get reason(): unknown {
    const make = this.#makeReason;
    if (make !== undefined) {
      this.#makeReason = undefined;
      this.#reason = make();
    }
    return this.#reason;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.#reason = reason;
    this.#finishAbort();
  }

  /**
   * Aborts with the reason `makeReason` builds, built only when something reads `reason`. For
   * reasons that are costly to make and usually unread: a DOMException captures a stack trace
   * (~5 µs), and a client connection that closes usually has no request left to tell.
   */
  abortLazily(makeReason: () => unknown): void {
    if (this.aborted) return;
    this.#makeReason = makeReason;
    this.#finishAbort();
  }

  #finishAbort(): void {
    this.aborted = true;
    if (this.controller !== undefined) this.controller.abort(this.reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.listeners;
    if (listeners === undefined) return;
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
  }

  /** A real AbortSignal that aborts with this, made on first use. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}
