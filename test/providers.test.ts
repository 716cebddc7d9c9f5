/** Provider-specific wire formats and the socket-free mock provider, end to end. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent } from './helpers/http.ts';

const start = useGateways();

void describe('azure deployments', E2E_SUITE, () => {
  function startAzure(): ReturnType<typeof start<'azure'>> {
    return start({
      upstreams: ['azure'],
      config: ({ azure }) => `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/my-gpt4o-deployment
      api_base: ${azure.url}
      api_version: 2024-06-01
      api_key: k
`,
    });
  }

  void test('calls the deployment URL with the api-version query', async () => {
    const { url, upstreams } = await startAzure();
    const response = await chat(url, 'gpt-4o');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from azure');
    const request = upstreams.azure.requests()[0];
    assert.equal(request?.path, '/openai/deployments/my-gpt4o-deployment/chat/completions');
    assert.equal(
      request?.url,
      '/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-06-01',
    );
  });

  void test('authenticates with the api-key header and no authorization header', async () => {
    const { url, upstreams } = await startAzure();
    await (await chat(url, 'gpt-4o')).body?.cancel();
    const headers = upstreams.azure.requests()[0]?.headers ?? {};
    assert.equal(headers['api-key'], 'k');
    assert.equal(headers.authorization, undefined);
  });
});

void describe('mock responses', E2E_SUITE, () => {
  void test('a mock/ deployment answers its mock_response without calling any upstream', async () => {
    const { url, upstreams } = await start({
      upstreams: ['bystander'],
      config: ({ bystander }) => `
model_list:
  - model_name: canned
    litellm_params:
      model: mock/gpt-4o
      mock_response: Canned answer.
  - model_name: real
    litellm_params: { model: openai/gpt-4o, api_base: ${bystander.baseUrl}, api_key: k }
`,
    });
    const response = await chat(url, 'canned');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Canned answer.');
    assert.equal(upstreams.bystander.hits().total, 0);
  });

  void test('a body mock_response on a real deployment answers that text and skips the upstream', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a'],
      config: ({ a }) => `
model_list:
  - model_name: real
    litellm_params: { model: openai/gpt-4o, api_base: ${a.baseUrl}, api_key: k }
`,
    });
    const response = await chat(url, 'real', { mock_response: 'Mocked by the client.' });
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Mocked by the client.');
    assert.equal(upstreams.a.hits().total, 0);
  });
});
