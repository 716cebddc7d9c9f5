import type { ServerResponse } from 'node:http';

/**
 * An AbortSignal that fires when the client goes away before its response was fully written,
 * so the engine cancels the upstream call at once. The response's `close` event is the one to
 * watch: the request's own `close` fires as soon as its body has been read.
 */
export function clientAbortSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) {
      controller.abort(new DOMException('The client closed the connection', 'AbortError'));
    }
  });
  return controller.signal;
}
