import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { formatSseData, SSE_DONE } from '../providers/transport/sse.ts';
import type { RouterStream } from '../router/types.ts';
import { describeError, errorBody } from './error-response.ts';
import { addMetaHeaders, addUpstreamHeaders, type HeaderBag } from './response-headers.ts';

export interface SseResponseOptions {
  /** Epoch ms when the stream was committed; the duration headers are measured to it. */
  readonly now: number;
  readonly log: FastifyBaseLogger;
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
  if (!response.destroyed) response.writeHead(200, sseHeaders(stream, options.now));
  // Chunks that arrive together (one upstream read usually carries several events) leave in one
  // socket write rather than one each: the response is corked on the first chunk of a turn and
  // uncorked once the turn's microtasks have run. Nothing waits: the write happens in the same
  // event-loop turn it would have anyway.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    response.uncork();
  };
  try {
    // `break` makes for-await call the iterator's return(), which cancels the upstream.
    for await (const chunk of stream) {
      if (response.destroyed) break;
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(formatSseData(chunk)) && !(await drained(response))) break;
    }
    if (!response.destroyed) response.end(SSE_DONE);
  } catch (error) {
    endWithError(response, error, options);
  }
}

function sseHeaders(stream: RouterStream, now: number): HeaderBag {
  const headers: HeaderBag = {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // Tells nginx-style proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  };
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

/** Resolves true once the client has taken the buffered data, false if it left first. */
function drained(response: ServerResponse): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = (): void => {
      response.off('close', onClose);
      resolve(true);
    };
    const onClose = (): void => {
      response.off('drain', onDrain);
      resolve(false);
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
