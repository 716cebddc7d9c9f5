import type { CancelSignal } from '../../core/cancellation.ts';
import type { HttpCall } from '../provider.ts';

/**
 * An upstream answer whose status and headers have arrived. The body is read exactly once,
 * through one of `body`, `text`, `dump`, `discard` or `abort`; `body` may be read first and
 * then left to `discard` or `abort`.
 */
export interface HttpResponse {
  readonly status: number;
  /** Response headers, lower-case names, first value of repeated headers. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * One header of `headers`, by lower-case name, for a response that can read it without
   * building them all (the HTTP transport decodes headers as they are read). Optional.
   */
  header?(name: string): string | undefined;
  /** The headers of `headers` whose names `keep` accepts, likewise. Optional. */
  pickHeaders?(keep: (name: string) => boolean): Record<string, string>;
  /**
   * The raw body. Socket failures surface as `GatewayError('APIConnectionError')`, an abort as
   * the signal's reason. Leaving the loop early closes the connection.
   */
  readonly body: AsyncIterable<Uint8Array>;
  /** The body as UTF-8 text, cut after `limitBytes` bytes (default: unlimited). */
  text(limitBytes?: number): Promise<string>;
  /**
   * Discards the rest of the body so a small remainder lets the connection go back to the
   * pool; a large one closes it. A stalled one is waited for until the request's signal
   * aborts (discard() bounds the wait itself). Never rejects.
   */
  dump(): Promise<void>;
  /**
   * dump() for a caller that does not wait: the rest of the body is dropped as it comes, and
   * the connection is cut if the body has not ended within `lingerMs`.
   */
  discard(lingerMs: number): void;
  /** Closes the connection at once, dropping whatever is left (a consumer that stopped early). */
  abort(): void;
}

/**
 * The only way providers reach the network. One implementation opens sockets
 * (createHttpTransport); tests and in-process upstreams may supply their own.
 */
export interface Transport {
  /**
   * Sends `call` and resolves when the status and headers arrived. Rejects with
   * `GatewayError('APIConnectionError')` when the upstream cannot be reached, and with
   * `signal.reason` when the signal aborts (a router Timeout stays that Timeout).
   */
  request(call: HttpCall, signal: CancelSignal): Promise<HttpResponse>;
  /** Closes every pooled connection; in-flight requests finish first. */
  close(): Promise<void>;
}
