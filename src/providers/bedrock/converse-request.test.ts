import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GatewayRequestBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { toConverseRequest } from './converse-request.ts';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function body(extra: Partial<GatewayRequestBody> = {}): GatewayRequestBody {
  return { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], ...extra };
}

void test('system messages become the system field, not turns', () => {
  const out = toConverseRequest(
    body({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
      ],
    }),
  );
  assert.deepEqual(out.system, [{ text: 'Be terse.' }, { text: 'Answer in French.' }]);
  assert.deepEqual(out.messages, [{ role: 'user', content: [{ text: 'Hi' }] }]);
});

void test('a multi-turn conversation keeps its order and merges consecutive turns of one role', () => {
  const out = toConverseRequest(
    body({
      messages: [
        { role: 'user', content: 'One' },
        { role: 'user', content: [{ type: 'text', text: 'Two' }] },
        { role: 'assistant', content: 'Three' },
        { role: 'user', content: 'Four' },
      ],
    }),
  );
  assert.deepEqual(out.messages, [
    { role: 'user', content: [{ text: 'One' }, { text: 'Two' }] },
    { role: 'assistant', content: [{ text: 'Three' }] },
    { role: 'user', content: [{ text: 'Four' }] },
  ]);
});

void test('assistant tool calls become toolUse blocks and tool messages one user toolResult turn', () => {
  const out = toConverseRequest(
    body({
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Looking up.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
        { role: 'user', content: 'Thanks' },
      ],
    }),
  );
  assert.deepEqual(out.messages, [
    { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
    {
      role: 'assistant',
      content: [
        { text: 'Looking up.' },
        { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
        { toolUse: { toolUseId: 'call_2', name: 'get_weather', input: { city: 'Rome' } } },
      ],
    },
    {
      role: 'user',
      content: [
        { toolResult: { toolUseId: 'call_1', content: [{ text: '18°C' }] } },
        { toolResult: { toolUseId: 'call_2', content: [{ text: '24°C' }] } },
        { text: 'Thanks' },
      ],
    },
  ]);
});

void test('tools become toolSpecs with their JSON schema', () => {
  const out = toConverseRequest(body({ tools: [WEATHER_TOOL] }));
  assert.deepEqual(out.toolConfig, {
    tools: [
      {
        toolSpec: {
          name: 'get_weather',
          description: 'Current weather of a city',
          inputSchema: { json: WEATHER_TOOL.function.parameters },
        },
      },
    ],
  });
});

void test('tool_choice maps to auto, any and a named tool; none leaves the choice to the model', () => {
  const choiceOf = (tool_choice: unknown): unknown =>
    (
      toConverseRequest(body({ tools: [WEATHER_TOOL], tool_choice })).toolConfig as {
        toolChoice?: unknown;
      }
    ).toolChoice;
  assert.deepEqual(choiceOf('auto'), { auto: {} });
  assert.deepEqual(choiceOf('required'), { any: {} });
  assert.deepEqual(choiceOf({ type: 'function', function: { name: 'get_weather' } }), {
    tool: { name: 'get_weather' },
  });
  assert.equal(choiceOf('none'), undefined);
});

void test('max_tokens, temperature, top_p and stop map to inferenceConfig', () => {
  const out = toConverseRequest(
    body({ max_tokens: 256, temperature: 0.2, top_p: 0.9, stop: 'END' }),
  );
  assert.deepEqual(out.inferenceConfig, {
    maxTokens: 256,
    temperature: 0.2,
    topP: 0.9,
    stopSequences: ['END'],
  });
  const modern = toConverseRequest(body({ max_completion_tokens: 64, stop: ['a', 'b'] }));
  assert.deepEqual(modern.inferenceConfig, { maxTokens: 64, stopSequences: ['a', 'b'] });
});

void test('gateway-only and unknown OpenAI fields are not sent', () => {
  const out = toConverseRequest(
    body({
      stream: true,
      fallbacks: ['x'],
      num_retries: 3,
      metadata: { a: 1 },
      api_key: 'sk-client',
      n: 2,
      seed: 7,
      user: 'u-1',
      logprobs: true,
      stream_options: { include_usage: true },
    }),
  );
  assert.deepEqual(Object.keys(out).sort(), ['messages']);
});

void test('inline images become image blocks; remote URLs are refused', () => {
  const out = toConverseRequest(
    body({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(out.messages, [
    {
      role: 'user',
      content: [
        { text: 'What is this?' },
        { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } },
      ],
    },
  ]);
  assert.throws(
    () =>
      toConverseRequest(
        body({
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://x/cat.png' } }],
            },
          ],
        }),
      ),
    (error) =>
      error instanceof GatewayError &&
      error.kind === 'BadRequestError' &&
      /data: URL/.test(error.message),
  );
});

void test('blank text is dropped, as Converse rejects blank blocks', () => {
  const out = toConverseRequest(
    body({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }],
        },
      ],
    }),
  );
  assert.deepEqual((out.messages as { content: unknown[] }[])[1]?.content, [
    { toolUse: { toolUseId: 'c', name: 'f', input: {} } },
  ]);
});

void test('malformed tool arguments and unknown roles are bad requests', () => {
  const bad = (messages: unknown[]): void => {
    assert.throws(
      () => toConverseRequest(body({ messages })),
      (error) => error instanceof GatewayError && error.kind === 'BadRequestError',
    );
  };
  bad([
    {
      role: 'assistant',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{nope' } }],
    },
  ]);
  bad([{ role: 'function', name: 'f', content: 'x' }]);
  bad([{ role: 'tool', content: 'no id' }]);
});
