import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GatewayRequestBody } from '../../core/openai-types.ts';
import { sourceTextOf } from '../../core/source-text.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { formatSseData, SSE_DONE } from '../transport/sse.ts';
import type { ProviderRequest } from '../provider.ts';
import { jsonFixture, sseFixture, TEST_API_KEY, testDeployment } from './fixtures/fixtures.ts';
import { createOpenAICodec, HOSTED_VLLM_PRESET } from './openai-codec.ts';
import { GATEWAY_ONLY_FIELDS } from './request-body.ts';
import { providerRequest } from '../testing/provider-request.ts';

const codec = createOpenAICodec();

function request(
  body: GatewayRequestBody,
  overrides: Partial<ProviderRequest> = {},
): ProviderRequest {
  return providerRequest(testDeployment(), body, overrides);
}

const CHAT_BODY: GatewayRequestBody = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hi' }],
  temperature: 0.2,
};

void test('openai encode targets api.openai.com with a bearer key and the upstream model', () => {
  assert.deepEqual(codec.encode(request(CHAT_BODY)), {
    url: 'https://api.openai.com/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
    body: '{"model":"gpt-4o-2024-08-06","messages":[{"role":"user","content":"hi"}],"temperature":0.2}',
  });
});

void test('openai encode maps each operation to its path under api_base', () => {
  const deployment = testDeployment({ apiBase: 'http://localhost:11434/v1' });
  const urls = (['chat', 'completion', 'embedding'] as const).map(
    (operation) => codec.encode(request(CHAT_BODY, { operation, deployment })).url,
  );
  assert.deepEqual(urls, [
    'http://localhost:11434/v1/chat/completions',
    'http://localhost:11434/v1/completions',
    'http://localhost:11434/v1/embeddings',
  ]);
  // Remembered per deployment: the same again, and another deployment gets its own.
  assert.equal(
    codec.encode(request(CHAT_BODY, { operation: 'embedding', deployment })).url,
    'http://localhost:11434/v1/embeddings',
  );
  const other = testDeployment({ apiBase: 'http://127.0.0.1:8000/v1' });
  assert.equal(
    codec.encode(request(CHAT_BODY, { operation: 'chat', deployment: other })).url,
    'http://127.0.0.1:8000/v1/chat/completions',
  );
});

void test('openai encode sends no authorization header without a key', () => {
  const call = codec.encode(
    request(CHAT_BODY, { deployment: testDeployment({ apiKey: undefined }) }),
  );
  assert.deepEqual(call.headers, { 'content-type': 'application/json' });
});

void test('openai encode adds the organization and extra_headers', () => {
  const deployment = testDeployment({
    extra: { organization: 'org-123', extra_headers: { 'X-Team': 'search', 'X-Retry': 2 } },
  });
  assert.deepEqual(codec.encode(request(CHAT_BODY, { deployment })).headers, {
    'content-type': 'application/json',
    authorization: `Bearer ${TEST_API_KEY}`,
    'openai-organization': 'org-123',
    'x-team': 'search',
    'x-retry': '2',
  });
});

void test('openai encode strips every gateway-only field and litellm_ key', () => {
  const body: GatewayRequestBody = { ...CHAT_BODY, litellm_call_id: 'c1', litellm_trace: {} };
  for (const field of GATEWAY_ONLY_FIELDS) body[field] = `value-of-${field}`;
  const sent = JSON.parse(codec.encode(request(body)).body!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(sent), ['model', 'messages', 'temperature']);
});

void test('openai encode keeps unknown OpenAI parameters and nested metadata-like keys', () => {
  const body: GatewayRequestBody = {
    ...CHAT_BODY,
    stream: true,
    stream_options: { include_usage: true },
    response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { metadata: 1 } } },
    some_future_param: 1,
  };
  const sent = JSON.parse(codec.encode(request(body)).body!) as Record<string, unknown>;
  assert.deepEqual(sent, { ...body, model: 'gpt-4o-2024-08-06' });
});

void test('openai encode does not mutate the client body', () => {
  const body: GatewayRequestBody = { ...CHAT_BODY, fallbacks: ['b'], metadata: { user: 'u' } };
  const before = structuredClone(body);
  codec.encode(request(body));
  assert.deepEqual(body, before);
});

void test('openai encode rejects an unknown operation as a bad request', () => {
  const bad = request(CHAT_BODY, { operation: 'images' as unknown as 'chat' });
  assert.throws(
    () => codec.encode(bad),
    (error: unknown) => error instanceof GatewayError && error.kind === 'BadRequestError',
  );
});

void test('hosted_vllm encode uses its api_base and label', () => {
  const vllm = createOpenAICodec(HOSTED_VLLM_PRESET);
  const deployment = testDeployment({
    provider: 'hosted_vllm',
    upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct',
    apiBase: 'http://vllm.internal:8000/v1',
    apiKey: undefined,
  });
  assert.equal(vllm.name, 'hosted_vllm');
  assert.equal(vllm.errorLabel, 'Hosted_vllmException');
  assert.deepEqual(vllm.encode(request(CHAT_BODY, { deployment })), {
    url: 'http://vllm.internal:8000/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"model":"meta-llama/Llama-3.1-8B-Instruct","messages":[{"role":"user","content":"hi"}],"temperature":0.2}',
  });
});

void test('hosted_vllm encode refuses a deployment without api_base', () => {
  const vllm = createOpenAICodec(HOSTED_VLLM_PRESET);
  assert.throws(() => vllm.encode(request(CHAT_BODY)), /has no api_base/);
});

for (const name of ['chat-completion', 'completion', 'embedding']) {
  void test(`openai decode passes the recorded ${name} through unchanged`, () => {
    const fixture = jsonFixture(name);
    const operation =
      name === 'embedding' ? 'embedding' : name === 'completion' ? 'completion' : 'chat';
    assert.deepEqual(codec.decode(operation, fixture.body, testDeployment()), fixture.body);
  });
}

void test('openai decode rejects a non-object answer as a bad gateway', () => {
  for (const payload of [null, [], 'text', 42]) {
    assert.throws(
      () => codec.decode('chat', payload, testDeployment()),
      (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
    );
  }
});

void test('openai decode throws the mapped error of a 200 that only carries an error', () => {
  const payload = { object: 'error', error: { message: 'model overloaded', type: 'server_error' } };
  assert.throws(
    () => codec.decode('chat', payload, testDeployment()),
    (error: unknown) => error instanceof GatewayError && error.kind === 'InternalServerError',
  );
});

void test('openai stream decoder turns the recorded transcript into chunks and stops at [DONE]', () => {
  const fixture = sseFixture('chat-stream');
  const decoder = codec.createStreamDecoder('chat', testDeployment());
  const events = fixture.raw
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => ({ event: undefined, data: block.slice('data: '.length) }));
  const chunks = events.flatMap((event) => decoder.decode(event));
  assert.equal(decoder.done, true);
  assert.equal(chunks.length, 5);
  assert.deepEqual(
    chunks.map((chunk) => (chunk.choices as { delta?: { content?: string } }[])[0]?.delta?.content),
    ['', 'Hello', ' wörld 👋', undefined, undefined],
  );
  assert.deepEqual(chunks[4]?.usage, { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
});

void test('openai stream decoder throws the mapped error of an error chunk', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment());
  const data = JSON.stringify({
    error: { message: 'Rate limit reached mid-stream', type: 'rate_limit_error', code: null },
  });
  assert.throws(
    () => decoder.decode({ event: undefined, data }),
    (error: unknown) =>
      error instanceof GatewayError &&
      error.kind === 'RateLimitError' &&
      error.message === 'litellm.RateLimitError: OpenAIException - Rate limit reached mid-stream' &&
      error.deploymentId === 'dep-1',
  );
});

void test('openai stream decoder reads vLLM numeric error codes', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment());
  const data = JSON.stringify({
    error: {
      object: 'error',
      message: "This model's maximum context length is 8192 tokens.",
      type: 'BadRequestError',
      code: 400,
    },
  });
  assert.throws(
    () => decoder.decode({ event: undefined, data }),
    (error: unknown) =>
      error instanceof GatewayError && error.kind === 'ContextWindowExceededError',
  );
});

void test('openai stream decoder rejects unparsable data as a bad gateway', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment());
  assert.throws(
    () => decoder.decode({ event: undefined, data: '{"choices": [' }),
    (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
  );
});

void test('forwarding, the openai stream decoder leaves plain chunks unparsed but still reads errors and usage', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment(), { forwardOnly: true });
  const plain = '{"id":"c-1","choices":[{"index":0,"delta":{"content":"say \\"error\\""}}]}';
  const [forwarded] = decoder.decode({ event: undefined, data: plain });
  assert.deepEqual(Object.keys(forwarded!), [], 'no fields: nobody reads them');
  assert.equal(sourceTextOf(forwarded), plain);
  assert.equal(formatSseData(forwarded), `data: ${plain}\n\n`);

  const usage = '{"id":"c-1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4}}';
  assert.deepEqual(decoder.decode({ event: undefined, data: usage })[0]?.usage, {
    prompt_tokens: 9,
    completion_tokens: 4,
  });
  // The first key, and a key that ends like `usage` before the real one: still found.
  const first = '{"usage":{"prompt_tokens":1,"completion_tokens":2},"choices":[]}';
  assert.deepEqual(decoder.decode({ event: undefined, data: first })[0]?.usage, {
    prompt_tokens: 1,
    completion_tokens: 2,
  });
  const later = '{"id":"c-1","message":"x","usage":{"prompt_tokens":1,"completion_tokens":3}}';
  assert.deepEqual(decoder.decode({ event: undefined, data: later })[0]?.usage, {
    prompt_tokens: 1,
    completion_tokens: 3,
  });
  // Spread over two `data:` lines: parsed, so that it is written back on one.
  assert.equal(
    decoder.decode({ event: undefined, data: '{"id":"c-1",\n"choices":[]}' })[0]?.id,
    'c-1',
  );
  assert.throws(
    () => decoder.decode({ event: undefined, data: '{"error":{"message":"overloaded"}}' }),
    (error: unknown) => error instanceof GatewayError,
  );
  assert.throws(
    () => decoder.decode({ event: 'error', data: '{"message":"overloaded"}' }),
    (error: unknown) => error instanceof GatewayError,
  );
  assert.throws(
    () => decoder.decode({ event: undefined, data: '{"choices": [' }),
    (error: unknown) => error instanceof GatewayError && error.kind === 'BadGatewayError',
  );
  assert.deepEqual(decoder.decode({ event: undefined, data: '[DONE]' }), []);
  assert.equal(decoder.done, true);
});

void test('forwarding, the openai stream decoder takes a read of plain chunks whole, as it came', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment(), { forwardOnly: true });
  const takesRun = decoder.takesRun;
  assert.ok(takesRun, 'a forwarding decoder takes runs');
  const one = '{"id":"c-1","choices":[{"index":0,"delta":{"content":"say \\"error\\""}}]}';
  const two = '{"id":"c-1","choices":[],"usage":null}';
  const run = `data: ${one}\n\ndata: ${two}\n\n`;
  assert.equal(takesRun(run), true);
  const [chunk] = decoder.decode({ event: undefined, data: run, run: true });
  assert.deepEqual(Object.keys(chunk!), [], 'no fields: nobody reads them');
  assert.equal(formatSseData(chunk), run, 'written as it came');
  assert.equal(decoder.done, false);

  // The terminator last: the chunks before it, and the end.
  const [last, ...rest] = decoder.decode({
    event: undefined,
    data: `${run}${SSE_DONE}`,
    run: true,
  });
  assert.equal(formatSseData(last), run);
  assert.deepEqual(rest, []);
  assert.equal(decoder.done, true);
  assert.equal(takesRun(SSE_DONE), true);

  // Anything the decoder must read or reject goes event by event.
  for (const text of [
    `data: ${one}\n\ndata: {"id":"c-1","usage":{"prompt_tokens":1,"completion_tokens":2}}\n\n`,
    `data: ${one}\n\ndata: {"choices":[],"usage":{"completion_tokens":2}}\n\n${SSE_DONE}`,
    `data: {"error":{"message":"overloaded"}}\n\n`,
    `event: error\ndata: ${one}\n\n`,
    `: keep-alive\n\ndata: ${one}\n\n`,
    `data: ${one}\r\n\r\n`,
    `data: {"id":"c-1",\ndata: "choices":[]}\n\n`,
    `data: \n\n`,
    `data: not json\n\n`,
    `${SSE_DONE}data: ${one}\n\n`,
  ]) {
    assert.equal(takesRun(text), false, JSON.stringify(text));
  }
  // Without forwarding, chunks are parsed one by one.
  assert.equal(codec.createStreamDecoder('chat', testDeployment()).takesRun, undefined);
});

void test('forwarding, a chunk with `"usage":null` is passed on unparsed; one with usage is read', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment(), { forwardOnly: true });
  for (const data of ['{"id":"c-1","choices":[],"usage":null}', '{"id":"c-1","usage": null}']) {
    const [chunk] = decoder.decode({ event: undefined, data });
    assert.deepEqual(Object.keys(chunk!), [], data);
  }
  const counted = '{"id":"c-1","usage":null,"x":{"usage":{"prompt_tokens":1}}}';
  assert.equal(decoder.decode({ event: undefined, data: counted })[0]?.id, 'c-1');
});

void test('openai stream decoder reads data with whitespace around it', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment(), { forwardOnly: true });
  const [chunk] = decoder.decode({ event: undefined, data: ' {"id":"c-1","choices":[]}\t' });
  assert.equal(sourceTextOf(chunk), '{"id":"c-1","choices":[]}');
  assert.deepEqual(decoder.decode({ event: undefined, data: ' [DONE] ' }), []);
  assert.equal(decoder.done, true);
});

void test('openai stream decoder ignores empty keep-alive data', () => {
  const decoder = codec.createStreamDecoder('chat', testDeployment());
  assert.deepEqual(decoder.decode({ event: undefined, data: '' }), []);
  assert.equal(decoder.done, false);
});
