/**
 * Pre-call checks through the proxy: the context window (with `enable_pre_call_checks`) and the
 * region restriction, asserted by which loopback upstream answers and what the client sees.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError } from './helpers/http.ts';

const start = useGateways();

/** A user message of roughly `tokens` tokens ("word " is one token in both encodings). */
function longText(tokens: number): string {
  return 'word '.repeat(tokens);
}

function bigChat(tokens: number): Record<string, unknown> {
  return { messages: [{ role: 'user', content: longText(tokens) }] };
}

void describe('context-window pre-call check', E2E_SUITE, () => {
  /** One `openai/gpt-4o-mini` deployment of `group` with these `model_info` fields. */
  const sized = (group: string, apiBase: string, info: string) => `
  - model_name: ${group}
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${apiBase}, api_key: k }
    model_info: { ${info} }`;
  /** `deployments` behind `enable_pre_call_checks`; `extra` lines go on under `router_settings`. */
  const windows = (deployments: readonly string[], extra = '') => `
model_list:${deployments.join('')}
router_settings:
  enable_pre_call_checks: true
${extra}`;
  const twoWindows = (small: string, large: string) =>
    windows([
      sized('chat', small, 'id: small, max_input_tokens: 1000'),
      sized('chat', large, 'id: large, max_input_tokens: 100000'),
    ]);

  void test('a request too big for one deployment lands on the bigger one', async () => {
    const { url, upstreams } = await start({
      upstreams: ['small', 'large'],
      config: ({ small, large }) => twoWindows(small.baseUrl, large.baseUrl),
    });
    for (let i = 0; i < 6; i += 1) {
      const response = await chat(url, 'chat', bigChat(3000));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-litellm-model-id'), 'large');
      await response.body?.cancel();
    }
    assert.equal(upstreams.small.hits().total, 0);
  });

  void test('small requests still use every deployment', async () => {
    const { url, upstreams } = await start({
      upstreams: ['small', 'large'],
      random: (() => {
        let n = 0;
        return () => ((n += 1) % 2 === 0 ? 0.1 : 0.9);
      })(),
      config: ({ small, large }) => twoWindows(small.baseUrl, large.baseUrl),
    });
    for (let i = 0; i < 4; i += 1) {
      const response = await chat(url, 'chat');
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    assert.ok(upstreams.small.hits().total > 0);
    assert.ok(upstreams.large.hits().total > 0);
  });

  void test('too big for every deployment: 400 ContextWindowExceededError naming the sizes', async () => {
    const { url, upstreams } = await start({
      upstreams: ['small', 'large'],
      config: ({ small, large }) =>
        windows([
          sized('chat', small.baseUrl, 'max_input_tokens: 500'),
          sized('chat', large.baseUrl, 'max_input_tokens: 1000'),
        ]),
    });
    const response = await chat(url, 'chat', bigChat(2000));
    const error = await expectOpenAiError(response, 400);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.param, 'messages');
    assert.match(error.message, /ContextWindowExceededError/);
    assert.match(error.message, /largest context window in model group chat is 1000 tokens/);
    assert.match(error.message, /the request has 20\d\d input tokens/);
    assert.equal(upstreams.small.hits().total + upstreams.large.hits().total, 0);
  });

  void test('context_window_fallbacks answer from the large-window group', async () => {
    const { url, upstreams } = await start({
      upstreams: ['small', 'large'],
      config: ({ small, large }) =>
        windows(
          [
            sized('short', small.baseUrl, 'max_input_tokens: 1000'),
            sized('long', large.baseUrl, 'max_input_tokens: 100000'),
          ],
          '  context_window_fallbacks: [{ short: [long] }]\n',
        ),
    });
    const response = await chat(url, 'short', bigChat(3000));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-litellm-model-group'), 'long');
    assert.equal(response.headers.get('x-litellm-attempted-fallbacks'), '1');
    assert.equal(await chatContent(response), 'Hello from large');
    assert.equal(upstreams.small.hits().total, 0);
  });

  void test('known model sizes apply without max_input_tokens (base_model for Azure names)', async () => {
    const { url, upstreams } = await start({
      upstreams: ['old', 'new'],
      config: ({ old, new: fresh }) => `
model_list:
  - model_name: chat
    litellm_params: { model: openai/my-gpt4-deployment, api_base: ${old.baseUrl}, api_key: k }
    model_info: { id: old, base_model: azure/gpt-4 }
  - model_name: chat
    litellm_params: { model: openai/gpt-4o, api_base: ${fresh.baseUrl}, api_key: k }
    model_info: { id: new }
router_settings:
  enable_pre_call_checks: true
`,
    });
    // gpt-4 takes 8_192 input tokens, gpt-4o 128_000.
    const response = await chat(url, 'chat', bigChat(9000));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-litellm-model-id'), 'new');
    await response.body?.cancel();
    assert.equal(upstreams.old.hits().total, 0);
  });

  void test('without enable_pre_call_checks nothing is counted: the upstream decides', async () => {
    const { url, upstreams } = await start({
      upstreams: ['small'],
      config: ({ small }) => `
model_list:
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${small.baseUrl}, api_key: k }
    model_info: { max_input_tokens: 10 }
`,
    });
    const response = await chat(url, 'chat', bigChat(100));
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.equal(upstreams.small.hits().total, 1);
  });
});

void describe('region restriction', E2E_SUITE, () => {
  const regions = (eu: string, us: string, bare: string) => `
model_list:
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${eu}, api_key: k, region_name: westeurope }
    model_info: { id: eu }
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${us}, api_key: k, region_name: us-east-1 }
    model_info: { id: us }
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${bare}, api_key: k }
    model_info: { id: bare }
`;
  const startRegions = () =>
    start({
      upstreams: ['eu', 'us', 'bare'],
      config: ({ eu, us, bare }) => regions(eu.baseUrl, us.baseUrl, bare.baseUrl),
    });

  void test('allowed_model_region in the body keeps the request in that region', async () => {
    const { url, upstreams } = await startRegions();
    for (let i = 0; i < 5; i += 1) {
      const response = await chat(url, 'chat', { allowed_model_region: 'eu' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-litellm-model-id'), 'eu');
      await response.body?.cancel();
    }
    assert.equal(upstreams.us.hits().total + upstreams.bare.hits().total, 0);
    const sent = upstreams.eu.requests().at(-1)?.body as Record<string, unknown>;
    assert.equal('allowed_model_region' in sent, false, 'never forwarded upstream');
  });

  void test('the x-switchyard-allowed-region header restricts the same way', async () => {
    const { url, upstreams } = await startRegions();
    for (let i = 0; i < 5; i += 1) {
      const response = await chat(
        url,
        'chat',
        {},
        { headers: { 'x-switchyard-allowed-region': 'US' } },
      );
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-litellm-model-id'), 'us');
      await response.body?.cancel();
    }
    assert.equal(upstreams.eu.hits().total + upstreams.bare.hits().total, 0);
  });

  void test('a region no deployment is in: 400 naming the regions, nothing called', async () => {
    const { url, upstreams } = await startRegions();
    const response = await chat(url, 'chat', { allowed_model_region: 'ap' });
    const error = await expectOpenAiError(response, 400);
    assert.equal(error.param, 'allowed_model_region');
    assert.match(error.message, /No deployment of model group chat is in region ap/);
    assert.match(error.message, /westeurope, us-east-1, unknown/);
    const hits =
      upstreams.eu.hits().total + upstreams.us.hits().total + upstreams.bare.hits().total;
    assert.equal(hits, 0);
  });

  void test('when the in-region deployment is benched, the client gets the all-benched 429', async () => {
    const { url, upstreams } = await startRegions();
    upstreams.eu.fail({ kind: 'auth', times: 1 });
    const first = await chat(url, 'chat', { allowed_model_region: 'eu' });
    assert.equal(first.status, 401);
    await first.body?.cancel();
    const second = await chat(url, 'chat', { allowed_model_region: 'eu' });
    const error = await expectOpenAiError(second, 429);
    assert.match(error.message, /No deployments available/);
    assert.ok(second.headers.get('retry-after') !== null);
    assert.equal(upstreams.us.hits().total + upstreams.bare.hits().total, 0);
  });
});
