import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { geminiDeployment, jsonFixture } from './fixtures/fixtures.ts';
import { createGoogleCodec } from './google-codec.ts';

const NOW = 1_700_000_000_000;
const codec = createGoogleCodec(undefined, { now: () => NOW });
const deployment = geminiDeployment();

function decode(name: string, operation: 'chat' | 'embedding' = 'chat'): JsonObject {
  return codec.decode(operation, jsonFixture(name).body, deployment);
}

function firstChoice(body: JsonObject): JsonObject {
  const choice = (body.choices as JsonObject[])[0];
  assert.ok(choice);
  return choice;
}

void describe('gemini response decoding', () => {
  void test('a text answer becomes a chat completion with usage', () => {
    const body = decode('generate-content');
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.id, 'chatcmpl-Kx1aZ6bWO9uK1MkPhLmEsAo');
    assert.equal(body.model, 'gemini-2.0-flash');
    assert.equal(body.created, NOW / 1000);
    assert.deepEqual(firstChoice(body), {
      index: 0,
      message: { role: 'assistant', content: 'The capital of France is Paris.' },
      finish_reason: 'stop',
    });
    assert.deepEqual(body.usage, { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
  });

  void test('a function call becomes tool_calls with a generated id and JSON arguments', () => {
    const choice = firstChoice(decode('function-call'));
    assert.equal(choice.finish_reason, 'tool_calls');
    const message = choice.message as JsonObject;
    assert.equal(message.content, null);
    const [call] = message.tool_calls as JsonObject[];
    assert.match(String(call?.id), /^call_/);
    assert.deepEqual(call?.function, { name: 'get_weather', arguments: '{"city":"Paris"}' });
  });

  void test('MAX_TOKENS is length; thoughts go to reasoning_content and count as completion tokens', () => {
    const body = decode('thinking-max-tokens');
    const choice = firstChoice(body);
    assert.equal(choice.finish_reason, 'length');
    assert.deepEqual(choice.message, {
      role: 'assistant',
      content: 'The answer is',
      reasoning_content: 'Weighing the options first.',
    });
    assert.deepEqual(body.usage, {
      prompt_tokens: 9,
      completion_tokens: 23,
      total_tokens: 32,
      completion_tokens_details: { reasoning_tokens: 20 },
      prompt_tokens_details: { cached_tokens: 4 },
    });
  });

  void test('a candidate stopped for SAFETY finishes with content_filter', () => {
    const choice = firstChoice(decode('safety-stop'));
    assert.equal(choice.finish_reason, 'content_filter');
    assert.equal((choice.message as JsonObject).content, null);
  });

  void test('a blocked prompt is a content-policy violation, so content_policy_fallbacks can run', () => {
    assert.throws(
      () => decode('prompt-blocked'),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.kind === 'ContentPolicyViolationError' &&
        error.deploymentId === deployment.id &&
        error.message ===
          'litellm.ContentPolicyViolationError: GeminiException - the prompt was blocked (blockReason PROHIBITED_CONTENT)',
    );
  });

  void test('an error object inside a 200 answer is mapped like an error answer', () => {
    assert.throws(
      () => codec.decode('chat', jsonFixture('error-429-resource-exhausted').body, deployment),
      (error: unknown) => error instanceof GatewayError && error.kind === 'RateLimitError',
    );
  });

  void test('an answer without candidates or block reason is a bad gateway', () => {
    assert.throws(
      () => codec.decode('chat', { usageMetadata: {} }, deployment),
      (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
    );
  });

  void test('batchEmbedContents vectors become an OpenAI embedding list', () => {
    const body = decode('batch-embed-contents', 'embedding');
    assert.deepEqual(body, {
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.013, -0.008, 0.042] },
        { object: 'embedding', index: 1, embedding: [0.021, 0.003, -0.017] },
      ],
      model: 'gemini-2.0-flash',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });
});
