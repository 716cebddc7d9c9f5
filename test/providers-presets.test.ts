/**
 * Hugging Face TGI and the OpenAI-compatible presets through the gateway, against the OpenAI-wire
 * mock: the URL each builds, the key each sends, their errors and failover between them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import {
  chat,
  chatContent,
  expectOpenAiError,
  sseData,
  streamChunks,
  streamedText,
} from './helpers/http.ts';

const start = useGateways();

void describe('huggingface/ (TGI Messages API)', E2E_SUITE, () => {
  function startTgi(apiBase: (url: string) => string = (url) => url) {
    return start({
      upstreams: ['tgi'],
      config: ({ tgi }) => `
model_list:
  - model_name: tgi
    litellm_params:
      model: huggingface/meta-llama/Meta-Llama-3-8B-Instruct
      api_base: ${apiBase(tgi.url)}
      api_key: hf_test_token
`,
    });
  }

  void test('a TGI server root gets /v1/chat/completions and the token as a bearer', async () => {
    const { url, upstreams } = await startTgi();
    const response = await chat(url, 'tgi');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from tgi');
    const [request] = upstreams.tgi.requests();
    assert.equal(request?.path, '/v1/chat/completions');
    assert.equal(request?.headers.authorization, 'Bearer hf_test_token');
    assert.equal(
      (request?.body as { model?: string }).model,
      'meta-llama/Meta-Llama-3-8B-Instruct',
    );
  });

  void test('streams through the Messages API', async () => {
    const { url } = await startTgi((base) => `${base}/v1`);
    const response = await chat(url, 'tgi', { stream: true });
    const payloads = sseData(await response.text());
    assert.equal(payloads.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(payloads)), 'Hello from tgi');
  });

  void test("TGI's input validation error reaches the client as a context-window error", async () => {
    const { url, upstreams } = await startTgi();
    upstreams.tgi.fail({
      status: 422,
      body: {
        error: 'Input validation error: `inputs` must have less than 4096 tokens. Given: 5120',
        error_type: 'validation',
      },
    });
    const error = await expectOpenAiError(await chat(url, 'tgi'), 400);
    assert.match(
      error.message,
      /ContextWindowExceededError: HuggingfaceException - Input validation/,
    );
  });
});

void describe('OpenAI-compatible presets', E2E_SUITE, () => {
  void test('a groq/ 429 fails over to a together_ai/ deployment in the same group', async () => {
    const { url, upstreams } = await start({
      upstreams: ['groq', 'together'],
      random: () => 0,
      env: { GROQ_API_KEY: 'gsk-env-key' },
      config: ({ groq, together }) => `
model_list:
  - model_name: llama
    litellm_params: { model: groq/llama-3.1-8b-instant, api_base: "${groq.baseUrl}", api_key: gsk-test }
    model_info: { id: dep-groq }
  - model_name: llama
    litellm_params: { model: together_ai/meta-llama/Llama-3-8b-chat-hf, api_base: "${together.baseUrl}", api_key: tg-test }
    model_info: { id: dep-together }
`,
    });
    upstreams.groq.fail({ kind: 'rate_limit' });
    const response = await chat(url, 'llama');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from together');
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-together');
    assert.equal(upstreams.groq.requests()[0]?.headers.authorization, 'Bearer gsk-test');
    assert.equal(upstreams.together.requests()[0]?.path, '/v1/chat/completions');
  });

  void test("a preset's environment key is not sent to an api_base of the config's choosing", async () => {
    const { url, upstreams } = await start({
      upstreams: ['proxy'],
      env: { GROQ_API_KEY: 'gsk-env-key' },
      config: ({ proxy }) => `
model_list:
  - model_name: llama
    litellm_params: { model: groq/llama-3.1-8b-instant, api_base: "${proxy.baseUrl}" }
`,
    });
    await (await chat(url, 'llama')).body?.cancel();
    assert.equal(upstreams.proxy.requests()[0]?.headers.authorization, undefined);
  });

  void test('when every preset fails the client sees the last error with its label', async () => {
    const { url, upstreams } = await start({
      upstreams: ['mistral'],
      config: ({ mistral }) => `
model_list:
  - model_name: small
    litellm_params: { model: mistral/mistral-small-latest, api_base: "${mistral.baseUrl}", api_key: m }
router_settings: { num_retries: 0 }
`,
    });
    upstreams.mistral.fail({ kind: 'auth' });
    const error = await expectOpenAiError(await chat(url, 'small'), 401);
    assert.match(error.message, /AuthenticationError: MistralException - /);
  });
});
