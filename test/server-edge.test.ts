/** The gateway's own edge: master key, input checks before any upstream call, and /health. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError, json, postJson } from './helpers/http.ts';

const start = useGateways();

void describe('master key', E2E_SUITE, () => {
  const MASTER_KEY = 'sk-e2e-master-key';

  function startWithKey(): ReturnType<typeof start<'a'>> {
    return start({
      upstreams: ['a'],
      env: { TEST_MASTER_KEY: MASTER_KEY },
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
general_settings:
  master_key: os.environ/TEST_MASTER_KEY
`,
    });
  }

  void test('refuses a request without a key with 401 and calls no upstream', async () => {
    const { url, upstreams } = await startWithKey();
    const error = await expectOpenAiError(await chat(url, 'chat-group'), 401);
    assert.match(error.message, /No api key passed/);
    assert.equal(upstreams.a.hits().total, 0);
  });

  void test('refuses a wrong key with 401', async () => {
    const { url, upstreams } = await startWithKey();
    const response = await chat(
      url,
      'chat-group',
      {},
      {
        headers: { authorization: 'Bearer sk-not-the-key' },
      },
    );
    const error = await expectOpenAiError(response, 401);
    assert.ok(!error.message.includes('sk-not-the-key'), 'the presented key is not echoed');
    assert.equal(upstreams.a.hits().total, 0);
  });

  void test('accepts the master key from the environment reference', async () => {
    const { url } = await startWithKey();
    const response = await chat(
      url,
      'chat-group',
      {},
      {
        headers: { authorization: `Bearer ${MASTER_KEY}` },
      },
    );
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from a');
  });

  void test('leaves liveness and readiness open without a key', async () => {
    const { url } = await startWithKey();
    const liveness = await fetch(`${url}/health/liveliness`);
    assert.equal(liveness.status, 200);
    assert.equal(await json<string>(liveness), "I'm alive!");
    const readiness = await fetch(`${url}/health/readiness`);
    assert.equal(readiness.status, 200);
    assert.equal((await json<{ status: string }>(readiness)).status, 'healthy');
  });
});

void describe('bad input never reaches an upstream', E2E_SUITE, () => {
  function startGuarded(): ReturnType<typeof start<'a'>> {
    return start({
      upstreams: ['a'],
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
  - model_name: other-group
    litellm_params: { model: openai/gpt-4o, api_base: ${a.baseUrl}, api_key: k }
general_settings:
  max_request_size_mb: 0.001
`,
    });
  }

  void test('malformed JSON is a 400', async () => {
    const { url, upstreams } = await startGuarded();
    const response = await postJson(`${url}/v1/chat/completions`, '{"model": "chat-group", ');
    await expectOpenAiError(response, 400);
    assert.equal(upstreams.a.hits().total, 0);
  });

  void test('a chat request without messages is a 400 naming the messages param', async () => {
    const { url, upstreams } = await startGuarded();
    const response = await postJson(`${url}/v1/chat/completions`, { model: 'chat-group' });
    const error = await expectOpenAiError(response, 400);
    assert.equal(error.param, 'messages');
    assert.equal(upstreams.a.hits().total, 0);
  });

  void test('an unknown model is a 400 naming it and listing the groups', async () => {
    const { url, upstreams } = await startGuarded();
    const error = await expectOpenAiError(await chat(url, 'no-such-model'), 400);
    assert.match(error.message, /no-such-model/);
    assert.match(error.message, /chat-group/);
    assert.match(error.message, /other-group/);
    assert.equal(upstreams.a.hits().total, 0);
  });

  void test('a body over max_request_size_mb is a 413', async () => {
    const { url, upstreams } = await startGuarded();
    // 0.001 MB is 1049 bytes.
    const response = await chat(url, 'chat-group', { padding: 'x'.repeat(2_000) });
    await expectOpenAiError(response, 413);
    assert.equal(upstreams.a.hits().total, 0);
  });
});

void describe('/health', E2E_SUITE, () => {
  void test('reports a stopped upstream as unhealthy without revealing any api_key', async () => {
    const { url, upstreams } = await start({
      upstreams: ['up', 'down'],
      config: ({ up, down }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${up.baseUrl}, api_key: sk-health-secret-up }
    model_info: { id: dep-up }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${down.baseUrl}, api_key: sk-health-secret-down }
    model_info: { id: dep-down }
`,
    });
    await upstreams.down.stop();
    const response = await fetch(`${url}/health`);
    assert.equal(response.status, 200);
    const text = await response.text();
    const report = JSON.parse(text) as {
      healthy_count: number;
      unhealthy_count: number;
      healthy_endpoints: { model_id: string }[];
      unhealthy_endpoints: { model_id: string; error?: unknown }[];
    };
    assert.equal(report.healthy_count, 1);
    assert.equal(report.unhealthy_count, 1);
    assert.equal(report.healthy_endpoints[0]?.model_id, 'dep-up');
    assert.equal(report.unhealthy_endpoints[0]?.model_id, 'dep-down');
    assert.equal(typeof report.unhealthy_endpoints[0]?.error, 'string');
    assert.ok(!text.includes('sk-health-secret'), text);
    assert.equal(upstreams.up.hits().total, 1);
  });
});
