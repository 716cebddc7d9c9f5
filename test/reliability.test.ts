/**
 * Retries, connection failures, timeouts and client disconnects. Time moves only on a fake
 * clock; the tests wait for real events (a request reaching the mock), never for time.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFakeClock } from '../src/testing/index.ts';
import { advanceUntil } from './helpers/fake-time.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError, waitFor } from './helpers/http.ts';

const start = useGateways();

void describe('retries', E2E_SUITE, () => {
  void test('a 429 from one deployment is retried on the other and the client gets 200', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      // random() = 0 makes simple-shuffle try the first deployment first.
      random: () => 0,
      config: ({ a, b }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
    model_info: { id: dep-b }
`,
    });
    upstreams.a.fail({ status: 429, headers: { 'retry-after': '30' }, times: 1 });
    const response = await chat(url, 'chat-group');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from b');
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '1');
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-b');
    assert.equal(upstreams.a.hits().total, 1);
    assert.equal(upstreams.b.hits().total, 1);
  });

  void test('a single deployment answering 500 is tried num_retries + 1 times, then the 500 is returned', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
router_settings:
  num_retries: 2
`,
    });
    upstreams.a.fail({ status: 500 });
    const pending = chat(url, 'chat-group');
    // The backoff between tries of the same deployment runs on the fake clock.
    await advanceUntil(clock, () => upstreams.a.hits().total === 3);
    const response = await pending;
    await expectOpenAiError(response, 500);
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '2');
    assert.equal(upstreams.a.hits().total, 3);
  });
});

void describe('connection failures', E2E_SUITE, () => {
  function startOneDeployment(): ReturnType<typeof start<'a'>> {
    return start({
      upstreams: ['a'],
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
router_settings:
  num_retries: 0
`,
    });
  }

  void test('a refused connection is an APIConnectionError answer with x-litellm headers', async () => {
    const { url, upstreams } = await startOneDeployment();
    await upstreams.a.stop();
    const response = await chat(url, 'chat-group');
    assert.ok(response.status >= 500 && response.status < 600, `status ${response.status}`);
    const error = await expectOpenAiError(response, response.status);
    assert.equal(error.type, 'api_connection_error');
    assert.match(error.message, /APIConnectionError/);
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-a');
    assert.equal(response.headers.get('x-litellm-model-group'), 'chat-group');
    assert.ok(response.headers.get('x-litellm-call-id'));
  });

  void test('the gateway keeps serving once a refused upstream is back', async () => {
    const { url, upstreams } = await startOneDeployment();
    await upstreams.a.stop();
    await (await chat(url, 'chat-group')).body?.cancel();
    await upstreams.a.start();
    const response = await chat(url, 'chat-group');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from a');
  });
});

void describe('timeouts and cancellation', E2E_SUITE, () => {
  void test('an upstream that hangs past the deployment timeout gives 408 and its request is closed', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${a.baseUrl}
      api_key: k
      timeout: 5
router_settings:
  num_retries: 0
`,
    });
    upstreams.a.fail({ hang: true });
    const pending = chat(url, 'chat-group');
    await waitFor(() => upstreams.a.hanging() === 1);
    await clock.advanceAsync(4_999);
    assert.equal(upstreams.a.hanging(), 1, 'still waiting before the deadline');
    await clock.advanceAsync(1);
    const error = await expectOpenAiError(await pending, 408);
    assert.match(error.message, /timed out/i);
    await waitFor(() => upstreams.a.hanging() === 0);
  });

  void test('a client that disconnects cancels the upstream request', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a'],
      config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
`,
    });
    upstreams.a.fail({ hang: true });
    const controller = new AbortController();
    const pending = chat(url, 'chat-group', {}, { signal: controller.signal });
    await waitFor(() => upstreams.a.hanging() === 1);
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    await waitFor(() => upstreams.a.hanging() === 0);
    assert.equal(upstreams.a.hits().total, 1, 'not retried after the client left');
  });
});
