import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { createAnthropicCodec } from './anthropic-codec.ts';
import { anthropicDeployment, anthropicJson } from './fixtures/fixtures.ts';

const NOW_MS = 1_700_000_000_500;
const codec = createAnthropicCodec({ now: () => NOW_MS });
const deployment = anthropicDeployment();

function decode(name: string, operation: 'chat' | 'completion' = 'chat'): JsonObject {
  return codec.decode(operation, anthropicJson(name).body, deployment);
}

void test('a text answer decodes to a chat.completion with joined text and usage', () => {
  assert.deepEqual(decode('message'), {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'claude-3-5-sonnet-20241022',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello! How can I help you today?' },
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 12,
      completion_tokens: 10,
      total_tokens: 22,
      prompt_tokens_details: { cached_tokens: 0 },
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    },
  });
});

void test('tool_use blocks decode to tool_calls with JSON-string arguments', () => {
  const choice = (decode('message-tool-use').choices as JsonObject[])[0]!;
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.deepEqual(choice.message, {
    role: 'assistant',
    content: "I'll check the weather in Paris.",
    tool_calls: [
      {
        id: 'toolu_01A09q90qw90lq917835lq9',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      },
    ],
  });
});

void test('cache reads and writes count into prompt_tokens, as LiteLLM counts them', () => {
  assert.deepEqual(decode('message-tool-use').usage, {
    prompt_tokens: 384 + 1024 + 2048,
    completion_tokens: 58,
    total_tokens: 384 + 1024 + 2048 + 58,
    prompt_tokens_details: { cached_tokens: 2048 },
    cache_read_input_tokens: 2048,
    cache_creation_input_tokens: 1024,
  });
});

void test('stop reasons map to OpenAI finish reasons', () => {
  const finish = (stop_reason: string) => {
    const body = { ...(anthropicJson('message').body as JsonObject), stop_reason };
    return (codec.decode('chat', body, deployment).choices as JsonObject[])[0]?.finish_reason;
  };
  assert.equal(finish('end_turn'), 'stop');
  assert.equal(finish('stop_sequence'), 'stop');
  assert.equal(finish('max_tokens'), 'length');
  assert.equal(finish('tool_use'), 'tool_calls');
  assert.equal(finish('refusal'), 'content_filter');
  assert.equal(finish('something_new'), 'stop');
});

void test('tool calls without text leave content null; thinking becomes reasoning_content', () => {
  const body = {
    ...(anthropicJson('message').body as JsonObject),
    content: [
      { type: 'thinking', thinking: 'The user wants the time.', signature: 'sig' },
      { type: 'tool_use', id: 'toolu_9', name: 'now', input: {} },
    ],
    stop_reason: 'tool_use',
  };
  const message = (codec.decode('chat', body, deployment).choices as JsonObject[])[0]
    ?.message as JsonObject;
  assert.equal(message.content, null);
  assert.equal(message.reasoning_content, 'The user wants the time.');
  assert.equal((message.tool_calls as JsonObject[])[0]?.id, 'toolu_9');
});

void test('a text completion request decodes to a text_completion', () => {
  const body = decode('message-max-tokens', 'completion');
  assert.equal(body.object, 'text_completion');
  assert.deepEqual(body.choices, [
    { index: 0, text: 'The history of Rome begins', logprobs: null, finish_reason: 'length' },
  ]);
  assert.deepEqual(body.usage, { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 });
});

void test('an error body inside a 2xx answer is thrown as its mapped error', () => {
  assert.throws(
    () => codec.decode('chat', anthropicJson('error-529-overloaded').body, deployment),
    (error: unknown) =>
      error instanceof GatewayError &&
      error.kind === 'ServiceUnavailableError' &&
      error.message === 'litellm.ServiceUnavailableError: AnthropicException - Overloaded',
  );
  assert.throws(
    () => codec.decode('chat', 'not an object', deployment),
    (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
  );
});
