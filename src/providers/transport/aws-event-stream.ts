/**
 * AWS's binary event-stream framing (`application/vnd.amazon.eventstream`), as Bedrock's
 * ConverseStream and InvokeModelWithResponseStream answer: a sequence of self-delimiting
 * messages, each `[total length: u32][headers length: u32][prelude crc][headers][payload][crc]`
 * (https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream).
 * Decoding and CRC checks are @smithy/eventstream-codec's; this file only cuts the byte stream
 * into whole messages, which network chunks split and merge freely.
 */
import { createRequire } from 'node:module';
import type * as SmithyCodec from '@smithy/eventstream-codec';
import type { EventStreamCodec, Message, MessageHeaders } from '@smithy/eventstream-codec';
import type * as SmithyUtf8 from '@smithy/util-utf8';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { SseEvent } from '../provider.ts';

/** Bytes of the prelude that starts every message: total length, headers length, CRC. */
const PRELUDE_BYTES = 12;
/** The smallest valid message: a prelude and the trailing message CRC. */
const MIN_MESSAGE_BYTES = PRELUDE_BYTES + 4;
/**
 * Largest message accepted, in bytes: AWS caps event-stream messages at 16 MB; a larger length
 * means corrupt framing, not a big answer.
 */
export const MAX_EVENT_STREAM_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The event name a `:message-type: error` message (a protocol-level failure) is given. */
export const EVENT_STREAM_ERROR = 'error';

interface Codec {
  readonly codec: EventStreamCodec;
  readonly toUtf8: typeof SmithyUtf8.toUtf8;
  readonly fromUtf8: typeof SmithyUtf8.fromUtf8;
}

let loaded: Codec | undefined;

/**
 * The codec, loaded on first use: only Bedrock streams (and the mocks) need it, so a gateway
 * without Bedrock never loads @smithy/*. Both packages are CommonJS (`main` only, no
 * `exports`), so `require` gives the very module a static import would, synchronously, which
 * the synchronous encodeAwsEvent() needs.
 */
function smithy(): Codec {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    const { EventStreamCodec: Codec } = require('@smithy/eventstream-codec') as typeof SmithyCodec;
    const utf8 = require('@smithy/util-utf8') as typeof SmithyUtf8;
    loaded = {
      codec: new Codec(utf8.toUtf8, utf8.fromUtf8),
      toUtf8: utf8.toUtf8,
      fromUtf8: utf8.fromUtf8,
    };
  }
  return loaded;
}

/**
 * The messages of an AWS event stream as events: `event` is the `:event-type` header (e.g.
 * `contentBlockDelta`), or for an exception message the `:exception-type` header (e.g.
 * `throttlingException`); `data` is the payload as UTF-8 text. A `:message-type: error` message
 * becomes an `error` event whose data is `{"code": …, "message": …}` from its headers.
 * A corrupt message (bad length or CRC) or bytes left over when the body ends throw a
 * BadGatewayError; errors of `body` propagate unchanged.
 */
export async function* readAwsEventStream(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<SseEvent> {
  const { codec, toUtf8 } = smithy();
  let buffer: Uint8Array = new Uint8Array(0);
  for await (const chunk of body) {
    buffer = buffer.byteLength === 0 ? chunk : concat(buffer, chunk);
    let offset = 0;
    for (;;) {
      const length = messageLength(buffer, offset);
      if (length === undefined || buffer.byteLength - offset < length) break;
      yield toEvent(decode(codec, buffer.subarray(offset, offset + length)), toUtf8);
      offset += length;
    }
    // Keep only the unfinished tail; a copy, so the chunk it came from can be collected.
    buffer = offset === 0 ? buffer : buffer.slice(offset);
  }
  if (buffer.byteLength > 0) {
    throw new GatewayError(
      'BadGatewayError',
      `Upstream event stream ended inside a message (${buffer.byteLength} bytes left over)`,
    );
  }
}

/** The whole length of the message at `offset`, once its prelude has arrived. */
function messageLength(buffer: Uint8Array, offset: number): number | undefined {
  if (buffer.byteLength - offset < PRELUDE_BYTES) return undefined;
  const view = new DataView(buffer.buffer, buffer.byteOffset + offset, 4);
  const length = view.getUint32(0, false);
  if (length < MIN_MESSAGE_BYTES || length > MAX_EVENT_STREAM_MESSAGE_BYTES) {
    throw new GatewayError(
      'BadGatewayError',
      `Upstream event stream is corrupt: a message claims ${length} bytes`,
    );
  }
  return length;
}

function decode(codec: EventStreamCodec, bytes: Uint8Array): Message {
  try {
    return codec.decode(bytes);
  } catch (error) {
    throw new GatewayError(
      'BadGatewayError',
      `Upstream event stream is corrupt: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function toEvent(message: Message, toUtf8: Codec['toUtf8']): SseEvent {
  const { headers } = message;
  const type = header(headers, ':message-type') ?? 'event';
  if (type === 'error') {
    const code = header(headers, ':error-code') ?? 'UnknownError';
    const text = header(headers, ':error-message') ?? '';
    return { event: EVENT_STREAM_ERROR, data: JSON.stringify({ code, message: text }) };
  }
  const name = type === 'exception' ? ':exception-type' : ':event-type';
  return { event: header(headers, name), data: toUtf8(message.body) };
}

function header(headers: MessageHeaders, name: string): string | undefined {
  const value = headers[name];
  return value?.type === 'string' ? value.value : undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

/** One event-stream message as Bedrock writes it: for mocks and tests. */
export interface EventStreamMessage {
  /** `:message-type`. Default `event`. */
  readonly messageType?: 'event' | 'exception' | 'error';
  /** `:event-type`, `:exception-type` for an exception, `:error-code` for an error. */
  readonly type: string;
  /** The JSON payload; for an `error` message, its `:error-message` text. */
  readonly payload: unknown;
}

/** Encodes `message` in the binary framing, as an upstream would send it. */
export function encodeAwsEvent(message: EventStreamMessage): Uint8Array {
  const { codec, fromUtf8 } = smithy();
  const messageType = message.messageType ?? 'event';
  const headers: MessageHeaders = {
    ':message-type': { type: 'string', value: messageType },
    ':content-type': { type: 'string', value: 'application/json' },
  };
  if (messageType === 'error') {
    headers[':error-code'] = { type: 'string', value: message.type };
    const text =
      typeof message.payload === 'string' ? message.payload : JSON.stringify(message.payload);
    headers[':error-message'] = { type: 'string', value: text };
  } else {
    const name = messageType === 'exception' ? ':exception-type' : ':event-type';
    headers[name] = { type: 'string', value: message.type };
  }
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(message.payload)) });
}
