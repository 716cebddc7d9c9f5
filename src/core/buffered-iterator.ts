/**
 * A stream's chunks pass through several iterator layers (framing, decoding, the idle deadline,
 * the supervisor) before the SSE writer. One upstream read usually carries several events, and
 * handing each of those through every layer's `await` costs a promise and a microtask per layer
 * per chunk, for values that are already in memory. An iterator that implements TakeBuffered
 * hands such a value over synchronously; its consumer awaits `next()` only when nothing is
 * ready.
 *
 * The contract: `takeBuffered()` returns an item only when `next()` would have resolved to that
 * same item at once. It returns undefined whenever the caller has to ask `next()` instead:
 * nothing buffered, the end of the stream, or an error to report. It never throws, and after it
 * returned undefined, `next()` behaves as if it had never been called. Only for iterators whose
 * items are never undefined themselves (chunks and events are objects).
 */
export interface TakeBuffered<T> {
  takeBuffered(): T | undefined;
  /**
   * The end, reported the same way: true only when nothing is left and `next()` would resolve
   * `done` at once, and then the end is handled exactly as `next()` would have handled it (so
   * `next()` resolves `done` afterwards). False whenever `next()` has to be asked: items left,
   * more to come, a failure to report. Never throws. Without it, a stream's end reached the
   * consumer through an `await` in every layer, after the last chunk had come synchronously.
   */
  takeEnd?(): boolean;
}

/**
 * An async iterator that may implement TakeBuffered. Callers ask it themselves
 * (`iterator.takeBuffered?.()`, undefined when it does not) rather than through a shared helper:
 * V8 keeps one inline cache per call site, and a helper called with every layer's iterator saw
 * more shapes than it caches, so each of its calls took the slow, megamorphic lookup
 * (callgrind: ~20 such lookups per stream).
 */
export type MaybeBuffered<T> = AsyncIterator<T, unknown> & Partial<TakeBuffered<T>>;
