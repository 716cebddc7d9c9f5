/** Upstream errors as the client sees them: OpenAI's error shape, status, and no retry on 4xx. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, expectOpenAiError } from './helpers/http.ts';

const start = useGateways();

function startOneDeployment(): ReturnType<typeof start<'a'>> {
  return start({
    upstreams: ['a'],
    config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
`,
  });
}

void describe('upstream client errors', E2E_SUITE, () => {
  void test('a 400 is not retried and reaches the client in OpenAI shape with the upstream message', async () => {
    const { url, upstreams } = await startOneDeployment();
    upstreams.a.fail({
      status: 400,
      body: {
        error: {
          message: 'Unrecognized request argument supplied: frobnicate',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    });
    const response = await chat(url, 'chat-group');
    const error = await expectOpenAiError(response, 400);
    assert.match(error.message, /Unrecognized request argument supplied: frobnicate/);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(upstreams.a.hits().total, 1);
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-a');
  });

  void test('a context length error is a 400 that says so', async () => {
    const { url, upstreams } = await startOneDeployment();
    upstreams.a.fail({ kind: 'context_length' });
    const error = await expectOpenAiError(await chat(url, 'chat-group'), 400);
    assert.match(error.message, /context/i);
    assert.equal(upstreams.a.hits().total, 1);
  });

  void test('an upstream authentication error is a 401', async () => {
    const { url, upstreams } = await startOneDeployment();
    upstreams.a.fail({ kind: 'auth' });
    const error = await expectOpenAiError(await chat(url, 'chat-group'), 401);
    assert.match(error.message, /api key/i);
    assert.equal(upstreams.a.hits().total, 1);
  });
});
