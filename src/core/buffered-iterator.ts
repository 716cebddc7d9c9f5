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
}

/** The iterator's next item if it is ready now; undefined when `next()` must be awaited. */
export function takeBuffered<T>(iterator: AsyncIterator<T, unknown>): T | undefined {
  return (iterator as Partial<TakeBuffered<T>>).takeBuffered?.();
}
