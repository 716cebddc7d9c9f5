import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { SseEvent } from '../provider.ts';
import { encodeAwsEvent, readAwsEventStream } from './aws-event-stream.ts';

async function* chunksOf(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readAwsEventStream(body)) events.push(event);
  return events;
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const MESSAGES = [
  encodeAwsEvent({ type: 'messageStart', payload: { role: 'assistant' } }),
  encodeAwsEvent({
    type: 'contentBlockDelta',
    payload: { contentBlockIndex: 0, delta: { text: 'Hé' } },
  }),
  encodeAwsEvent({ type: 'messageStop', payload: { stopReason: 'end_turn' } }),
];

const EXPECTED: SseEvent[] = [
  { event: 'messageStart', data: '{"role":"assistant"}' },
  { event: 'contentBlockDelta', data: '{"contentBlockIndex":0,"delta":{"text":"Hé"}}' },
  { event: 'messageStop', data: '{"stopReason":"end_turn"}' },
];

void test('readAwsEventStream yields each message as its event type and JSON text', async () => {
  assert.deepEqual(await collect(chunksOf(...MESSAGES)), EXPECTED);
});

void test('readAwsEventStream splits several messages that arrive in one chunk', async () => {
  assert.deepEqual(await collect(chunksOf(join(MESSAGES))), EXPECTED);
});

void test('readAwsEventStream reassembles messages split at every byte boundary', async () => {
  const bytes = join(MESSAGES);
  for (let cut = 1; cut < bytes.byteLength; cut++) {
    const events = await collect(chunksOf(bytes.subarray(0, cut), bytes.subarray(cut)));
    assert.deepEqual(events, EXPECTED, `split at byte ${cut}`);
  }
});

void test('readAwsEventStream reassembles a stream fed one byte at a time', async () => {
  const bytes = join(MESSAGES);
  const singles = Array.from(bytes, (byte) => Uint8Array.of(byte));
  assert.deepEqual(await collect(chunksOf(...singles)), EXPECTED);
});

void test('an exception message is named by its :exception-type', async () => {
  const exception = encodeAwsEvent({
    messageType: 'exception',
    type: 'throttlingException',
    payload: { message: 'Too many requests' },
  });
  assert.deepEqual(await collect(chunksOf(exception)), [
    { event: 'throttlingException', data: '{"message":"Too many requests"}' },
  ]);
});

void test('an error message becomes an error event carrying its code and message', async () => {
  const error = encodeAwsEvent({ messageType: 'error', type: 'InternalFailure', payload: 'boom' });
  const [event] = await collect(chunksOf(error));
  assert.equal(event?.event, 'error');
  assert.deepEqual(JSON.parse(event?.data ?? ''), { code: 'InternalFailure', message: 'boom' });
});

void test('a body that ends inside a message is a BadGatewayError', async () => {
  const bytes = join(MESSAGES);
  await assert.rejects(collect(chunksOf(bytes.subarray(0, bytes.byteLength - 3))), (error) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'BadGatewayError');
    assert.match(error.message, /ended inside a message/);
    return true;
  });
});

void test('a message whose CRC does not match is a BadGatewayError', async () => {
  const corrupt = new Uint8Array(MESSAGES[1]!);
  corrupt[corrupt.byteLength - 6]! ^= 0xff;
  await assert.rejects(collect(chunksOf(corrupt)), (error) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'BadGatewayError');
    return true;
  });
});

void test('an absurd length prefix is rejected before anything is buffered', async () => {
  const bogus = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0);
  await assert.rejects(collect(chunksOf(bogus)), /corrupt/);
});
