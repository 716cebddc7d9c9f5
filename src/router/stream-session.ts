import type { MaybeBuffered, TakeBuffered } from '../core/buffered-iterator.ts';
import type { StreamChunk } from '../core/openai-types.ts';
import type { ProviderStream, UpstreamHeaders } from '../providers/provider.ts';
import type { AttemptDeadline } from './attempt-deadline.ts';

/**
 * A stream past its commit point. The first chunk is already in hand (or the upstream sent an
 * empty stream); iterating yields it, then the rest, each wait for the upstream bounded by the
 * idle deadline (a consumer slow to pull is not a wait). A stall aborts the upstream call with
 * the idle Timeout error, which the iterator throws; stopping early (`return()`) releases the
 * upstream connection and the timer.
 */
export interface StreamSession extends AsyncIterable<StreamChunk> {
  readonly upstreamHeaders: UpstreamHeaders;
}

/**
 * The session, once the first chunk is in hand. The first chunk has usually arrived with the
 * headers: then it is taken as it is and the session returned at once, without the promise
 * each layer below (and this function, were it async) would make for it.
 */
export function openStreamSession(
  stream: ProviderStream,
  deadline: AttemptDeadline,
  idleTimeoutMs: number,
  makeIdleError: () => Error,
): StreamSession | Promise<StreamSession> {
  const iterator: MaybeBuffered<StreamChunk> = stream[Symbol.asyncIterator]();
  const started = (first: IteratorResult<StreamChunk>): StreamSession => {
    deadline.startIdle(idleTimeoutMs, makeIdleError);
    return new Session(stream.headers, iterator, first, deadline);
  };
  const ready = iterator.takeBuffered?.();
  if (ready !== undefined) return started({ done: false, value: ready });
  return iterator.next().then(started);
}

/** A class, not a literal: a computed `[Symbol.asyncIterator]` key costs a runtime call. */
class Session implements StreamSession {
  private consumed = false;

  constructor(
    readonly upstreamHeaders: UpstreamHeaders,
    private readonly iterator: AsyncIterator<StreamChunk>,
    private readonly first: IteratorResult<StreamChunk>,
    private readonly deadline: AttemptDeadline,
  ) {}

  [Symbol.asyncIterator](): SessionIterator {
    if (this.consumed) throw new Error('a stream session can be iterated once');
    this.consumed = true;
    return new SessionIterator(this.iterator, this.first, this.deadline);
  }
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Hand-written rather than an async generator: a generator adds its own promise queue and
 * resumption to every chunk, and this layer only forwards. `next()` is never called again
 * before the previous call settled (for-await guarantees it), so no queue is needed.
 */
class SessionIterator implements AsyncIterator<StreamChunk, undefined>, TakeBuffered<StreamChunk> {
  private first: IteratorResult<StreamChunk> | undefined;
  private finished = false;

  constructor(
    private readonly upstream: MaybeBuffered<StreamChunk>,
    first: IteratorResult<StreamChunk>,
    private readonly deadline: AttemptDeadline,
  ) {
    this.first = first;
  }

  async next(): Promise<IteratorResult<StreamChunk, undefined>> {
    if (this.finished) return DONE;
    const first = this.first;
    if (first !== undefined) {
      this.first = undefined;
      if (first.done === true) return this.end();
      return first;
    }
    let result: IteratorResult<StreamChunk>;
    this.deadline.waitStarted();
    try {
      result = await this.upstream.next();
    } catch (error) {
      this.finished = true;
      this.deadline.dispose();
      // Usually a no-op (a provider's iterator that threw has let go already), but cheap
      // insurance that a failed stream never holds its connection.
      await this.upstream.return?.();
      throw error;
    }
    this.deadline.waitEnded();
    if (result.done === true) return this.end();
    return result;
  }

  takeBuffered(): StreamChunk | undefined {
    // The end and failures go through next().
    if (this.finished) return undefined;
    const first = this.first;
    if (first !== undefined) {
      if (first.done === true) return undefined;
      this.first = undefined;
      return first.value;
    }
    // Already read: no wait, so nothing for the idle deadline.
    return this.upstream.takeBuffered?.();
  }

  takeEnd(): boolean {
    if (this.finished) return true;
    const first = this.first;
    if (first !== undefined) {
      if (first.done !== true) return false;
      this.first = undefined;
    } else if (this.upstream.takeEnd?.() !== true) {
      return false;
    }
    this.end();
    return true;
  }

  async return(): Promise<IteratorResult<StreamChunk, undefined>> {
    if (this.finished) return DONE;
    this.finished = true;
    this.deadline.dispose();
    await this.upstream.return?.();
    return DONE;
  }

  private end(): IteratorReturnResult<undefined> {
    this.finished = true;
    this.deadline.dispose();
    return DONE;
  }
}
