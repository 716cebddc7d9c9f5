import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GatewayRequestBody } from '../../core/openai-types.ts';
import { TEST_API_KEY, testDeployment } from '../openai/fixtures/fixtures.ts';
import type { ProviderRequest } from '../provider.ts';
import { createAzureCodec } from './azure-codec.ts';
import { providerRequest } from '../testing/provider-request.ts';

const codec = createAzureCodec();

const deployment = testDeployment({
  provider: 'azure',
  upstreamModel: 'my-gpt4o',
  apiBase: 'https://contoso.openai.azure.com',
  apiVersion: '2024-06-01',
});

function request(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  const body: GatewayRequestBody = {
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    api_version: '2099-01-01',
    num_retries: 3,
  };
  return providerRequest(deployment, body, overrides);
}

void test('azure encode targets the deployment URL with api-version and an api-key header', () => {
  assert.deepEqual(codec.encode(request()), {
    url: 'https://contoso.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-06-01',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'api-key': TEST_API_KEY },
    body: '{"model":"my-gpt4o","messages":[{"role":"user","content":"hi"}]}',
  });
});

void test('azure encode maps completions and embeddings to their deployment paths', () => {
  assert.deepEqual(
    (['completion', 'embedding'] as const).map(
      (operation) => new URL(codec.encode(request({ operation })).url).pathname,
    ),
    ['/openai/deployments/my-gpt4o/completions', '/openai/deployments/my-gpt4o/embeddings'],
  );
});

void test('azure encode defaults api-version to 2024-10-21', () => {
  const call = codec.encode(request({ deployment: { ...deployment, apiVersion: undefined } }));
  assert.equal(new URL(call.url).searchParams.get('api-version'), '2024-10-21');
});

void test('azure encode does not double an api_base that already ends in /openai', () => {
  const call = codec.encode(
    request({ deployment: { ...deployment, apiBase: 'https://contoso.openai.azure.com/openai' } }),
  );
  assert.equal(new URL(call.url).pathname, '/openai/deployments/my-gpt4o/chat/completions');
});

void test('azure encode never sends an authorization header', () => {
  assert.equal(codec.encode(request()).headers.authorization, undefined);
});

void test('azure codec labels its errors AzureException', () => {
  const error = codec.mapError({
    status: 429,
    headers: {},
    bodyText:
      '{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded call rate limit."}}',
    deployment,
  });
  assert.equal(error.kind, 'RateLimitError');
  assert.match(error.message, /^litellm\.RateLimitError: AzureException - Requests to the/);
});
