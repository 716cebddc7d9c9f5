import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GatewayRequestBody, JsonObject, Operation } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { GATEWAY_ONLY_FIELDS } from '../openai/request-body.ts';
import type { ProviderRequest } from '../provider.ts';
import { ANTHROPIC_TEST_KEY, anthropicDeployment } from './fixtures/fixtures.ts';
import { createAnthropicCodec, messagesUrl } from './anthropic-codec.ts';
import { providerRequest } from '../testing/provider-request.ts';

const codec = createAnthropicCodec({ now: () => 1_700_000_000_000 });

function request(
  body: GatewayRequestBody,
  overrides: Partial<ProviderRequest> = {},
): ProviderRequest {
  return providerRequest(anthropicDeployment(), body, overrides);
}

function sent(body: GatewayRequestBody, operation: Operation = 'chat'): JsonObject {
  return JSON.parse(codec.encode(request(body, { operation })).body!) as JsonObject;
}

const CHAT: GatewayRequestBody = { model: 'claude', messages: [{ role: 'user', content: 'hi' }] };

void test('anthropic encode posts to api.anthropic.com/v1/messages with x-api-key and anthropic-version', () => {
  const call = codec.encode(request(CHAT));
  assert.equal(call.url, 'https://api.anthropic.com/v1/messages');
  assert.equal(call.method, 'POST');
  assert.deepEqual(call.headers, {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'x-api-key': ANTHROPIC_TEST_KEY,
  });
});

void test('anthropic encode appends /v1/messages to api_base once, however it ends', () => {
  const url = (apiBase: string) => messagesUrl(anthropicDeployment({ apiBase }));
  assert.equal(url('http://proxy:4000'), 'http://proxy:4000/v1/messages');
  assert.equal(url('http://proxy:4000/'), 'http://proxy:4000/v1/messages');
  assert.equal(url('http://proxy:4000/v1'), 'http://proxy:4000/v1/messages');
  assert.equal(
    url('http://proxy:4000/anthropic/v1/messages'),
    'http://proxy:4000/anthropic/v1/messages',
  );
});

void test('anthropic encode lets extra_headers add anthropic-beta and override the version', () => {
  const deployment = anthropicDeployment({
    extra: {
      extra_headers: {
        'Anthropic-Beta': 'prompt-caching-2024-07-31',
        'anthropic-version': '2024-01-01',
      },
    },
  });
  const { headers } = codec.encode(request(CHAT, { deployment }));
  assert.equal(headers['anthropic-beta'], 'prompt-caching-2024-07-31');
  assert.equal(headers['anthropic-version'], '2024-01-01');
});

void test('anthropic encode sends the upstream model and defaults max_tokens to 4096', () => {
  assert.deepEqual(sent(CHAT), {
    model: 'claude-3-5-sonnet-20241022',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    max_tokens: 4096,
  });
});

void test('anthropic encode maps max_tokens, max_completion_tokens, sampling, stop and user', () => {
  const body = sent({
    ...CHAT,
    max_completion_tokens: 300,
    temperature: 0.3,
    top_p: 0.9,
    top_k: 40,
    stop: 'END',
    user: 'user-42',
    stream: true,
  });
  assert.equal(body.max_tokens, 300);
  assert.equal(body.temperature, 0.3);
  assert.equal(body.top_p, 0.9);
  assert.equal(body.top_k, 40);
  assert.deepEqual(body.stop_sequences, ['END']);
  assert.deepEqual(body.metadata, { user_id: 'user-42' });
  assert.equal(body.stream, true);
  assert.equal(sent({ ...CHAT, max_tokens: 10, max_completion_tokens: 99 }).max_tokens, 10);
  assert.deepEqual(sent({ ...CHAT, stop: ['a', 'b'] }).stop_sequences, ['a', 'b']);
});

void test('anthropic encode keeps emails and phone numbers out of metadata.user_id', () => {
  assert.equal(sent({ ...CHAT, user: 'jane@example.com' }).metadata, undefined);
  assert.equal(sent({ ...CHAT, user: '+1 (555) 010-9999' }).metadata, undefined);
});

void test('anthropic encode drops gateway-only fields and OpenAI parameters Anthropic lacks', () => {
  const body: GatewayRequestBody = {
    ...CHAT,
    litellm_call_id: 'c1',
    presence_penalty: 0.5,
    frequency_penalty: 0.5,
    seed: 7,
    logit_bias: {},
    stream_options: { include_usage: true },
    n: 1,
  };
  for (const field of GATEWAY_ONLY_FIELDS) body[field] = `value-of-${field}`;
  assert.deepEqual(Object.keys(sent(body)).sort(), ['max_tokens', 'messages', 'model']);
});

void test('anthropic encode translates tools and every tool_choice form', () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
    { type: 'function', function: { name: 'now' } },
  ];
  const body = sent({ ...CHAT, tools, tool_choice: 'auto' });
  assert.deepEqual(body.tools, [
    {
      name: 'get_weather',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      description: 'Weather of a city',
    },
    { name: 'now', input_schema: { type: 'object', properties: {} } },
  ]);
  const choice = (tool_choice: unknown, extra: JsonObject = {}) =>
    sent({ ...CHAT, tools, tool_choice, ...extra }).tool_choice;
  assert.deepEqual(choice('auto'), { type: 'auto' });
  assert.deepEqual(choice('none'), { type: 'none' });
  assert.deepEqual(choice('required'), { type: 'any' });
  assert.deepEqual(choice({ type: 'function', function: { name: 'now' } }), {
    type: 'tool',
    name: 'now',
  });
  assert.deepEqual(choice(undefined, { parallel_tool_calls: false }), {
    type: 'auto',
    disable_parallel_tool_use: true,
  });
  assert.equal(sent({ ...CHAT, tool_choice: 'auto' }).tool_choice, undefined);
});

void test('anthropic encode turns a text completion prompt into one user message', () => {
  const body = sent(
    { model: 'claude', prompt: ['Once upon a time'], max_tokens: 16 },
    'completion',
  );
  assert.deepEqual(body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'Once upon a time' }] },
  ]);
  assert.equal(body.max_tokens, 16);
});

void test('anthropic encode refuses embeddings with a BadRequestError naming the operation and provider', () => {
  assert.throws(
    () => codec.encode(request({ model: 'claude', input: 'x' }, { operation: 'embedding' })),
    (error: unknown) =>
      error instanceof GatewayError &&
      error.kind === 'BadRequestError' &&
      error.deploymentId === 'claude-1' &&
      /AnthropicException - anthropic does not offer embeddings/.test(error.message),
  );
});

void test('anthropic encode refuses what Anthropic cannot express, as BadRequestError', () => {
  const refused = [
    { ...CHAT, n: 2 },
    { ...CHAT, response_format: { type: 'json_object' } },
    { model: 'claude', messages: [{ role: 'function', name: 'f', content: 'x' }] },
    {
      model: 'claude',
      messages: [
        {
          role: 'assistant',
          tool_calls: [
            { id: 't', type: 'function', function: { name: 'f', arguments: 'not json' } },
          ],
        },
      ],
    },
  ];
  for (const body of refused) {
    assert.throws(
      () => codec.encode(request(body)),
      (error: unknown) => error instanceof GatewayError && error.kind === 'BadRequestError',
      JSON.stringify(body),
    );
  }
  assert.doesNotThrow(() => codec.encode(request({ ...CHAT, response_format: { type: 'text' } })));
});
