import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject, StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { StreamDecoder } from '../provider.ts';
import { geminiDeployment, jsonFixture, streamFixture } from './fixtures/fixtures.ts';
import { createGoogleCodec } from './google-codec.ts';

const codec = createGoogleCodec(undefined, { now: () => 1_700_000_000_000 });
const deployment = geminiDeployment();

function run(events: readonly unknown[]): { chunks: StreamChunk[]; decoder: StreamDecoder } {
  const decoder = codec.createStreamDecoder('chat', deployment);
  const chunks = events.flatMap((event) =>
    decoder.decode({ event: undefined, data: JSON.stringify(event) }),
  );
  chunks.push(...(decoder.flush?.() ?? []));
  return { chunks, decoder };
}

const delta = (chunk: StreamChunk | undefined): JsonObject =>
  ((chunk?.choices as JsonObject[] | undefined)?.[0]?.delta ?? {}) as JsonObject;

void describe('gemini stream decoding', () => {
  void test('text pieces become deltas; the role comes first; finish and usage come last', () => {
    const { chunks, decoder } = run(streamFixture('stream').events);
    assert.equal(chunks.length, 4);
    assert.deepEqual(delta(chunks[0]), { role: 'assistant', content: 'The capital' });
    assert.deepEqual(delta(chunks[1]), { content: ' of France is' });
    assert.deepEqual(delta(chunks[2]), { content: ' Paris.' });
    assert.equal((chunks[2]?.choices as JsonObject[])[0]?.finish_reason, 'stop');
    for (const chunk of chunks) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.id, 'chatcmpl-stream-1');
    }
    assert.deepEqual(chunks[3]?.choices, []);
    assert.deepEqual(chunks[3]?.usage, {
      prompt_tokens: 11,
      completion_tokens: 7,
      total_tokens: 18,
    });
    // Gemini sends no terminator: the body's end is the stream's end.
    assert.equal(decoder.done, false);
  });

  void test('function calls become indexed tool-call deltas and finish with tool_calls', () => {
    const { chunks } = run(streamFixture('stream-function-call').events);
    const choice = (chunks[0]?.choices as JsonObject[])[0];
    assert.equal(choice?.finish_reason, 'tool_calls');
    const calls = (choice?.delta as JsonObject).tool_calls as JsonObject[];
    assert.deepEqual(
      calls.map((call) => [call.index, call.type, call.function]),
      [
        [0, 'function', { name: 'get_weather', arguments: '{"city":"Paris"}' }],
        [1, 'function', { name: 'get_time', arguments: '{"zone":"CET"}' }],
      ],
    );
    assert.ok(calls.every((call) => typeof call.id === 'string'));
  });

  void test('an error event mid-stream throws the mapped GatewayError', () => {
    const [first] = streamFixture('stream').events;
    const decoder = codec.createStreamDecoder('chat', deployment);
    assert.equal(decoder.decode({ event: undefined, data: JSON.stringify(first) }).length, 1);
    const error = jsonFixture('error-503-unavailable').body;
    assert.throws(
      () => decoder.decode({ event: undefined, data: JSON.stringify(error) }),
      (thrown: unknown) =>
        thrown instanceof GatewayError &&
        thrown.kind === 'ServiceUnavailableError' &&
        thrown.message.startsWith(
          'litellm.ServiceUnavailableError: GeminiException - The model is overloaded',
        ),
    );
  });

  void test('a blocked prompt in the first event is a content-policy violation', () => {
    assert.throws(
      () => run([jsonFixture('prompt-blocked').body]),
      (thrown: unknown) =>
        thrown instanceof GatewayError && thrown.kind === 'ContentPolicyViolationError',
    );
  });

  void test('an unparsable event is a bad gateway', () => {
    const decoder = codec.createStreamDecoder('chat', deployment);
    assert.throws(
      () => decoder.decode({ event: undefined, data: '{"candidates": [' }),
      (thrown: unknown) => thrown instanceof GatewayError && thrown.kind === 'BadGatewayError',
    );
  });

  void test('a stream without usage ends without a usage chunk', () => {
    const { chunks } = run([
      { candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] },
    ]);
    assert.equal(chunks.length, 1);
  });
});
