import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { encodeAwsEvent, readAwsEventStream } from '../transport/aws-event-stream.ts';
import { bedrockDeployment, streamFixture, TEST_MODEL_ID } from './fixtures/fixtures.ts';
import { createConverseStreamDecoder } from './stream-decoder.ts';

const STAMP = { id: 'chatcmpl-s', created: 1_700_000_000, model: TEST_MODEL_ID };

async function* bytes(messages: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  await Promise.resolve();
  // All messages in one network chunk: the framing must split them.
  yield new Uint8Array(Buffer.concat(messages));
}

/** Frames and decodes `messages` the way the provider does; returns chunks and final state. */
async function run(messages: readonly Uint8Array[]) {
  const decoder = createConverseStreamDecoder(bedrockDeployment(), STAMP);
  const chunks: StreamChunk[] = [];
  for await (const event of readAwsEventStream(bytes(messages))) {
    chunks.push(...decoder.decode(event));
    if (decoder.done) break;
  }
  return { chunks, done: decoder.done };
}

function delta(chunk: StreamChunk | undefined): JsonObject {
  return ((chunk?.choices as JsonObject[])[0]?.delta ?? {}) as JsonObject;
}

void test('text deltas become content chunks; the stop reason and usage close the stream', async () => {
  const { chunks, done } = await run(streamFixture('converse-stream-text').messages);
  assert.equal(done, true);
  assert.deepEqual(delta(chunks[0]), { role: 'assistant', content: '' });
  const text = chunks
    .map((chunk) => delta(chunk).content)
    .filter((c) => typeof c === 'string')
    .join('');
  assert.equal(text, 'Paris is the capital of France.');
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.id, 'chatcmpl-s');
    assert.equal(chunk.model, TEST_MODEL_ID);
  }
  const finish = chunks.at(-2)?.choices as JsonObject[];
  assert.equal(finish[0]?.finish_reason, 'stop');
  assert.deepEqual(chunks.at(-1)?.choices, []);
  assert.deepEqual(chunks.at(-1)?.usage, {
    prompt_tokens: 25,
    completion_tokens: 9,
    total_tokens: 34,
  });
});

void test('a toolUse block streams as an OpenAI tool call: id and name first, then argument pieces', async () => {
  const { chunks } = await run(streamFixture('converse-stream-tool-use').messages);
  const calls = chunks.flatMap(
    (chunk) => (delta(chunk).tool_calls as JsonObject[] | undefined) ?? [],
  );
  assert.deepEqual(calls[0], {
    index: 0,
    id: 'tooluse_Xy9fQ2LmTzOw8A1bC3dE4f',
    type: 'function',
    function: { name: 'get_weather', arguments: '' },
  });
  const args = calls.map((call) => (call.function as JsonObject).arguments).join('');
  assert.deepEqual(JSON.parse(args), { city: 'Paris' });
  assert.ok(
    calls.every((call) => call.index === 0),
    'block index 1 is tool call 0',
  );
  const finishes = chunks.map((chunk) => (chunk.choices as JsonObject[])[0]?.finish_reason);
  assert.ok(finishes.includes('tool_calls'));
});

void test('an exception message mid-stream throws the mapped error after the text so far', async () => {
  const decoder = createConverseStreamDecoder(bedrockDeployment(), STAMP);
  const seen: StreamChunk[] = [];
  const consume = async (): Promise<void> => {
    const messages = streamFixture('converse-stream-throttled').messages;
    for await (const event of readAwsEventStream(bytes(messages)))
      seen.push(...decoder.decode(event));
  };
  await assert.rejects(consume(), (error) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'RateLimitError');
    assert.equal(error.upstreamStatus, 429);
    assert.equal(error.deploymentId, 'bedrock-1');
    assert.match(error.message, /^litellm\.RateLimitError: BedrockException - Too many tokens/);
    return true;
  });
  assert.equal(delta(seen[1]).content, 'Paris');
});

void test('a modelStreamErrorException is a bad gateway and an event-stream error an internal error', () => {
  const decoder = createConverseStreamDecoder(bedrockDeployment(), STAMP);
  assert.throws(
    () =>
      decoder.decode({ event: 'modelStreamErrorException', data: '{"message":"model failed"}' }),
    (error) => error instanceof GatewayError && error.kind === 'BadGatewayError',
  );
  assert.throws(
    () => decoder.decode({ event: 'error', data: '{"code":"InternalFailure","message":"x"}' }),
    (error) => error instanceof GatewayError && error.kind === 'InternalServerError',
  );
});

void test('unknown events are skipped and an unparsable known one is a bad gateway', () => {
  const decoder = createConverseStreamDecoder(bedrockDeployment(), STAMP);
  assert.deepEqual(decoder.decode({ event: 'someFutureEvent', data: '{}' }), []);
  assert.throws(
    () => decoder.decode({ event: 'contentBlockDelta', data: 'not json' }),
    (error) => error instanceof GatewayError && error.kind === 'BadGatewayError',
  );
});

void test('the decoder is done at metadata, whatever follows', async () => {
  const messages = [
    encodeAwsEvent({ type: 'messageStop', payload: { stopReason: 'max_tokens' } }),
    encodeAwsEvent({
      type: 'metadata',
      payload: { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } },
    }),
  ];
  const { chunks, done } = await run(messages);
  assert.equal(done, true);
  assert.equal((chunks[0]?.choices as JsonObject[])[0]?.finish_reason, 'length');
});
