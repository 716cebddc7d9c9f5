import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Cancellation, type CancelSignal } from '../core/cancellation.ts';

/**
 * One signal per client connection, not per request: it fires when the connection closes.
 * HTTP/1.1 has no way to cancel one response but to close its connection, and a connection
 * carries one request at a time (pipelined ones queue behind it), so "the connection closed"
 * is exactly "every request still running on it lost its client". Sharing the signal saves an
 * AbortController, a listener and a closure per request (~5 µs, see docs/performance.md); the
 * price is that everything listening to it must detach when its request is done, which every
 * listener in the router does (AttemptDeadline.dispose, delay, the slot queue).
 *
 * A Cancellation rather than an AbortController: Node's AbortSignal is an EventTarget, and a
 * client that opens a connection per request paid for one every request, with the garbage it
 * leaves (~7 % of such a request's CPU, measured side by side with `connection: close`).
 */
const signals = new WeakMap<Socket, CancelSignal>();

function clientGone(): DOMException {
  return new DOMException('The client closed the connection', 'AbortError');
}

/** The signal that aborts when the client of `response` goes away. */
export function clientAbortSignal(response: ServerResponse): CancelSignal {
  const socket = response.socket;
  // Detached already: the connection closed before the handler ran.
  if (socket === null || socket.destroyed) return closedAlready();
  let signal = signals.get(socket);
  if (signal === undefined) {
    const cancellation = new Cancellation();
    // The reason is built only if a request is still there to read it (Cancellation.abortLazily).
    socket.once('close', () => cancellation.abortLazily(clientGone));
    signals.set(socket, cancellation);
    signal = cancellation;
  }
  return signal;
}

function closedAlready(): CancelSignal {
  const cancellation = new Cancellation();
  cancellation.abortLazily(clientGone);
  return cancellation;
}
