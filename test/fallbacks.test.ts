/**
 * Fallbacks through the real proxy: which list runs for which error, per-group retries, depth
 * and cycles, client-side fallbacks, and LiteLLM's testing hooks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError } from './helpers/http.ts';
import type { MockUpstream } from '../src/testing/index.ts';

const start = useGateways();

type Name = 'primary' | 'backup' | 'big' | 'safe';

/** One group per upstream, named after it, with no retries unless a test adds them. */
function groups(upstreams: Readonly<Record<Name, MockUpstream>>, settings: string): string {
  const entries = (Object.keys(upstreams) as Name[]).map(
    (name) => `
  - model_name: ${name}
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstreams[name].baseUrl}, api_key: k }
    model_info: { id: dep-${name} }`,
  );
  return `model_list:${entries.join('')}\n${settings}`;
}

const ALL: readonly Name[] = ['primary', 'backup', 'big', 'safe'];

const CHAINS = `
router_settings:
  num_retries: 0
  fallbacks: [{ primary: [backup] }]
  context_window_fallbacks: [{ primary: [big] }]
  content_policy_fallbacks: [{ primary: [safe] }]
`;

void describe('fallbacks', E2E_SUITE, () => {
  void test('a 5xx on the primary group is answered by its generic fallback', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ status: 500 });
    const response = await chat(url, 'primary');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from backup');
    assert.equal(response.headers.get('x-litellm-model-group'), 'backup');
    assert.equal(response.headers.get('x-litellm-attempted-fallbacks'), '1');
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-backup');
  });

  void test('a context-window error goes to context_window_fallbacks, not the generic list', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ kind: 'context_length' });
    const response = await chat(url, 'primary');
    assert.equal(await chatContent(response), 'Hello from big');
    assert.equal(upstreams.backup.hits().total, 0);
  });

  void test('a content-policy error goes to content_policy_fallbacks', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ kind: 'content_policy' });
    const response = await chat(url, 'primary');
    assert.equal(await chatContent(response), 'Hello from safe');
  });

  void test('a 400 bad request runs no fallback', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ status: 400, times: 1 });
    const response = await chat(url, 'primary');
    await expectOpenAiError(response, 400);
    assert.equal(upstreams.backup.hits().total, 0);
  });

  void test('each fallback group runs its own retries', async () => {
    const { url, upstreams } = await start({
      upstreams: ALL,
      random: () => 0,
      config: (u) => `${groups(u, '')}
  - model_name: backup
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${u.safe.baseUrl}, api_key: k }
    model_info: { id: dep-backup-2 }
router_settings:
  num_retries: 1
  fallbacks: [{ primary: [backup] }]
`,
    });
    upstreams.primary.fail({ status: 429 });
    upstreams.backup.fail({ status: 429 });
    const response = await chat(url, 'primary');
    assert.equal(await chatContent(response), 'Hello from safe');
    // One retry spent in each group: primary tried twice, backup's first deployment then its second.
    assert.equal(upstreams.primary.hits().total, 2);
    assert.equal(upstreams.backup.hits().total, 1);
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '2');
  });

  void test('when every fallback fails the client gets the primary error naming what was tried', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ status: 503 });
    upstreams.backup.fail({ status: 500 });
    const response = await chat(url, 'primary');
    const error = await expectOpenAiError(response, 503);
    assert.match(error.message, /Fallbacks tried: backup \(InternalServerError\)/);
    assert.equal(response.headers.get('x-litellm-model-group'), 'primary');
    assert.equal(response.headers.get('x-litellm-attempted-fallbacks'), '1');
  });

  void test('a cycle of fallbacks tries each group once', async () => {
    const { url, upstreams } = await start({
      upstreams: ALL,
      config: (u) =>
        groups(
          u,
          `
router_settings:
  num_retries: 0
  fallbacks: [{ primary: [backup, primary, backup, big] }]
`,
        ),
    });
    upstreams.primary.fail({ status: 500 });
    upstreams.backup.fail({ status: 500 });
    upstreams.big.fail({ status: 500 });
    await expectOpenAiError(await chat(url, 'primary'), 500);
    assert.deepEqual(
      [upstreams.primary.hits().total, upstreams.backup.hits().total, upstreams.big.hits().total],
      [1, 1, 1],
    );
  });

  void test('max_fallbacks caps how many fallback groups are tried', async () => {
    const { url, upstreams } = await start({
      upstreams: ALL,
      config: (u) =>
        groups(
          u,
          `
router_settings:
  num_retries: 0
  max_fallbacks: 1
  fallbacks: [{ primary: [backup, big] }]
`,
        ),
    });
    upstreams.primary.fail({ status: 500 });
    upstreams.backup.fail({ status: 500 });
    await expectOpenAiError(await chat(url, 'primary'), 500);
    assert.equal(upstreams.big.hits().total, 0);
  });

  void test('"*" default fallbacks serve a group with no list of its own', async () => {
    const { url, upstreams } = await start({
      upstreams: ALL,
      config: (u) =>
        groups(u, `router_settings:\n  num_retries: 0\n  fallbacks: [{ "*": [safe] }]\n`),
    });
    upstreams.big.fail({ status: 500 });
    assert.equal(await chatContent(await chat(url, 'big')), 'Hello from safe');
  });

  void test('a "*" entry of context_window_fallbacks serves every group', async () => {
    const { url, upstreams } = await start({
      upstreams: ALL,
      config: (u) =>
        groups(
          u,
          `router_settings:\n  num_retries: 0\n  context_window_fallbacks: [{ "*": [big] }]\n`,
        ),
    });
    upstreams.primary.fail({ kind: 'context_length' });
    assert.equal(await chatContent(await chat(url, 'primary')), 'Hello from big');
  });

  void test('a fallback may name a deployment id', async () => {
    const { url, upstreams } = await start({
      upstreams: ALL,
      config: (u) =>
        groups(u, `router_settings:\n  num_retries: 0\n  fallbacks: [{ primary: [dep-big] }]\n`),
    });
    upstreams.primary.fail({ status: 500 });
    const response = await chat(url, 'primary');
    assert.equal(await chatContent(response), 'Hello from big');
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-big');
  });

  void test('a 200 stopped by the content filter goes to content_policy_fallbacks', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({
      status: 200,
      body: {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: '' },
            finish_reason: 'content_filter',
          },
        ],
      },
    });
    assert.equal(await chatContent(await chat(url, 'primary')), 'Hello from safe');
  });
});

void describe('client-side fallbacks', E2E_SUITE, () => {
  void test('fallbacks in the body replace the configured list', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ status: 500 });
    const response = await chat(url, 'primary', { fallbacks: ['big'] });
    assert.equal(await chatContent(response), 'Hello from big');
    assert.equal(upstreams.backup.hits().total, 0);
  });

  void test('a fallback object overrides request fields but never connection fields', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ status: 500 });
    const response = await chat(url, 'primary', {
      fallbacks: [
        { model: 'big', max_tokens: 7, api_base: 'http://127.0.0.1:9/v1', api_key: 'stolen' },
      ],
    });
    assert.equal(await chatContent(response), 'Hello from big');
    const sent = upstreams.big.requests()[0];
    assert.equal((sent?.body as { max_tokens?: number }).max_tokens, 7);
    assert.equal(sent?.headers.authorization, 'Bearer k');
  });

  void test('an unknown client fallback is a 400 before any upstream is called', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    const error = await expectOpenAiError(await chat(url, 'primary', { fallbacks: ['nope'] }), 400);
    assert.equal(error.param, 'fallbacks');
    assert.equal(upstreams.primary.hits().total, 0);
  });

  void test('disable_fallbacks turns every fallback off', async () => {
    const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
    upstreams.primary.fail({ status: 500 });
    await expectOpenAiError(await chat(url, 'primary', { disable_fallbacks: true }), 500);
    assert.equal(upstreams.backup.hits().total, 0);
  });
});

void describe('testing hooks', E2E_SUITE, () => {
  for (const [flag, target] of [
    ['mock_testing_fallbacks', 'backup'],
    ['mock_testing_context_fallbacks', 'big'],
    ['mock_testing_content_policy_fallbacks', 'safe'],
    ['mock_testing_rate_limit_error', 'backup'],
    ['mock_timeout', 'backup'],
  ] as const) {
    void test(`${flag} fails the primary without calling it and runs the matching fallback`, async () => {
      const { url, upstreams } = await start({ upstreams: ALL, config: (u) => groups(u, CHAINS) });
      const response = await chat(url, 'primary', { [flag]: true });
      assert.equal(await chatContent(response), `Hello from ${target}`);
      assert.equal(upstreams.primary.hits().total, 0);
    });
  }
});
