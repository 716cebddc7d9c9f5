import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * One signal per client connection, not per request: it fires when the connection closes.
 * HTTP/1.1 has no way to cancel one response but to close its connection, and a connection
 * carries one request at a time (pipelined ones queue behind it), so "the connection closed"
 * is exactly "every request still running on it lost its client". Sharing the signal saves an
 * AbortController, a listener and a closure per request (~5 µs, see docs/performance.md); the
 * price is that everything listening to it must detach when its request is done, which every
 * listener in the router does (AttemptDeadline.dispose, delay, the slot queue).
 */
const signals = new WeakMap<Socket, AbortSignal>();

function clientGone(): DOMException {
  return new DOMException('The client closed the connection', 'AbortError');
}

/** The signal that aborts when the client of `response` goes away. */
export function clientAbortSignal(response: ServerResponse): AbortSignal {
  const socket = response.socket;
  // Detached already: the connection closed before the handler ran.
  if (socket === null || socket.destroyed) return AbortSignal.abort(clientGone());
  let signal = signals.get(socket);
  if (signal === undefined) {
    const controller = new AbortController();
    socket.once('close', () => controller.abort(clientGone()));
    signal = controller.signal;
    signals.set(socket, signal);
  }
  return signal;
}
