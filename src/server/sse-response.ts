import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { Clock } from '../core/clock.ts';
import type { MaybeBuffered } from '../core/buffered-iterator.ts';
import type { StreamChunk } from '../core/openai-types.ts';
import { wireEventsOf } from '../core/source-text.ts';
import { formatSseData, SSE_DONE } from '../providers/transport/sse.ts';
import type { RouterStream } from '../router/types.ts';
import { describeError, errorBody } from './error-response.ts';
import { addMetaHeaders, addUpstreamHeaders, type HeaderList } from './response-headers.ts';

/** Text waiting for the end of the turn that is written at once (UTF-16 units, ~bytes). */
const FLUSH_CHARS = 16 * 1024;

export interface SseResponseOptions {
  /** Epoch ms when the stream was committed; the duration headers are measured to it. */
  readonly now: number;
  readonly log: FastifyBaseLogger;
  /** The server is draining: the connection closes after this stream (ServerLifecycle). */
  readonly closing: boolean;
  /** Times the wait for a client that has stopped reading. */
  readonly clock: Clock;
  /**
   * How long the client may leave what is queued for it untaken (a write's worth beyond what
   * the network holds) before its connection is closed, as nginx's `send_timeout` does: a
   * client that stops reading holds its upstream stream up by back-pressure, and is not to
   * keep it forever. It is then treated as gone (no verdict on the deployment).
   */
  readonly clientStallTimeoutMs: number;
}

/**
 * Writes a committed stream as server-sent events: one `data: <json>` event per chunk, then
 * `data: [DONE]`. A failure after the first byte cannot be retried any more, so it ends the
 * stream with an error event and no `[DONE]`, never a clean close. Writes respect backpressure;
 * a client that leaves stops the iteration (the iterator's `return()` releases the upstream).
 * Never throws: once the response is hijacked, fastify's error handler can no longer answer.
 */
export async function writeSseResponse(
  reply: FastifyReply,
  stream: RouterStream,
  options: SseResponseOptions,
): Promise<void> {
  reply.hijack();
  const response = reply.raw;
  if (!response.destroyed) {
    response.writeHead(200, sseHeaders(stream, options.now, options.closing));
  }
  // Chunks that arrive together (one upstream read usually carries several events) leave as one
  // piece of text in one write, when no more is ready (before the wait for the upstream, or
  // with the terminator), rather than a write each: each write of a chunked response costs its
  // own framing and buffer entries. Nothing waits: the text leaves in the same event-loop turn
  // it would have anyway.
  let pending = '';
  // Events forwarded as they came are held as their bytes in a latin1 string (wireEventsOf) and
  // written as latin1: no UTF-8 encoding of them. Text of either kind waits in `pending` only
  // with its own kind; the terminator is ASCII, the same in both.
  let encoding: 'utf8' | 'latin1' = 'utf8';
  let full = false;
  const flush = (): void => {
    if (pending === '' || response.destroyed) return;
    const text = pending;
    pending = '';
    if (!response.write(text, encoding)) full = true;
  };
  const chunks: MaybeBuffered<StreamChunk> = stream[Symbol.asyncIterator]();
  // Whether leaving the loop must stop the iterator (as for-await does on a break): not once it
  // ended or threw.
  let open = true;
  try {
    for (;;) {
      // The chunks one upstream read brought come without a promise each; only when none is
      // ready is the next one awaited.
      let chunk = chunks.takeBuffered?.();
      if (chunk === undefined) {
        // Likewise the end, when the last read brought it.
        if (chunks.takeEnd?.() === true) {
          open = false;
          break;
        }
        // Nothing more is ready: what came leaves now, before the wait for the upstream.
        flush();
        // The client is slower than the upstream: wait for it before taking more.
        if (full) {
          full = false;
          if (!(await drained(response, options.clock, options.clientStallTimeoutMs))) break;
          continue;
        }
        let result: IteratorResult<StreamChunk>;
        try {
          result = await chunks.next();
        } catch (error) {
          open = false;
          throw error;
        }
        if (result.done === true) {
          open = false;
          break;
        }
        chunk = result.value;
      }
      if (response.destroyed) break;
      const wire = wireEventsOf(chunk);
      const kind = wire === undefined ? 'utf8' : 'latin1';
      if (kind !== encoding) {
        flush();
        encoding = kind;
      }
      pending += wire ?? formatSseData(chunk);
      // A burst (an upstream that is faster than its reader can write) goes out now, so the
      // text waiting stays small and the client's pace is checked as it grows.
      if (pending.length >= FLUSH_CHARS) flush();
      if (full) {
        full = false;
        if (!(await drained(response, options.clock, options.clientStallTimeoutMs))) break;
      }
    }
    // Stopping early cancels the upstream.
    if (open) {
      open = false;
      await chunks.return?.();
    }
    // Whatever is still waiting leaves with the terminator, in the same write.
    if (!response.destroyed) response.end(pending + SSE_DONE, encoding);
    pending = '';
  } catch (error) {
    if (open) await chunks.return?.().catch(() => undefined);
    flush();
    endWithError(response, error, options);
  }
}

function sseHeaders(stream: RouterStream, now: number, closing: boolean): HeaderList {
  const headers: HeaderList = [
    'content-type',
    'text/event-stream',
    'cache-control',
    'no-cache',
    // Tells nginx-style proxies not to buffer the stream.
    'x-accel-buffering',
    'no',
  ];
  // Otherwise Node writes `Connection: keep-alive` itself, as for JSON answers (and knows better:
  // an HTTP/1.0 client, a connection at its request limit), without validating one more header.
  if (closing) headers.push('connection', 'close');
  addMetaHeaders(headers, stream.meta, now);
  addUpstreamHeaders(headers, stream.upstreamHeaders);
  return headers;
}

function endWithError(response: ServerResponse, error: unknown, options: SseResponseOptions): void {
  const described = describeError(error);
  if (response.destroyed) {
    // The client left; the engine's error is the echo of our own abort.
    options.log.debug({ err: error }, 'stream ended after the client disconnected');
    return;
  }
  if (described.internal) options.log.error({ err: error }, 'stream failed inside the gateway');
  response.end(formatSseData(errorBody(described)));
}

/**
 * Resolves true once the client has taken the buffered data, false if it left first or had not
 * taken it within `stallMs` (its connection is then closed).
 */
function drained(response: ServerResponse, clock: Clock, stallMs: number): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    // Closing the connection fires 'close' below, and the client's abort signal with it.
    const cancelStall = clock.setTimer(() => response.destroy(), stallMs);
    const onDrain = (): void => {
      cancelStall();
      response.off('close', onClose);
      resolve(true);
    };
    const onClose = (): void => {
      cancelStall();
      response.off('drain', onDrain);
      resolve(false);
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
