import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SseEvent } from '../provider.ts';
import { formatSseData, readSseEvents, SSE_DONE } from './sse.ts';

const encoder = new TextEncoder();

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield typeof part === 'string' ? encoder.encode(part) : part;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(body)) events.push(event);
  return events;
}

const TRANSCRIPT =
  'data: {"n":1}\n\n' +
  ': keep-alive comment\n\n' +
  'event: error\ndata: {"n":2}\n\n' +
  'data: line one\ndata: line two\n\n' +
  'data: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: undefined, data: '{"n":1}', run: false },
  { event: 'error', data: '{"n":2}', run: false },
  { event: undefined, data: 'line one\nline two', run: false },
  { event: undefined, data: '[DONE]', run: false },
];

void test('readSseEvents parses events, names and multi-line data, skipping comments', async () => {
  assert.deepEqual(await collect(chunksOf(TRANSCRIPT)), EXPECTED);
});

void test('readSseEvents gives the same events however the bytes are split in two', async () => {
  const bytes = encoder.encode(TRANSCRIPT);
  for (let cut = 1; cut < bytes.length; cut++) {
    const events = await collect(chunksOf(bytes.subarray(0, cut), bytes.subarray(cut)));
    assert.deepEqual(events, EXPECTED, `split at byte ${cut}`);
  }
});

void test('readSseEvents handles a body delivered one byte at a time', async () => {
  const bytes = encoder.encode(TRANSCRIPT);
  const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  assert.deepEqual(await collect(chunksOf(...single)), EXPECTED);
});

void test('readSseEvents keeps a multi-byte character split across chunks intact', async () => {
  const bytes = encoder.encode('data: {"content":"wörld 👋"}\n\n');
  const emoji = bytes.indexOf(0xf0);
  // Cut inside the 4-byte emoji and inside the 2-byte "ö".
  const umlaut = bytes.indexOf(0xc3);
  const parts = [
    bytes.subarray(0, umlaut + 1),
    bytes.subarray(umlaut + 1, emoji + 2),
    bytes.subarray(emoji + 2),
  ];
  assert.deepEqual(await collect(chunksOf(...parts)), [
    { event: undefined, data: '{"content":"wörld 👋"}', run: false },
  ]);
});

void test('readSseEvents accepts CRLF line endings', async () => {
  assert.deepEqual(await collect(chunksOf('data: a\r\n\r\ndata: b\r\n\r\n')), [
    { event: undefined, data: 'a', run: false },
    { event: undefined, data: 'b', run: false },
  ]);
});

void test('readSseEvents drops an event left unterminated when the body ends', async () => {
  assert.deepEqual(await collect(chunksOf('data: whole\n\ndata: half')), [
    { event: undefined, data: 'whole', run: false },
  ]);
});

void test('readSseEvents passes on errors of the body', async () => {
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield encoder.encode('data: first\n\n');
    await Promise.resolve();
    throw new Error('socket gone');
  }
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const event of readSseEvents(broken())) seen.push(event.data);
  }, /socket gone/);
  assert.deepEqual(seen, ['first']);
});

void test('formatSseData frames one JSON value as a data event', () => {
  assert.equal(formatSseData({ a: 'line\nbreak' }), 'data: {"a":"line\\nbreak"}\n\n');
});

void test('SSE_DONE is the OpenAI terminator event', () => {
  assert.equal(SSE_DONE, 'data: [DONE]\n\n');
});

void test('formatSseData output parses back to the same value', async () => {
  const value = { id: 'x', choices: [{ delta: { content: 'ü\n' } }] };
  const events = await collect(chunksOf(formatSseData(value) + SSE_DONE));
  assert.deepEqual(
    events.map((event) => event.data),
    [JSON.stringify(value), '[DONE]'],
  );
});

void test('readSseEvents hands the rest of a read over without a promise, never reading ahead', async () => {
  const events = readSseEvents(chunksOf('data: a\n\ndata: b\n\ndata: c\n\n', 'data: d\n\n'));
  assert.equal(events.takeBuffered(), undefined, 'nothing is read before next()');
  assert.deepEqual(await events.next(), {
    done: false,
    value: { event: undefined, data: 'a', run: false },
  });
  assert.deepEqual(events.takeBuffered(), { event: undefined, data: 'b', run: false });
  assert.deepEqual(events.takeBuffered(), { event: undefined, data: 'c', run: false });
  // The second read has not happened: it is next()'s to make.
  assert.equal(events.takeBuffered(), undefined);
  assert.deepEqual(await events.next(), {
    done: false,
    value: { event: undefined, data: 'd', run: false },
  });
  assert.equal(events.takeBuffered(), undefined);
  assert.deepEqual(await events.next(), { done: true, value: undefined });
});

void test('readSseEvents hands a read of whole events that takesRun accepts over as one run', async () => {
  const seen: string[] = [];
  const takesRun = (text: string): boolean => {
    seen.push(text);
    return !text.includes('skip');
  };
  const reads = [
    'data: {"n":1}\n\ndata: {"n":2}\n\n', // whole events: one run
    'data: {"n":3}\n\ndata: {"n', // ends inside an event: parsed
    '":4}\n\n', // ends on a boundary, but the parser held part of the event: parsed
    'data: {"n":5}\n\n', // back on a boundary: a run again
    'data: skip\n\n', // declined: parsed
  ];
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(chunksOf(...reads), takesRun)) events.push(event);
  assert.deepEqual(events, [
    { event: undefined, data: 'data: {"n":1}\n\ndata: {"n":2}\n\n', run: true },
    { event: undefined, data: '{"n":3}', run: false },
    { event: undefined, data: '{"n":4}', run: false },
    { event: undefined, data: 'data: {"n":5}\n\n', run: true },
    { event: undefined, data: 'skip', run: false },
  ]);
  // Only reads that begin and end on event boundaries were offered.
  assert.deepEqual(seen, [reads[0], reads[3], reads[4]]);
});

void test('a run holds its bytes as they came, one latin1 character each', async () => {
  const text = 'data: {"content":"wörld 👋"}\n\n';
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(chunksOf(text), () => true)) events.push(event);
  assert.deepEqual(events, [
    { event: undefined, data: Buffer.from(text, 'utf8').toString('latin1'), run: true },
  ]);
});
