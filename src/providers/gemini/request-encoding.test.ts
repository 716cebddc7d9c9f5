import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GatewayRequestBody, JsonObject } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { HttpCall } from '../provider.ts';
import { geminiDeployment, TEST_GEMINI_KEY } from './fixtures/fixtures.ts';
import { createGoogleCodec } from './google-codec.ts';
import { providerRequest } from '../testing/provider-request.ts';

const codec = createGoogleCodec();
const deployment = geminiDeployment();

function encode(
  body: Omit<GatewayRequestBody, 'model'>,
  operation: 'chat' | 'embedding' | 'completion' = 'chat',
): HttpCall {
  const call = codec.encode(
    providerRequest(deployment, { model: 'gemini-flash', ...body }, { operation }),
  );
  assert.ok(!(call instanceof Promise), 'gemini encodes synchronously');
  return call;
}

function sent(body: Omit<GatewayRequestBody, 'model'>): JsonObject {
  return JSON.parse(encode(body).body ?? '') as JsonObject;
}

void describe('gemini request encoding', () => {
  void test('calls generateContent with the key in x-goog-api-key, never in the URL', () => {
    const call = encode({ messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(
      call.url,
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent',
    );
    assert.equal(call.headers['x-goog-api-key'], TEST_GEMINI_KEY);
    assert.ok(!call.url.includes(TEST_GEMINI_KEY));
  });

  void test('a stream calls streamGenerateContent with alt=sse', () => {
    const call = encode({ messages: [{ role: 'user', content: 'Hi' }], stream: true });
    assert.ok(call.url.endsWith(':streamGenerateContent?alt=sse'));
  });

  void test('system messages become the system instruction, user and assistant alternate', () => {
    const body = sent({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'One' },
        { role: 'user', content: [{ type: 'text', text: 'Two' }] },
        { role: 'assistant', content: 'Three' },
        { role: 'user', content: 'Four' },
      ],
    });
    assert.deepEqual(body.systemInstruction, { parts: [{ text: 'Be terse.' }] });
    assert.deepEqual(body.contents, [
      { role: 'user', parts: [{ text: 'One' }, { text: 'Two' }] },
      { role: 'model', parts: [{ text: 'Three' }] },
      { role: 'user', parts: [{ text: 'Four' }] },
    ]);
  });

  void test('tool calls and tool results round-trip with the function name looked up by id', () => {
    const body = sent({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
      ],
    });
    assert.deepEqual(body.contents, [
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'get_weather', response: { content: '18°C' } } }],
      },
    ]);
  });

  void test('a tool result for an unknown call id is a bad request', () => {
    assert.throws(
      () => encode({ messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] }),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.kind === 'BadRequestError' &&
        error.message.startsWith('litellm.BadRequestError: GeminiException - ') &&
        error.message.includes('nope'),
    );
  });

  void test('tools become function declarations and tool_choice the calling mode', () => {
    const tool = (name: string, parameters: object) => ({
      type: 'function',
      function: { name, description: `${name} tool`, parameters },
    });
    const body = sent({
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        tool('get_weather', {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { city: { type: 'string' }, additionalProperties: { type: 'string' } },
          additionalProperties: false,
        }),
        tool('now', { type: 'object', properties: {} }),
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    assert.deepEqual(body.tools, [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'get_weather tool',
            // A property named like a keyword is still a property.
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' }, additionalProperties: { type: 'string' } },
            },
          },
          { name: 'now', description: 'now tool' },
        ],
      },
    ]);
    assert.deepEqual(body.toolConfig, {
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
  });

  void test('tool_choice auto, none and required map to AUTO, NONE and ANY', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'f',
          parameters: { type: 'object', properties: { a: { type: 'string' } } },
        },
      },
    ];
    for (const [choice, mode] of [
      ['auto', 'AUTO'],
      ['none', 'NONE'],
      ['required', 'ANY'],
    ] as const) {
      const body = sent({
        messages: [{ role: 'user', content: 'Hi' }],
        tools,
        tool_choice: choice,
      });
      assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode } });
    }
  });

  void test('sampling parameters go into generationConfig under Gemini names', () => {
    const body = sent({
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      n: 2,
      response_format: { type: 'json_object' },
    });
    assert.deepEqual(body.generationConfig, {
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      candidateCount: 2,
      stopSequences: ['END'],
      responseMimeType: 'application/json',
    });
  });

  void test('images: data URLs inline, other URLs as file references', () => {
    const body = sent({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'gs://bucket/cat.webp' } },
          ],
        },
      ],
    });
    assert.deepEqual((body.contents as JsonObject[])[0]?.parts, [
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'gs://bucket/cat.webp' } },
    ]);
  });

  void test('gateway-only and unknown OpenAI fields never reach Google', () => {
    const text =
      encode({
        messages: [{ role: 'user', content: 'Hi' }],
        fallbacks: ['x'],
        num_retries: 3,
        api_base: 'http://attacker.invalid',
        metadata: { a: 1 },
        litellm_trace_id: 't',
        user: 'u-1',
        stream_options: { include_usage: true },
        logit_bias: {},
      }).body ?? '';
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ['contents']);
    for (const field of [
      'fallbacks',
      'num_retries',
      'attacker',
      'metadata',
      'litellm',
      'logit_bias',
    ]) {
      assert.ok(!text.includes(field), field);
    }
  });

  void test('embeddings use batchEmbedContents with one request per input', () => {
    const call = encode({ input: ['a', 'b'], dimensions: 8 }, 'embedding');
    assert.ok(call.url.endsWith('/models/gemini-2.0-flash:batchEmbedContents'));
    assert.deepEqual(JSON.parse(call.body ?? ''), {
      requests: ['a', 'b'].map((text) => ({
        model: 'models/gemini-2.0-flash',
        content: { parts: [{ text }] },
        outputDimensionality: 8,
      })),
    });
  });

  void test('text completions are refused as a bad request', () => {
    assert.throws(
      () => encode({ prompt: 'Hi' }, 'completion'),
      (error: unknown) => error instanceof GatewayError && error.kind === 'BadRequestError',
    );
  });

  void test('an api_base ending in /v1beta is not doubled, and extra_headers are sent', () => {
    const call = codec.encode({
      operation: 'chat',
      deployment: geminiDeployment({
        apiBase: 'http://127.0.0.1:9/v1beta',
        extra: { extra_headers: { 'X-Team': 'a' } },
      }),
      body: { model: 'g', messages: [{ role: 'user', content: 'Hi' }] },
      signal: new AbortController().signal,
    }) as HttpCall;
    assert.equal(call.url, 'http://127.0.0.1:9/v1beta/models/gemini-2.0-flash:generateContent');
    assert.equal(call.headers['x-team'], 'a');
  });
});
