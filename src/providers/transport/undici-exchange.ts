import type { Dispatcher } from 'undici';
import type { TakeBuffered } from '../../core/buffered-iterator.ts';
import type { CancelSignal } from '../../core/cancellation.ts';
import { NO_RAW_HEADERS, RawHeaders } from './raw-headers.ts';
import type { HttpResponse } from './transport.ts';

/** Body bytes held for a reader that is behind before the upstream socket is paused. */
export const HIGH_WATER_BYTES = 64 * 1024;
/** Most bytes dump() reads and drops to keep a connection; past it the connection is cut. */
export const DUMP_LIMIT_BYTES = 128 * 1024;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * What the body is read for: chunk by chunk through `body` (also before anyone reads it),
 * collected by text(), discarded by dump() or discard(), or nothing more (cut, or read to the cap).
 */
type Reader = 'chunks' | 'text' | 'discard' | 'closed';

/** A read waiting for the upstream (the body's next(), text() or dump()). */
interface Waiter {
  resolve(value: never): void;
  reject(error: unknown): void;
}

/**
 * One upstream call, as undici's dispatch handler and as the HttpResponse it answers with.
 *
 * undici's `request()` wraps every answer in a Node Readable with an AsyncResource, an abort
 * listener of its own, and a `for await` over it runs Node's async generator: several promises
 * and a stream state machine per read, per chunk of a stream. Here undici's callbacks feed one
 * queue, and a read is one promise, or none when the chunk is already queued (TakeBuffered).
 * Back-pressure is undici's own: a full queue pauses the socket, the reader resumes it.
 *
 * `map(error)` turns undici's errors (and an aborted signal) into the transport's; the signal's
 * listener is removed as soon as the answer is complete, failed or cut.
 */
export class UndiciExchange
  implements
    Dispatcher.DispatchHandler,
    HttpResponse,
    AsyncIterator<Uint8Array>,
    TakeBuffered<Uint8Array>
{
  status = 0;
  /** Until the status line and headers arrive (an exchange is handed out only after), none. */
  private raw: RawHeaders = NO_RAW_HEADERS;

  private answered: Waiter | undefined;
  private cut: ((reason?: Error) => void) | undefined;
  private resumeSocket: (() => void) | undefined;
  private paused = false;
  private reader: Reader = 'chunks';
  // Emptied by replacing it: setting an array's length goes through a V8 runtime call (~700
  // instructions per stream), a new empty array costs a few.
  private chunks: Buffer[] = [];
  private head = 0;
  private queuedBytes = 0;
  private ended = false;
  private failure: Error | undefined;
  private waiter: Waiter | undefined;
  /** discard()'s bound on waiting for the end of the body. */
  private lingerTimer: NodeJS.Timeout | undefined;
  /** text()'s byte cap, or -1 for the whole body. */
  private textLimit = -1;
  private readonly onAbort = (): void => {
    this.cut?.(this.signal.reason as Error);
  };

  constructor(
    private readonly signal: CancelSignal,
    private readonly map: (error: unknown) => Error,
    answered: Waiter,
  ) {
    this.answered = answered;
    signal.addEventListener('abort', this.onAbort);
  }

  // undici's handler: called by the client, in order.

  onConnect(abort: (reason?: Error) => void): void {
    if (this.signal.aborted) abort(this.signal.reason as Error);
    else this.cut = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx informational answers come before the real one.
    if (status < 200) return true;
    this.status = status;
    this.raw = new RawHeaders(rawHeaders);
    this.resumeSocket = resume;
    const answered = this.answered;
    this.answered = undefined;
    answered?.resolve(this as never);
    return true;
  }

  onData(chunk: Buffer): boolean {
    switch (this.reader) {
      case 'closed':
        return true;
      case 'discard':
        this.queuedBytes += chunk.byteLength;
        if (this.queuedBytes > DUMP_LIMIT_BYTES) this.close(true);
        return true;
      case 'text':
        return this.collect(chunk);
      default: {
        const waiter = this.waiter;
        if (waiter !== undefined) {
          this.waiter = undefined;
          waiter.resolve({ done: false, value: chunk } as never);
          return true;
        }
        this.chunks.push(chunk);
        this.queuedBytes += chunk.byteLength;
        if (this.queuedBytes < HIGH_WATER_BYTES) return true;
        this.paused = true;
        return false;
      }
    }
  }

  onComplete(): void {
    this.ended = true;
    this.release();
    const waiter = this.waiter;
    if (waiter === undefined) return;
    this.waiter = undefined;
    if (this.reader === 'text') waiter.resolve(this.collectedText() as never);
    else if (this.reader === 'chunks') waiter.resolve(DONE as never);
    else waiter.resolve(undefined as never);
  }

  onError(error: Error): void {
    this.release();
    const answered = this.answered;
    if (answered !== undefined) {
      this.answered = undefined;
      answered.reject(this.map(error));
      return;
    }
    if (this.reader === 'closed' || this.ended) return;
    const failure = this.map(error);
    this.failure = failure;
    // As with a destroyed stream, what was queued is not handed out after a failure.
    this.dropQueue();
    const waiter = this.waiter;
    if (waiter === undefined) return;
    this.waiter = undefined;
    // dump() never rejects: a failure while discarding changes nothing for anyone.
    if (this.reader === 'discard') waiter.resolve(undefined as never);
    else waiter.reject(failure);
  }

  // The HttpResponse.

  get headers(): Readonly<Record<string, string>> {
    return this.raw.all();
  }

  header(name: string): string | undefined {
    return this.raw.get(name);
  }

  pickHeaders(keep: (name: string) => boolean): Record<string, string> {
    return this.raw.pick(keep);
  }

  get body(): AsyncIterable<Uint8Array> {
    return this;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.takeBuffered();
    if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended || this.reader === 'closed') return Promise.resolve(DONE);
    return this.wait();
  }

  takeBuffered(): Buffer | undefined {
    if (this.head === this.chunks.length) return undefined;
    const chunk = this.chunks[this.head++]!;
    this.queuedBytes -= chunk.byteLength;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
      this.resume();
    }
    return chunk;
  }

  /** Leaving the loop early cuts the connection. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.abort();
    return Promise.resolve(DONE);
  }

  text(limitBytes?: number): Promise<string> {
    this.reader = 'text';
    this.textLimit = limitBytes ?? -1;
    // What arrived before text() was called counts towards the body and the cap.
    if (this.textLimit >= 0 && this.queuedBytes > this.textLimit) {
      const text = this.collectedText();
      this.close(true);
      return Promise.resolve(text);
    }
    this.resume();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(this.collectedText());
    return this.wait();
  }

  dump(): Promise<void> {
    if (!this.startDiscarding()) return Promise.resolve();
    return this.wait();
  }

  discard(lingerMs: number): void {
    if (!this.startDiscarding()) return;
    this.lingerTimer = setTimeout(() => this.close(true), lingerMs);
    // A lingering upstream never keeps the process alive.
    this.lingerTimer.unref();
  }

  abort(): void {
    if (this.reader === 'closed') return;
    this.close(!this.ended && this.failure === undefined);
  }

  // Inside.

  /** text()'s collector; it never pauses the socket (text() reads the whole body). */
  private collect(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.queuedBytes += chunk.byteLength;
    // Past the cap (a body of exactly the cap's size may still end on its own): nobody reads
    // further, and the rest of the body is cut.
    if (this.textLimit >= 0 && this.queuedBytes > this.textLimit) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.resolve(this.collectedText() as never);
      this.close(true);
    }
    return true;
  }

  /** The collected body as UTF-8, cut at text()'s cap; the chunks are let go. */
  private collectedText(): string {
    const chunks = this.chunks.slice(this.head);
    let bytes = this.queuedBytes;
    this.dropQueue();
    if (this.textLimit >= 0 && bytes > this.textLimit) bytes = this.textLimit;
    if (chunks.length === 1) return chunks[0]!.toString('utf8', 0, bytes);
    return Buffer.concat(chunks, bytes).toString('utf8');
  }

  /** No more reading: the queue is dropped and, if the body is still coming, it is cut. */
  private close(cutConnection: boolean): void {
    const reader = this.reader;
    this.reader = 'closed';
    this.dropQueue();
    this.release();
    // A read still waiting ends as the body would have: no more chunks, dump() done.
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve((reader === 'chunks' ? DONE : undefined) as never);
    if (cutConnection) this.cut?.(new Error('upstream body no longer read'));
  }

  /** Switches to dropping the rest of the body; false when nothing more is coming. */
  private startDiscarding(): boolean {
    if (this.ended || this.failure !== undefined || this.reader === 'closed') return false;
    this.reader = 'discard';
    // From here on queuedBytes counts what is dropped, against DUMP_LIMIT_BYTES.
    this.dropQueue();
    this.resume();
    return true;
  }

  /** A read that waits for undici's next callback: the only waiter there is at a time. */
  private wait<T>(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private dropQueue(): void {
    this.chunks = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumeSocket?.();
  }

  /** The signal and the linger timer are no longer needed: the answer is complete, failed or cut. */
  private release(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.lingerTimer !== undefined) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
  }
}
