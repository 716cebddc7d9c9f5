/**
 * Google AI Studio (`gemini/…`) and Vertex AI (`vertex_ai/…`) deployments through the proxy,
 * against the Gemini loopback mock (which also mints Vertex OAuth tokens): answers, streams,
 * the Bearer token flow, and failures that fail over to an OpenAI deployment.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import {
  createTestServiceAccount,
  startMockGemini,
  type MockGemini,
  type MockGeminiOptions,
} from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import {
  chat,
  chatContent,
  expectOpenAiError,
  json,
  postJson,
  sseData,
  streamChunks,
  streamedText,
  type EmbeddingList,
} from './helpers/http.ts';

const GEMINI_KEY = 'AIza-planted-gemini-4d7e91';
const start = useGateways();

async function gemini(t: TestContext, options: MockGeminiOptions = {}): Promise<MockGemini> {
  const mock = await startMockGemini(options);
  t.after(() => mock.close());
  return mock;
}

function geminiEntry(group: string, mock: MockGemini, extra = ''): string {
  return `
  - model_name: ${group}
    litellm_params:
      model: gemini/gemini-2.0-flash
      api_base: ${mock.url}
      api_key: ${GEMINI_KEY}${extra}`;
}

/** A gateway with `flash` on the Gemini mock, `gpt` on an OpenAI mock, and `routerSettings`. */
function startFlashAndGpt(mock: MockGemini, routerSettings: string) {
  return start({
    upstreams: ['openai'],
    config: ({ openai }) => `
model_list:${geminiEntry('flash', mock)}
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: ${openai.baseUrl}, api_key: k }
router_settings:
${routerSettings}`,
  });
}

void describe('gemini/ deployments', E2E_SUITE, () => {
  void test('answer in OpenAI format; the key travels in x-goog-api-key, not the URL', async (t) => {
    const mock = await gemini(t);
    const { url } = await start({ config: () => `model_list:${geminiEntry('flash', mock)}` });
    const response = await chat(url, 'flash', { max_tokens: 50, num_retries: 1 });
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from gemini');
    const [request] = mock.requests();
    assert.equal(request?.path, '/v1beta/models/gemini-2.0-flash:generateContent');
    assert.equal(request?.headers['x-goog-api-key'], GEMINI_KEY);
    assert.ok(!request?.url.includes(GEMINI_KEY));
    assert.deepEqual(request?.body, {
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      generationConfig: { maxOutputTokens: 50 },
    });
  });

  void test('streams OpenAI chunks with usage, ending with [DONE]', async (t) => {
    const mock = await gemini(t);
    const { url } = await start({ config: () => `model_list:${geminiEntry('flash', mock)}` });
    const response = await chat(url, 'flash', { stream: true });
    assert.equal(response.status, 200);
    const payloads = sseData(await response.text());
    assert.equal(payloads.at(-1), '[DONE]');
    const chunks = streamChunks(payloads);
    assert.equal(streamedText(chunks), 'Hello from gemini');
    assert.ok(chunks.length >= 3, 'the answer came in pieces');
    const usage = (chunks.at(-1) as { usage?: { total_tokens?: number } }).usage;
    assert.equal(typeof usage?.total_tokens, 'number');
    assert.equal(
      mock.requests()[0]?.url,
      '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    );
  });

  void test('embeddings go through batchEmbedContents', async (t) => {
    const mock = await gemini(t);
    const { url } = await start({
      config: () => `
model_list:
  - model_name: embed
    litellm_params: { model: gemini/text-embedding-004, api_base: ${mock.url}, api_key: k }
`,
    });
    const response = await postJson(`${url}/v1/embeddings`, { model: 'embed', input: ['a', 'b'] });
    assert.equal(response.status, 200);
    const body = await json<EmbeddingList>(response);
    assert.equal(body.data.length, 2);
    assert.equal(mock.requests()[0]?.path, '/v1beta/models/text-embedding-004:batchEmbedContents');
  });

  void test('a 429 RESOURCE_EXHAUSTED fails over to the OpenAI deployment of the same group', async (t) => {
    const mock = await gemini(t);
    mock.fail({ status: 429, message: 'Resource has been exhausted (e.g. check quota).' });
    const { url, upstreams } = await start({
      upstreams: ['openai'],
      config: ({ openai }) => `
model_list:${geminiEntry('chat', mock, '\n      order: 1')}
  - model_name: chat
    litellm_params: { model: openai/gpt-4o, api_base: ${openai.baseUrl}, api_key: k, order: 2 }
`,
    });
    const response = await chat(url, 'chat');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from openai');
    assert.equal(mock.hits().generate, 1);
    assert.equal(upstreams.openai.hits().total, 1);
  });

  void test('a streamed 429 falls back to another group before the first byte', async (t) => {
    const mock = await gemini(t);
    mock.fail({ status: 429, routes: ['stream'] });
    const { url, upstreams } = await startFlashAndGpt(
      mock,
      '  num_retries: 0\n  fallbacks: [{ flash: [gpt] }]\n',
    );
    const response = await chat(url, 'flash', { stream: true });
    assert.equal(response.status, 200);
    const payloads = sseData(await response.text());
    assert.equal(streamedText(streamChunks(payloads)), 'Hello from openai');
    assert.equal(payloads.at(-1), '[DONE]');
    assert.equal(upstreams.openai.hits().total, 1);
  });

  void test('a blocked prompt runs content_policy_fallbacks', async (t) => {
    const mock = await gemini(t);
    mock.fail({ blockReason: 'SAFETY' });
    const { url } = await startFlashAndGpt(
      mock,
      '  content_policy_fallbacks: [{ flash: [gpt] }]\n',
    );
    const response = await chat(url, 'flash');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from openai');
  });

  void test('when every attempt fails the client gets the 429 in OpenAI shape, without the key', async (t) => {
    const mock = await gemini(t);
    mock.fail({
      status: 429,
      message: `Quota exceeded for key ${GEMINI_KEY}`,
      retryAfter: 7,
      times: 10,
    });
    const { url } = await start({
      config: () =>
        `model_list:${geminiEntry('flash', mock)}\nrouter_settings: { num_retries: 0 }\n`,
    });
    const response = await chat(url, 'flash');
    const error = await expectOpenAiError(response, 429);
    assert.match(error.message, /^litellm\.RateLimitError: GeminiException - Quota exceeded/);
    assert.ok(!error.message.includes(GEMINI_KEY));
    assert.equal(error.type, 'rate_limit_error');
  });

  void test('an invalid API key (400 API_KEY_INVALID) reaches the client as 401', async (t) => {
    const mock = await gemini(t);
    mock.fail({
      status: 400,
      message: 'API key not valid. Please pass a valid API key.',
      reason: 'API_KEY_INVALID',
    });
    const { url } = await start({ config: () => `model_list:${geminiEntry('flash', mock)}` });
    const error = await expectOpenAiError(await chat(url, 'flash'), 401);
    assert.match(error.message, /AuthenticationError: GeminiException - API key not valid/);
  });
});

void describe('vertex_ai/ deployments', E2E_SUITE, () => {
  async function startVertex(t: TestContext) {
    const probe = createTestServiceAccount('http://127.0.0.1:1/token');
    const mock = await gemini(t, { name: 'vertex', publicKey: probe.publicKey });
    const credentials = JSON.stringify({ ...JSON.parse(probe.json), token_uri: mock.tokenUrl });
    const fixture = await start({
      config: () => `
model_list:
  - model_name: vertex-flash
    litellm_params:
      model: vertex_ai/gemini-2.0-flash
      api_base: ${mock.url}
      vertex_project: my-project
      vertex_location: europe-west4
      vertex_credentials: os.environ/VERTEX_SA_JSON
`,
      env: { VERTEX_SA_JSON: credentials },
    });
    return { ...fixture, mock };
  }

  void test('answers with a Bearer token minted from the service account, reused across calls', async (t) => {
    const { url, mock } = await startVertex(t);
    for (let i = 0; i < 2; i += 1) {
      const response = await chat(url, 'vertex-flash');
      assert.equal(response.status, 200);
      assert.equal(await chatContent(response), 'Hello from vertex');
    }
    const calls = mock.requests().filter((request) => request.route === 'generate');
    assert.equal(
      calls[0]?.path,
      '/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.0-flash:generateContent',
    );
    assert.deepEqual(
      calls.map((call) => call.headers.authorization),
      ['Bearer ya29.mock-token-1', 'Bearer ya29.mock-token-1'],
    );
    assert.equal(mock.hits().token, 1);
  });

  void test('streams through streamGenerateContent with the same token', async (t) => {
    const { url, mock } = await startVertex(t);
    const response = await chat(url, 'vertex-flash', { stream: true });
    assert.equal(response.status, 200);
    const payloads = sseData(await response.text());
    assert.equal(payloads.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(payloads)), 'Hello from vertex');
    assert.equal(
      mock.requests().find((r) => r.route === 'stream')?.headers.authorization,
      'Bearer ya29.mock-token-1',
    );
  });

  void test('the location is the deployment region, and secrets stay out of /health and errors', async (t) => {
    const { url, mock, gateway } = await startVertex(t);
    const [deployment] = gateway.router.plan.deployments.values();
    assert.equal(deployment?.region, 'europe-west4');
    mock.fail({ status: 403, message: 'Permission denied on resource project my-project.' });
    const error = await expectOpenAiError(await chat(url, 'vertex-flash'), 403);
    assert.match(
      error.message,
      /^litellm\.PermissionDeniedError: VertexAIException - Permission denied/,
    );
    const health = await (await fetch(`${url}/health`)).text();
    for (const text of [error.message, health]) {
      assert.ok(!text.includes('PRIVATE KEY') && !text.includes('ya29.'), text);
    }
  });
});
