import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { readSseEvents } from '../transport/sse.ts';
import { createAnthropicCodec } from './anthropic-codec.ts';
import { anthropicDeployment, anthropicSse } from './fixtures/fixtures.ts';

const codec = createAnthropicCodec({ now: () => 1_700_000_000_000 });

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  await Promise.resolve();
  yield new TextEncoder().encode(text);
}

/** Decodes a stream fixture through the real SSE framing; returns the chunks and whether it ended. */
async function decodeStream(
  name: string,
  operation: 'chat' | 'completion' = 'chat',
): Promise<{ chunks: StreamChunk[]; done: boolean }> {
  const decoder = codec.createStreamDecoder(operation, anthropicDeployment());
  const chunks: StreamChunk[] = [];
  for await (const event of readSseEvents(bytes(anthropicSse(name).raw))) {
    chunks.push(...decoder.decode(event));
  }
  return { chunks, done: decoder.done };
}

const choice0 = (chunk: StreamChunk | undefined): JsonObject =>
  ((chunk?.choices as JsonObject[] | undefined) ?? [])[0] ?? {};
const textOf = (chunk: StreamChunk): string => {
  const content = deltaOf(chunk).content;
  return typeof content === 'string' ? content : '';
};
const deltaOf = (chunk: StreamChunk | undefined): JsonObject =>
  (choice0(chunk).delta as JsonObject | undefined) ?? {};

void test('a text stream becomes chunks: role with the first text, deltas, then finish reason with usage', async () => {
  const { chunks, done } = await decodeStream('stream');
  assert.equal(done, true);
  assert.deepEqual(chunks[0], {
    id: 'msg_01Stream',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'claude-3-5-sonnet-20241022',
    choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }],
  });
  assert.equal(chunks.map(textOf).join(''), 'Hello wörld 👋');
  const last = chunks.at(-1);
  assert.equal(choice0(last).finish_reason, 'stop');
  assert.deepEqual(last?.usage, {
    prompt_tokens: 25,
    completion_tokens: 15,
    total_tokens: 40,
    prompt_tokens_details: { cached_tokens: 0 },
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
  });
  assert.ok(chunks.every((chunk) => chunk.id === 'msg_01Stream'));
});

void test('a tool_use block streams as a tool-call delta with id and name, then argument pieces', async () => {
  const { chunks } = await decodeStream('stream-tool-use');
  const calls = chunks.flatMap(
    (chunk) => (deltaOf(chunk).tool_calls as JsonObject[] | undefined) ?? [],
  );
  assert.deepEqual(calls[0], {
    index: 0,
    id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
    type: 'function',
    function: { name: 'get_weather', arguments: '' },
  });
  assert.ok(calls.every((call) => call.index === 0));
  const args = calls.map((call) => (call.function as JsonObject).arguments).join('');
  assert.deepEqual(JSON.parse(args), { city: 'Paris' });
  assert.equal(choice0(chunks.at(-1)).finish_reason, 'tool_calls');
  assert.equal((chunks.at(-1)?.usage as JsonObject).completion_tokens, 89);
});

void test('an error event mid-stream is thrown as the mapped GatewayError', async () => {
  await assert.rejects(decodeStream('stream-error'), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'ServiceUnavailableError');
    assert.equal(error.deploymentId, 'claude-1');
    assert.match(
      error.message,
      /^litellm\.ServiceUnavailableError: AnthropicException - Overloaded/,
    );
    return true;
  });
});

void test('a rate_limit_error event maps to RateLimitError', () => {
  const decoder = codec.createStreamDecoder('chat', anthropicDeployment());
  const data = '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}';
  assert.throws(
    () => decoder.decode({ event: 'error', data }),
    (error: unknown) => error instanceof GatewayError && error.kind === 'RateLimitError',
  );
});

void test('ping, content_block_stop and unknown events yield nothing; garbage is a BadGatewayError', () => {
  const decoder = codec.createStreamDecoder('chat', anthropicDeployment());
  for (const data of [
    '{"type":"ping"}',
    '{"type":"content_block_stop","index":0}',
    '{"type":"brand_new"}',
  ]) {
    assert.deepEqual(decoder.decode({ event: undefined, data }), []);
  }
  assert.throws(
    () => decoder.decode({ event: 'message_delta', data: '{oops' }),
    (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
  );
});

void test('a text completion stream yields text_completion chunks', async () => {
  const { chunks } = await decodeStream('stream', 'completion');
  assert.ok(chunks.every((chunk) => chunk.object === 'text_completion'));
  assert.equal(chunks.map((chunk) => String(choice0(chunk).text)).join(''), 'Hello wörld 👋');
  assert.equal(choice0(chunks.at(-1)).finish_reason, 'stop');
});

void test('an error right after message_start comes before any chunk, where the router can still fail over', () => {
  const decoder = codec.createStreamDecoder('chat', anthropicDeployment());
  const start = anthropicSse('stream').sse[1]!.slice('data: '.length);
  assert.deepEqual(decoder.decode({ event: 'message_start', data: start }), []);
  assert.throws(
    () =>
      decoder.decode({
        event: 'error',
        data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      }),
    (error: unknown) => error instanceof GatewayError && error.kind === 'ServiceUnavailableError',
  );
});

void test('a tool call that comes first carries the role on its delta', () => {
  const decoder = codec.createStreamDecoder('chat', anthropicDeployment());
  const lines = anthropicSse('stream-tool-use').sse.filter((line) => line.startsWith('data: '));
  const chunks = [lines[0]!, lines[4]!].flatMap((line) =>
    decoder.decode({ event: undefined, data: line.slice('data: '.length) }),
  );
  assert.equal(chunks.length, 1);
  assert.equal(deltaOf(chunks[0]).role, 'assistant');
  assert.equal(
    (deltaOf(chunks[0]).tool_calls as JsonObject[])[0]?.id,
    'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
  );
});
