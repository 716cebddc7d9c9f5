/**
 * The gateway as an OpenAI-compatible proxy: what the client gets back, and what the upstream
 * is sent, over real sockets.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import {
  assertNumericHeader,
  chat,
  chatContent,
  json,
  postJson,
  UUID,
  type EmbeddingList,
  type TextCompletion,
} from './helpers/http.ts';

const start = useGateways();

/** One group `chat-group` → deployment `dep-a` on upstream `a`, serving `gpt-4o-mini`. */
function startOneDeployment(extraYaml = ''): ReturnType<typeof start<'a'>> {
  return start({
    upstreams: ['a'],
    config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${a.baseUrl}
      api_key: sk-deployment-a
    model_info:
      id: dep-a
${extraYaml}`,
  });
}

void describe('proxying a chat completion', E2E_SUITE, () => {
  void test('returns the upstream answer with 200', async () => {
    const { url } = await startOneDeployment();
    const response = await chat(url, 'chat-group');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from a');
  });

  void test('sends the deployment model and key upstream, not the group name', async () => {
    const { url, upstreams } = await startOneDeployment();
    await (await chat(url, 'chat-group')).body?.cancel();
    const [request] = upstreams.a.requests();
    assert.equal(upstreams.a.hits().total, 1);
    assert.equal(request?.path, '/v1/chat/completions');
    assert.equal((request?.body as { model: string }).model, 'gpt-4o-mini');
    assert.equal(request?.headers.authorization, 'Bearer sk-deployment-a');
  });

  void test('describes how it was served in x-litellm headers', async () => {
    const { url, upstreams } = await startOneDeployment();
    const response = await chat(url, 'chat-group');
    await response.body?.cancel();
    assert.match(response.headers.get('x-litellm-call-id') ?? '', UUID);
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-a');
    assert.equal(response.headers.get('x-litellm-model-api-base'), upstreams.a.baseUrl);
    assert.equal(response.headers.get('x-litellm-model-group'), 'chat-group');
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '0');
    assertNumericHeader(response, 'x-litellm-response-duration-ms');
    assertNumericHeader(response, 'x-litellm-overhead-duration-ms');
  });

  void test('never forwards the client Authorization (the master key) upstream', async () => {
    const { url, upstreams } = await startOneDeployment(`
general_settings:
  master_key: sk-master-of-the-gateway
`);
    const response = await chat(
      url,
      'chat-group',
      {},
      {
        headers: { authorization: 'Bearer sk-master-of-the-gateway' },
      },
    );
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const headers = upstreams.a.requests()[0]?.headers ?? {};
    assert.equal(headers.authorization, 'Bearer sk-deployment-a');
    assert.ok(!JSON.stringify(headers).includes('sk-master-of-the-gateway'));
  });

  void test('strips api_base, base_url and api_key from the body: a client cannot redirect a deployment', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'attacker'],
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${a.baseUrl}
      api_key: sk-deployment-a
`,
    });
    const attackerBase = upstreams.attacker.baseUrl;
    const response = await chat(url, 'chat-group', {
      api_base: attackerBase,
      base_url: attackerBase,
      api_key: 'sk-client-supplied',
    });
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from a');
    assert.equal(upstreams.attacker.hits().total, 0);
    const request = upstreams.a.requests()[0];
    const body = request?.body as Record<string, unknown>;
    assert.equal('api_base' in body || 'base_url' in body || 'api_key' in body, false);
    assert.equal(request?.headers.authorization, 'Bearer sk-deployment-a');
  });

  void test('hides credentials written into api_base from headers and /health', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a'],
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://user:pw-in-url@127.0.0.1:${a.port}/v1
      api_key: sk-deployment-a
`,
    });
    const response = await chat(url, 'chat-group');
    await response.body?.cancel();
    assert.equal(response.headers.get('x-litellm-model-api-base'), upstreams.a.baseUrl);
    const health = await (await fetch(`${url}/health`)).text();
    assert.ok(health.includes(upstreams.a.baseUrl), health);
    assert.ok(!health.includes('pw-in-url') && !health.includes('user:'), health);
  });
});

void describe('other OpenAI endpoints', E2E_SUITE, () => {
  async function startAllModes(): ReturnType<typeof start<'a'>> {
    return start({
      upstreams: ['a'],
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
  - model_name: instruct
    litellm_params: { model: openai/gpt-3.5-turbo-instruct, api_base: ${a.baseUrl}, api_key: k }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${a.baseUrl}, api_key: k }
    model_info: { mode: embedding }
`,
    });
  }

  void test('serves /v1/completions', async () => {
    const { url, upstreams } = await startAllModes();
    const response = await postJson(`${url}/v1/completions`, { model: 'instruct', prompt: 'Hi' });
    assert.equal(response.status, 200);
    const body = await json<TextCompletion>(response);
    assert.equal(body.choices[0]?.text, 'Hello from a');
    assert.equal(upstreams.a.requests()[0]?.path, '/v1/completions');
  });

  void test('serves /v1/embeddings', async () => {
    const { url, upstreams } = await startAllModes();
    const response = await postJson(`${url}/v1/embeddings`, {
      model: 'embedder',
      input: ['one', 'two'],
    });
    assert.equal(response.status, 200);
    const body = await json<EmbeddingList>(response);
    assert.equal(body.data.length, 2);
    assert.ok((body.data[0]?.embedding.length ?? 0) > 0);
    const request = upstreams.a.requests()[0];
    assert.equal(request?.path, '/v1/embeddings');
    assert.equal((request?.body as { model: string }).model, 'text-embedding-3-small');
  });

  void test('serves the unprefixed /chat/completions alias', async () => {
    const { url } = await startAllModes();
    const response = await postJson(`${url}/chat/completions`, {
      model: 'chat-group',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from a');
  });

  void test('lists the model groups on /v1/models', async () => {
    const { url } = await startAllModes();
    const response = await fetch(`${url}/v1/models`);
    assert.equal(response.status, 200);
    const body = await json<{ object: string; data: { id: string; object: string }[] }>(response);
    assert.equal(body.object, 'list');
    assert.deepEqual(
      body.data.map((model) => model.id),
      ['chat-group', 'instruct', 'embedder'],
    );
  });
});
