import type { DeadlineSignal } from '../core/abort.ts';
import type { StreamChunk } from '../core/openai-types.ts';
import type { ProviderStream, UpstreamHeaders } from '../providers/provider.ts';

/**
 * A stream past its commit point. The first chunk is already in hand (or the upstream sent an
 * empty stream); iterating yields it, then the rest, restarting the idle deadline after each
 * chunk. A stall aborts the upstream call with the idle Timeout error, which the iterator
 * throws; breaking out early releases the upstream connection and the timer.
 */
export interface StreamSession extends AsyncIterable<StreamChunk> {
  readonly upstreamHeaders: UpstreamHeaders;
}

export async function openStreamSession(
  stream: ProviderStream,
  deadline: DeadlineSignal,
  idleTimeoutMs: number,
  makeIdleError: () => Error,
): Promise<StreamSession> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  deadline.reset(idleTimeoutMs, makeIdleError);
  let consumed = false;

  async function* chunks(): AsyncGenerator<StreamChunk> {
    let finished = false;
    try {
      if (first.done) {
        finished = true;
        return;
      }
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          return;
        }
        deadline.reset(idleTimeoutMs);
        yield next.value;
      }
    } finally {
      deadline.dispose();
      if (!finished) await iterator.return?.();
    }
  }

  return {
    upstreamHeaders: stream.headers,
    [Symbol.asyncIterator]() {
      if (consumed) throw new Error('a stream session can be iterated once');
      consumed = true;
      return chunks();
    },
  };
}
