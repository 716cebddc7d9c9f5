import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject, Operation, StreamChunk } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { StreamDecoder } from '../provider.ts';
import { readNdjsonEvents } from '../transport/ndjson.ts';
import { createOllamaCodec, type OllamaMode } from './ollama-codec.ts';
import { ollamaDeployment, ollamaStream } from './fixtures/fixtures.ts';

function decoderFor(mode: OllamaMode, operation: Operation = 'chat'): StreamDecoder {
  return createOllamaCodec({ mode }).createStreamDecoder(operation, ollamaDeployment());
}

function decodeLines(decoder: StreamDecoder, lines: readonly string[]): StreamChunk[] {
  return lines.flatMap((data) => decoder.decode({ event: undefined, data }));
}

function choiceOf(chunk: StreamChunk | undefined): JsonObject {
  return (chunk?.choices as JsonObject[])[0]!;
}

void describe('Ollama stream decoding', () => {
  void test('/api/chat lines become chat chunks; the done line adds finish reason and usage', () => {
    const decoder = decoderFor('chat');
    const chunks = decodeLines(decoder, ollamaStream('chat-stream').lines);
    assert.equal(decoder.done, true);
    assert.equal(chunks.length, 4);
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'));
    assert.equal(new Set(chunks.map((chunk) => chunk.id)).size, 1, 'one id per stream');
    assert.deepEqual(choiceOf(chunks[0]).delta, { role: 'assistant', content: 'The' });
    assert.deepEqual(choiceOf(chunks[1]).delta, { content: ' sky is' });
    const last = chunks[3];
    assert.deepEqual(choiceOf(last), { index: 0, delta: {}, finish_reason: 'stop' });
    assert.deepEqual(last?.usage, { prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 });
    assert.ok(chunks.slice(0, 3).every((chunk) => chunk.usage === undefined));
  });

  void test('a streamed tool call becomes an indexed tool-call delta and finish_reason tool_calls', () => {
    const chunks = decodeLines(decoderFor('chat'), ollamaStream('chat-stream-tool-call').lines);
    const delta = choiceOf(chunks[0]).delta as JsonObject;
    assert.equal(delta.role, 'assistant');
    const [call] = delta.tool_calls as JsonObject[];
    assert.equal(call?.index, 0);
    assert.match(call?.id as string, /^call_/);
    assert.deepEqual(call?.function, {
      name: 'get_current_weather',
      arguments: '{"location":"Paris, FR"}',
    });
    assert.equal(choiceOf(chunks.at(-1)).finish_reason, 'tool_calls');
  });

  void test('/api/generate lines stream as chat deltas for ollama/', () => {
    const decoder = decoderFor('generate');
    const chunks = decodeLines(decoder, ollamaStream('generate-stream').lines);
    assert.equal(decoder.done, true);
    const text = chunks
      .map((chunk) => (choiceOf(chunk).delta as { content?: string }).content ?? '')
      .join('');
    assert.equal(text, 'The sky');
    assert.equal(choiceOf(chunks.at(-1)).finish_reason, 'length');
    assert.deepEqual(chunks.at(-1)?.usage, {
      prompt_tokens: 26,
      completion_tokens: 259,
      total_tokens: 285,
    });
  });

  void test('a legacy completion streams text_completion chunks', () => {
    const chunks = decodeLines(
      decoderFor('generate', 'completion'),
      ollamaStream('generate-stream').lines,
    );
    assert.ok(chunks.every((chunk) => chunk.object === 'text_completion'));
    assert.equal(chunks.map((chunk) => choiceOf(chunk).text).join(''), 'The sky');
    assert.equal(choiceOf(chunks.at(-1)).finish_reason, 'length');
  });

  void test('framed from split bytes, the stream decodes the same', async () => {
    const raw = new TextEncoder().encode(`${ollamaStream('chat-stream').lines.join('\n')}\n`);
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < raw.length; i += 7) {
        await Promise.resolve();
        yield raw.subarray(i, i + 7);
      }
    }
    const decoder = decoderFor('chat');
    const chunks: StreamChunk[] = [];
    for await (const event of readNdjsonEvents(body())) chunks.push(...decoder.decode(event));
    assert.equal(chunks.length, 4);
    assert.equal(decoder.done, true);
  });

  void test('an error line mid-stream is thrown as a GatewayError', () => {
    const decoder = decoderFor('chat');
    const [first] = ollamaStream('chat-stream').lines;
    decodeLines(decoder, [first!]);
    assert.throws(
      () => decodeLines(decoder, ['{"error":"llama runner process has terminated"}']),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.kind === 'InternalServerError' &&
        error.deploymentId === 'ollama-1' &&
        error.message.includes('OllamaException - llama runner process has terminated'),
    );
    assert.equal(decoder.done, false);
  });

  void test('a line that is not JSON is a bad gateway', () => {
    assert.throws(
      () => decodeLines(decoderFor('chat'), ['<html>proxy error</html>']),
      (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
    );
  });
});
