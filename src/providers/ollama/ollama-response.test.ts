import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject, Operation } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { createOllamaCodec, type OllamaMode } from './ollama-codec.ts';
import { ollamaDeployment, ollamaJson } from './fixtures/fixtures.ts';

const NOW = Date.UTC(2025, 0, 1);

function decode(mode: OllamaMode, fixture: string, operation: Operation = 'chat'): JsonObject {
  const codec = createOllamaCodec({ mode, now: () => NOW });
  return codec.decode(operation, ollamaJson(fixture).body, ollamaDeployment());
}

function firstChoice(body: JsonObject): JsonObject {
  return (body.choices as JsonObject[])[0]!;
}

void describe('Ollama answer decoding', () => {
  void test('an /api/chat answer becomes a chat completion with usage', () => {
    const body = decode('chat', 'chat');
    assert.equal(body.object, 'chat.completion');
    assert.match(body.id as string, /^chatcmpl-[0-9a-f]{32}$/);
    assert.equal(body.model, 'llama3.2');
    assert.equal(body.created, Math.floor(Date.parse('2023-12-12T14:13:43.416799Z') / 1000));
    assert.deepEqual(firstChoice(body), {
      index: 0,
      message: { role: 'assistant', content: 'Hello! How are you today?' },
      finish_reason: 'length',
    });
    assert.deepEqual(body.usage, { prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 });
  });

  void test('/api/chat tool calls become OpenAI tool calls with ids and JSON arguments', () => {
    const choice = firstChoice(decode('chat', 'chat-tool-call'));
    assert.equal(choice.finish_reason, 'tool_calls');
    const message = choice.message as JsonObject;
    assert.equal(message.content, null);
    const [call] = message.tool_calls as JsonObject[];
    assert.match(call?.id as string, /^call_/);
    assert.equal(call?.type, 'function');
    const fn = call?.function as JsonObject;
    assert.equal(fn.name, 'get_current_weather');
    assert.deepEqual(JSON.parse(fn.arguments as string), {
      format: 'celsius',
      location: 'Paris, FR',
    });
  });

  void test('an /api/generate answer becomes a chat completion', () => {
    const body = decode('generate', 'generate');
    assert.deepEqual(firstChoice(body), {
      index: 0,
      message: { role: 'assistant', content: 'The sky is blue because of Rayleigh scattering.' },
      finish_reason: 'stop',
    });
    assert.deepEqual(body.usage, { prompt_tokens: 26, completion_tokens: 290, total_tokens: 316 });
  });

  void test('an /api/generate answer that is exactly a function call is a tool call', () => {
    const choice = firstChoice(decode('generate', 'generate-tool-call'));
    assert.equal(choice.finish_reason, 'tool_calls');
    const [call] = (choice.message as JsonObject).tool_calls as JsonObject[];
    const fn = call?.function as JsonObject;
    assert.equal(fn.name, 'get_current_weather');
    assert.deepEqual(JSON.parse(fn.arguments as string), {
      location: 'Paris, FR',
      format: 'celsius',
    });
  });

  void test('JSON that is not a function call stays text', () => {
    const codec = createOllamaCodec({ mode: 'generate', now: () => NOW });
    const text = '{"name": "Ada", "age": 36}';
    const body = codec.decode('chat', { response: text, done: true }, ollamaDeployment());
    assert.equal((firstChoice(body).message as JsonObject).content, text);
  });

  void test('a legacy completion answer is a text_completion', () => {
    const body = decode('generate', 'generate', 'completion');
    assert.equal(body.object, 'text_completion');
    assert.equal(firstChoice(body).text, 'The sky is blue because of Rayleigh scattering.');
    assert.equal(firstChoice(body).finish_reason, 'stop');
  });

  void test('an /api/embed answer becomes an embedding list with usage', () => {
    const body = decode('chat', 'embed', 'embedding');
    assert.equal(body.object, 'list');
    assert.equal(body.model, 'all-minilm');
    const data = body.data as JsonObject[];
    assert.equal(data.length, 2);
    assert.deepEqual(data[1], {
      object: 'embedding',
      index: 1,
      embedding: [-0.0098027075, 0.06042469, 0.025257962, -0.006364387],
    });
    assert.deepEqual(body.usage, { prompt_tokens: 8, total_tokens: 8 });
  });

  void test('missing counters count as zero tokens', () => {
    const codec = createOllamaCodec({ mode: 'chat', now: () => NOW });
    const body = codec.decode(
      'chat',
      { message: { content: 'x' }, done: true },
      ollamaDeployment(),
    );
    assert.deepEqual(body.usage, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    assert.equal(body.created, NOW / 1000);
  });

  void test('an error object in a 2xx answer is thrown as the mapped error', () => {
    const codec = createOllamaCodec({ mode: 'chat' });
    assert.throws(
      () => codec.decode('chat', { error: "model 'x' not found" }, ollamaDeployment()),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.kind === 'NotFoundError' &&
        error.message === "litellm.NotFoundError: OllamaException - model 'x' not found",
    );
  });

  void test('an answer that is not an object is a bad gateway', () => {
    const codec = createOllamaCodec({ mode: 'chat' });
    assert.throws(
      () => codec.decode('chat', [1, 2], ollamaDeployment()),
      (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
    );
  });
});
