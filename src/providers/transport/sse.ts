/**
 * The only server-sent-events parser and serializer in the codebase
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html). Parsing is delegated to
 * eventsource-parser, which handles events, fields and line endings split anywhere.
 */
import { StringDecoder } from 'node:string_decoder';
import { createParser } from 'eventsource-parser';
import type { MaybeBuffered, TakeBuffered } from '../../core/buffered-iterator.ts';
import type { EventSourceMessage, EventSourceParser } from 'eventsource-parser';
import { rememberSourceText, sourceTextOf, wireEventsOf } from '../../core/source-text.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { SseEvent } from '../provider.ts';

/**
 * Largest unterminated event buffered, in characters: a guard against an upstream that streams
 * one endless line. Far above any real chunk.
 */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** The stream terminator OpenAI-compatible servers and the gateway send. */
export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * One SSE `data` event carrying `json`: `data: <json>\n\n`. Serialised JSON never contains a
 * raw newline; a chunk's remembered source text is used only when it has none either (see
 * rememberStreamChunkText). A chunk made of whole events as they came (forwardedEvents) gives
 * their text. The gateway's writer sends such a chunk's bytes instead (wireEventsOf).
 */
export function formatSseData(json: unknown): string {
  const wire = wireEventsOf(json);
  if (wire !== undefined) return Buffer.from(wire, 'latin1').toString('utf8');
  return `data: ${sourceTextOf(json) ?? JSON.stringify(json)}\n\n`;
}

/**
 * Remembers the `data` text a stream chunk was parsed from, so formatSseData writes it as is.
 * Not when it spans lines: SSE allows one JSON object over several `data:` lines, and the
 * gateway's own event must stay on one.
 */
export function rememberStreamChunkText(chunk: object, data: string): void {
  if (data.includes('\n') || data.includes('\r')) return;
  rememberSourceText(chunk, data);
}

/**
 * The events of an SSE byte stream, in order. Bytes are decoded as a UTF-8 stream, so a
 * character split between network chunks survives. An event still unterminated when the body
 * ends is dropped, as the spec requires. Errors of `body` propagate unchanged. Stopping early
 * (`return()`) stops the body too.
 *
 * With `takesRun` (StreamDecoder.takesRun), a read that starts and ends on event boundaries and
 * that `takesRun` accepts is handed over whole, as one run event (SseEvent.run), unparsed: an
 * upstream in the gateway's own format is forwarded without framing each event apart and back.
 */
export function readSseEvents(
  body: AsyncIterable<Uint8Array>,
  takesRun?: (wire: string) => boolean,
): AsyncIterableIterator<SseEvent> & TakeBuffered<SseEvent> {
  return new SseEventIterator(body[Symbol.asyncIterator](), takesRun);
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Whether `bytes` end with `\n\n`: a blank line, the end of an event, and of a character. */
function endsWithBlankLine(bytes: Uint8Array): boolean {
  const length = bytes.length;
  return length >= 2 && bytes[length - 1] === 0x0a && bytes[length - 2] === 0x0a;
}

function latin1(bytes: Uint8Array): string {
  return (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ).toString('latin1');
}

/**
 * Hand-written rather than an async generator: one network read usually carries several events,
 * and every event but the first of a read is handed out from the queue without a single await.
 */
class SseEventIterator implements AsyncIterableIterator<SseEvent>, TakeBuffered<SseEvent> {
  // Emptied by replacing it, not by setting its length (a V8 runtime call; see UndiciExchange).
  private queue: SseEvent[] = [];
  private head = 0;
  private overflow = false;
  private ended = false;
  /** The parser holds nothing: what it was fed ended on an event boundary (or it was fed none). */
  private atBoundary = true;
  // StringDecoder rather than TextDecoder: the same handling of a character split between reads,
  // without opening an ICU converter per stream (measured: ~1.5 µs per stream, ~1 µs per read).
  private readonly decoder = new StringDecoder('utf8');
  /** Made for the first text that is not a run: a stream forwarded in runs never needs one. */
  private parser: EventSourceParser | undefined;

  constructor(
    private readonly body: MaybeBuffered<Uint8Array>,
    private readonly takesRun: ((wire: string) => boolean) | undefined,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<SseEvent, undefined>> {
    for (;;) {
      if (this.head < this.queue.length) return { done: false, value: this.take() };
      if (this.overflow) return this.failOverflow();
      if (this.ended) return DONE;
      // A read the body already holds is taken without waiting for a promise.
      const ready = this.body.takeBuffered?.();
      if (ready !== undefined) {
        this.feed(ready);
        continue;
      }
      const read = await this.body.next();
      if (read.done === true) {
        this.ended = true;
        const rest = this.decoder.end();
        if (rest !== '') this.parse(rest);
        continue;
      }
      this.feed(read.value);
    }
  }

  /**
   * An event ready now, without a promise (see TakeBuffered): one still queued from the last
   * read, or the first of a read the body already holds.
   */
  takeBuffered(): SseEvent | undefined {
    for (;;) {
      if (this.head < this.queue.length) return this.take();
      // The end and failures are next()'s to report.
      if (this.ended || this.overflow) return undefined;
      const ready = this.body.takeBuffered?.();
      if (ready === undefined) return undefined;
      this.feed(ready);
    }
  }

  private feed(bytes: Uint8Array): void {
    // A read of whole events (it ends with the blank line that closes one, and the parser holds
    // no part of an earlier one) may go to the decoder as it came. Read as latin1, one
    // character per byte: the run's text is its bytes, written back unchanged as latin1, with
    // no UTF-8 decoding on the way in nor encoding on the way out; the checks look for ASCII.
    const whole = endsWithBlankLine(bytes);
    if (whole && this.atBoundary && this.takesRun !== undefined) {
      const wire = latin1(bytes);
      if (this.takesRun(wire)) {
        this.queue.push({ event: undefined, data: wire, run: true });
        return;
      }
    }
    this.atBoundary = whole;
    const text = this.decoder.write(bytes);
    if (text !== '') this.parse(text);
  }

  private parse(text: string): void {
    this.parser ??= createParser({
      maxBufferSize: MAX_EVENT_CHARS,
      onEvent: (message: EventSourceMessage) => {
        this.queue.push({ event: message.event, data: message.data, run: false });
      },
      onError: (error) => {
        // Unknown fields and bad `retry:` values are ignored, as browsers do; only a runaway
        // buffer is fatal.
        if (error.type === 'max-buffer-size-exceeded') this.overflow = true;
      },
    });
    this.parser.feed(text);
  }

  /** A runaway event: the body is stopped and the stream fails. */
  private async failOverflow(): Promise<never> {
    this.ended = true;
    this.overflow = false;
    this.queue = [];
    this.head = 0;
    await this.body.return?.();
    throw new GatewayError(
      'BadGatewayError',
      `Upstream stream event exceeded ${MAX_EVENT_CHARS} characters`,
    );
  }

  async return(): Promise<IteratorResult<SseEvent, undefined>> {
    this.queue = [];
    this.head = 0;
    if (!this.ended) {
      this.ended = true;
      await this.body.return?.();
    }
    return DONE;
  }

  /** The next queued event; the queue is emptied, not shifted, once drained. */
  private take(): SseEvent {
    const event = this.queue[this.head++]!;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    return event;
  }
}
