import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { SseEvent } from '../provider.ts';
import { readNdjsonEvents } from './ndjson.ts';
import type { NdjsonOptions } from './ndjson.ts';

const encoder = new TextEncoder();

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield typeof part === 'string' ? encoder.encode(part) : part;
  }
}

async function collect(
  body: AsyncIterable<Uint8Array>,
  options?: NdjsonOptions,
): Promise<string[]> {
  const lines: string[] = [];
  for await (const event of readNdjsonEvents(body, options)) {
    assert.equal(event.event, undefined);
    lines.push(event.data);
  }
  return lines;
}

const TRANSCRIPT =
  '{"response":"Hel","done":false}\n' +
  '\n' +
  '{"response":"lo","done":false}\r\n' +
  '{"response":"","done":true,"eval_count":2}\n';

const EXPECTED = [
  '{"response":"Hel","done":false}',
  '{"response":"lo","done":false}',
  '{"response":"","done":true,"eval_count":2}',
];

void test('readNdjsonEvents yields one event per line, skipping blank lines and CRs', async () => {
  assert.deepEqual(await collect(chunksOf(TRANSCRIPT)), EXPECTED);
});

void test('readNdjsonEvents gives the same lines however the bytes are split in two', async () => {
  const bytes = encoder.encode(TRANSCRIPT);
  for (let cut = 1; cut < bytes.length; cut++) {
    const lines = await collect(chunksOf(bytes.subarray(0, cut), bytes.subarray(cut)));
    assert.deepEqual(lines, EXPECTED, `split at byte ${cut}`);
  }
});

void test('readNdjsonEvents handles a body delivered one byte at a time', async () => {
  const bytes = encoder.encode(TRANSCRIPT);
  const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(await collect(chunksOf(...single)), EXPECTED);
});

void test('readNdjsonEvents keeps a multi-byte character split across chunks intact', async () => {
  const bytes = encoder.encode('{"response":"wörld 👋"}\n');
  const umlaut = bytes.indexOf(0xc3);
  const emoji = bytes.indexOf(0xf0);
  const parts = [
    bytes.subarray(0, umlaut + 1),
    bytes.subarray(umlaut + 1, emoji + 2),
    bytes.subarray(emoji + 2),
  ];
  assert.deepEqual(await collect(chunksOf(...parts)), ['{"response":"wörld 👋"}']);
});

void test('readNdjsonEvents yields a last line that has no newline', async () => {
  assert.deepEqual(await collect(chunksOf('{"a":1}\n{"b":', '2}')), ['{"a":1}', '{"b":2}']);
});

void test('readNdjsonEvents yields nothing for an empty body', async () => {
  assert.deepEqual(await collect(chunksOf()), []);
});

void test('readNdjsonEvents rejects a line longer than the limit, even unterminated', async () => {
  const options = { maxLineChars: 8 };
  assert.deepEqual(await collect(chunksOf('{"a":1}\n'), options), ['{"a":1}']);
  for (const body of [['{"abc":12345}\n'], ['{"abc":', '12345']]) {
    await assert.rejects(
      collect(chunksOf(...body), options),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.kind === 'BadGatewayError' &&
        /exceeded 8 characters/.test(error.message),
    );
  }
});

void test('readNdjsonEvents passes errors of the body through', async () => {
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield encoder.encode('{"a":1}\n');
    await Promise.resolve();
    throw new Error('socket reset');
  }
  const seen: SseEvent[] = [];
  await assert.rejects(async () => {
    for await (const event of readNdjsonEvents(broken())) seen.push(event);
  }, /socket reset/);
  assert.equal(seen.length, 1);
});
