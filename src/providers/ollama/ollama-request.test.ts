import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GatewayRequestBody, JsonObject, Operation } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { createOllamaCodec, type OllamaMode } from './ollama-codec.ts';
import { ollamaDeployment, OLLAMA_TEST_KEY } from './fixtures/fixtures.ts';
import { providerRequest } from '../testing/provider-request.ts';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

const CONVERSATION = [
  { role: 'system', content: 'Be terse.' },
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
  { role: 'tool', tool_call_id: 'call_1', content: '18 C' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'And ' },
      { type: 'text', text: 'tomorrow?' },
    ],
  },
];

function encode(
  mode: OllamaMode,
  body: Partial<GatewayRequestBody>,
  operation: Operation = 'chat',
  apiBase = 'http://ollama.test:11434',
) {
  const call = createOllamaCodec({ mode }).encode(
    providerRequest(ollamaDeployment({ apiBase }), { model: 'local', ...body }, { operation }),
  );
  return { ...call, json: JSON.parse(call.body ?? '{}') as JsonObject };
}

void describe('ollama_chat/ encoding (/api/chat)', () => {
  void test('sends the messages as they are, tool call arguments as objects', () => {
    const { url, json } = encode('chat', { messages: CONVERSATION, tools: [WEATHER_TOOL] });
    assert.equal(url, 'http://ollama.test:11434/api/chat');
    assert.deepEqual(json.messages, [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
      },
      { role: 'tool', content: '18 C' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    assert.deepEqual(json.tools, [WEATHER_TOOL]);
    assert.equal(json.model, 'llama3.2');
    assert.equal(json.stream, false);
  });

  void test('maps sampling parameters into options and drops what Ollama lacks', () => {
    const { json } = encode('chat', {
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      stop: 'END',
      max_tokens: 64,
      tool_choice: 'auto',
      response_format: { type: 'json_object' },
      stream: true,
      user: 'someone',
      num_retries: 3,
      metadata: { trace: 1 },
      litellm_trace_id: 'x',
    });
    assert.deepEqual(json.options, {
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      num_predict: 64,
      stop: ['END'],
    });
    assert.equal(json.format, 'json');
    assert.equal(json.stream, true);
    assert.deepEqual(Object.keys(json).sort(), [
      'format',
      'messages',
      'model',
      'options',
      'stream',
    ]);
  });

  void test('a json_schema response format becomes the schema itself', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const { json } = encode('chat', {
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
    });
    assert.deepEqual(json.format, schema);
  });

  void test('inline images go to the message images as base64', () => {
    const { json } = encode('chat', {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    assert.deepEqual(json.messages, [
      { role: 'user', content: 'What is this?', images: ['iVBORw0KGgo='] },
    ]);
  });

  void test('a remote image URL is a BadRequestError, not a fetch', () => {
    assert.throws(
      () =>
        encode('chat', {
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }],
            },
          ],
        }),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.kind === 'BadRequestError' &&
        error.message.startsWith('litellm.BadRequestError: OllamaException - '),
    );
  });

  void test('sends the key as a bearer token and the extra headers', () => {
    const call = createOllamaCodec({ mode: 'chat' }).encode({
      operation: 'chat',
      deployment: ollamaDeployment({ extra: { extra_headers: { 'X-Proxy': 'p' } } }),
      body: { model: 'local', messages: [] },
      signal: new AbortController().signal,
    });
    assert.equal(call.headers.authorization, `Bearer ${OLLAMA_TEST_KEY}`);
    assert.equal(call.headers['x-proxy'], 'p');
  });

  void test('a keyless deployment sends no authorization header', () => {
    const call = createOllamaCodec({ mode: 'chat' }).encode({
      operation: 'chat',
      deployment: ollamaDeployment({ apiKey: undefined }),
      body: { model: 'local', messages: [] },
      signal: new AbortController().signal,
    });
    assert.equal(call.headers.authorization, undefined);
  });

  void test('an api_base that already names an endpoint is not doubled', () => {
    assert.equal(
      encode('chat', { messages: [] }, 'chat', 'http://h:11434/api/chat').url,
      'http://h:11434/api/chat',
    );
    assert.equal(
      encode('chat', { input: 'x' }, 'embedding', 'http://h:11434/api/chat').url,
      'http://h:11434/api/embed',
    );
  });
});

void describe('ollama/ encoding (/api/generate)', () => {
  void test('writes the conversation as one prompt and the system messages as system', () => {
    const { url, json } = encode('generate', { messages: CONVERSATION });
    assert.equal(url, 'http://ollama.test:11434/api/generate');
    assert.equal(json.system, 'Be terse.');
    const prompt = json.prompt as string;
    assert.ok(prompt.startsWith('### User:\nWeather in Paris?\n\n### Assistant:\nTool Calls: '));
    assert.ok(prompt.includes('"arguments": {\n        "city": "Paris"'));
    assert.ok(prompt.endsWith('### User:\n18 CAnd tomorrow?\n\n'), prompt);
    assert.equal(json.format, undefined);
  });

  void test('with tools, asks for JSON and describes the functions in the system prompt', () => {
    const { json } = encode('generate', {
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
    });
    assert.equal(json.format, 'json');
    const system = json.system as string;
    assert.ok(system.startsWith('Be terse.\n\nTo call a function, answer with JSON only'));
    assert.ok(system.includes(JSON.stringify(WEATHER_TOOL.function)));
    assert.equal(json.tools, undefined);
    assert.equal(json.tool_choice, undefined);
  });

  void test('a legacy completion sends its prompt as is', () => {
    const { url, json } = encode(
      'generate',
      { prompt: ['Once upon'], max_tokens: 5 },
      'completion',
    );
    assert.equal(url, 'http://ollama.test:11434/api/generate');
    assert.deepEqual(json, {
      model: 'llama3.2',
      stream: false,
      options: { num_predict: 5 },
      prompt: 'Once upon',
    });
  });

  void test('embeddings go to /api/embed with the input as given', () => {
    const { url, json } = encode('generate', { input: ['a', 'b'], user: 'u' }, 'embedding');
    assert.equal(url, 'http://ollama.test:11434/api/embed');
    assert.deepEqual(json, { model: 'llama3.2', input: ['a', 'b'] });
  });

  void test('an embedding input that is not text is a BadRequestError', () => {
    assert.throws(
      () => encode('generate', { input: [[1, 2]] }, 'embedding'),
      (error: unknown) => error instanceof GatewayError && error.kind === 'BadRequestError',
    );
  });
});
