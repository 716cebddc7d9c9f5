/**
 * Ollama's native API through the gateway: `ollama/` (/api/generate) and `ollama_chat/`
 * (/api/chat) deployments in one group with a vLLM (OpenAI-wire) deployment, against a mock
 * Ollama and a mock OpenAI server on loopback.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { startMockOllama, type MockOllama } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import {
  chat,
  chatContent,
  expectOpenAiError,
  json,
  postJson,
  readUntilError,
  sseData,
  streamChunks,
  streamedText,
  type EmbeddingList,
} from './helpers/http.ts';

const start = useGateways();
const ollamas: MockOllama[] = [];
afterEach(async () => {
  await Promise.all(ollamas.splice(0).map((mock) => mock.close()));
});

type First = 'ollama_chat' | 'ollama' | 'vllm';

/**
 * Group `local`: ollama_chat/, ollama/ and hosted_vllm/ deployments, `first` listed first.
 * random() = 0 makes simple-shuffle pick the first listed deployment that is still a candidate.
 */
async function startSideBySide(first: First = 'ollama_chat') {
  const ollama = await startMockOllama();
  ollamas.push(ollama);
  const entries: Record<First, string> = {
    ollama_chat: `{ model: ollama_chat/llama3.2, api_base: "${ollama.url}" }
    model_info: { id: dep-ollama-chat }`,
    ollama: `{ model: ollama/llama3.2, api_base: "${ollama.url}" }
    model_info: { id: dep-ollama }`,
    vllm: `{ model: hosted_vllm/meta-llama/Llama-3-8B, api_base: "VLLM_BASE", api_key: k }
    model_info: { id: dep-vllm }`,
  };
  const order: First[] = [
    first,
    ...(['ollama_chat', 'ollama', 'vllm'] as const).filter((n) => n !== first),
  ];
  const fixture = await start({
    upstreams: ['vllm'],
    random: () => 0,
    config: ({ vllm }) =>
      `model_list:\n${order
        .map(
          (name) =>
            `  - model_name: local\n    litellm_params: ${entries[name].replace('VLLM_BASE', vllm.baseUrl)}`,
        )
        .join('\n')}\n`,
  });
  return { ...fixture, ollama };
}

void describe('vLLM and Ollama side by side', E2E_SUITE, () => {
  void test('an ollama_chat/ deployment answers through /api/chat', async () => {
    const { url, ollama, upstreams } = await startSideBySide('ollama_chat');
    const response = await chat(url, 'local', { max_tokens: 20, num_retries: 1 });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-ollama-chat');
    assert.equal(await chatContent(response), 'Hello from ollama');
    const [request] = ollama.requests();
    assert.equal(request?.path, '/api/chat');
    assert.deepEqual(request?.body, {
      model: 'llama3.2',
      stream: false,
      options: { num_predict: 20 },
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    assert.equal(upstreams.vllm.hits().total, 0);
  });

  void test('an ollama/ deployment answers through /api/generate', async () => {
    const { url, ollama } = await startSideBySide('ollama');
    const response = await chat(url, 'local', {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from ollama');
    const [request] = ollama.requests();
    assert.equal(request?.path, '/api/generate');
    assert.equal(request?.body?.prompt, '### User:\nSay hello\n\n');
    assert.equal(request?.body?.system, 'Be brief.');
  });

  for (const first of ['ollama_chat', 'ollama'] as const) {
    void test(`${first}/ streams OpenAI chunks with usage, then [DONE]`, async () => {
      const { url, ollama } = await startSideBySide(first);
      const response = await chat(url, 'local', {
        stream: true,
        stream_options: { include_usage: true },
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
      const payloads = sseData(await response.text());
      assert.equal(payloads.at(-1), '[DONE]');
      const chunks = streamChunks(payloads);
      assert.equal(streamedText(chunks), 'Hello from ollama');
      assert.ok(chunks.length >= 3, 'the text came in pieces');
      const last = chunks.at(-1) as { usage?: unknown; choices?: { finish_reason?: string }[] };
      assert.deepEqual(last.usage, { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 });
      assert.equal(last.choices?.[0]?.finish_reason, 'stop');
      assert.equal(ollama.requests()[0]?.body?.stream, true);
    });
  }

  void test('an Ollama failure fails over to the vLLM deployment', async () => {
    const { url, ollama, upstreams } = await startSideBySide('ollama_chat');
    ollama.fail({ status: 503 });
    const response = await chat(url, 'local');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from vllm');
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-vllm');
    assert.deepEqual(ollama.hits().byPath, { '/api/chat': 1, '/api/generate': 1 });
    assert.equal(upstreams.vllm.hits().total, 1);
  });

  void test('a stream whose Ollama upstream is rate limited starts on vLLM instead', async () => {
    const { url, ollama } = await startSideBySide('ollama');
    ollama.fail({ status: 429, headers: { 'retry-after': '1' } });
    const response = await chat(url, 'local', { stream: true });
    assert.equal(response.status, 200);
    const payloads = sseData(await response.text());
    assert.equal(payloads.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(payloads)), 'Hello from vllm');
  });

  void test('when every deployment fails the client gets the error in OpenAI shape', async () => {
    const { url, ollama, upstreams } = await startSideBySide('ollama_chat');
    ollama.fail({ status: 503 });
    upstreams.vllm.fail({ status: 503, times: 1 });
    const response = await chat(url, 'local');
    const error = await expectOpenAiError(response, 503);
    assert.match(error.message, /ServiceUnavailableError/);
  });

  void test('an error line mid-stream ends the client stream with an error event, no [DONE]', async () => {
    const { url, ollama } = await startSideBySide('ollama_chat');
    ollama.fail({ streamErrorAfter: 1, error: 'llama runner process has terminated' });
    const response = await chat(url, 'local', { stream: true });
    assert.equal(response.status, 200);
    const { text } = await readUntilError(response);
    const payloads = sseData(text);
    assert.ok(!payloads.includes('[DONE]'));
    const last = JSON.parse(payloads.at(-1) ?? '{}') as { error?: { message?: string } };
    assert.match(
      last.error?.message ?? '',
      /OllamaException - llama runner process has terminated/,
    );
  });
});

void describe('ollama errors and embeddings through the gateway', E2E_SUITE, () => {
  async function startSolo(provider: 'ollama' | 'ollama_chat') {
    const ollama = await startMockOllama();
    ollamas.push(ollama);
    const fixture = await start({
      config: () => `
model_list:
  - model_name: solo
    litellm_params: { model: ${provider}/llama3.2, api_base: "${ollama.url}" }
`,
    });
    return { ...fixture, ollama };
  }

  void test('a model that was never pulled is a 404 NotFoundError naming Ollama', async () => {
    const { url, ollama } = await startSolo('ollama_chat');
    ollama.fail({ status: 404, error: "model 'llama3.2' not found, try pulling it first" });
    const error = await expectOpenAiError(await chat(url, 'solo'), 404);
    assert.match(error.message, /NotFoundError: OllamaException - model 'llama3.2' not found/);
  });

  void test('embeddings go to /api/embed and come back as an OpenAI list', async () => {
    const { url, ollama } = await startSolo('ollama');
    const response = await postJson(`${url}/v1/embeddings`, { model: 'solo', input: ['a', 'b'] });
    assert.equal(response.status, 200);
    const body = await json<EmbeddingList & { usage: unknown }>(response);
    assert.equal(body.data.length, 2);
    assert.deepEqual(body.data[1]?.embedding, [0.2, -0.2, 0.3]);
    assert.deepEqual(body.usage, { prompt_tokens: 8, total_tokens: 8 });
    assert.equal(ollama.requests()[0]?.path, '/api/embed');
  });
});
