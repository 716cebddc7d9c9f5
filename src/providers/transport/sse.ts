/**
 * The only server-sent-events parser and serializer in the codebase
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html). Parsing is delegated to
 * eventsource-parser, which handles events, fields and line endings split anywhere.
 */
import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { SseEvent } from '../provider.ts';

/**
 * Largest unterminated event buffered, in characters: a guard against an upstream that streams
 * one endless line. Far above any real chunk.
 */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** The stream terminator OpenAI-compatible servers and the gateway send. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** One SSE `data` event carrying `json`: `data: <json>\n\n`. JSON never contains a raw newline. */
export function formatSseData(json: unknown): string {
  return `data: ${JSON.stringify(json)}\n\n`;
}

/**
 * The events of an SSE byte stream, in order. Bytes are decoded as a UTF-8 stream, so a
 * character split between network chunks survives. An event still unterminated when the body
 * ends is dropped, as the spec requires. Errors of `body` propagate unchanged.
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const queue: SseEvent[] = [];
  let overflow = false;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (message: EventSourceMessage) => {
      queue.push({ event: message.event, data: message.data });
    },
    onError: (error) => {
      // Unknown fields and bad `retry:` values are ignored, as browsers do; only a runaway
      // buffer is fatal.
      if (error.type === 'max-buffer-size-exceeded') overflow = true;
    },
  });
  const decoder = new TextDecoder();

  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (overflow) {
      throw new GatewayError(
        'BadGatewayError',
        `Upstream stream event exceeded ${MAX_EVENT_CHARS} characters`,
      );
    }
    // Index walk rather than shift(): a chunk can carry many events.
    for (let i = 0; i < queue.length; i++) yield queue[i]!;
    queue.length = 0;
  }
  parser.feed(decoder.decode());
  for (const event of queue) yield event;
}
