/**
 * Model names beyond plain groups, through the proxy: `model_group_alias` (listed and hidden)
 * and wildcard groups (`openai/*`, `*`), asserted by which upstream answers, the model name it
 * was asked for, the response headers and the model list.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError, json } from './helpers/http.ts';

const start = useGateways();

type Upstreams = 'exact' | 'wild' | 'any' | 'plain';

/** An exact group, `openai/*`, `*`, a plain group and two aliases of it. */
function config(u: Record<Upstreams, { baseUrl: string }>): string {
  return `
model_list:
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${u.plain.baseUrl}, api_key: k }
    model_info: { id: plain }
  - model_name: openai/gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${u.exact.baseUrl}, api_key: k }
  - model_name: "*"
    litellm_params: { model: "openai/*", api_base: ${u.any.baseUrl}, api_key: k }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_base: ${u.wild.baseUrl}, api_key: k }
    model_info: { id: openai-wildcard }
router_settings:
  model_group_alias:
    fast: chat
    secret: { model: chat, hidden: true }
    mini: openai/gpt-4.1-mini
`;
}

function upstreamModel(mock: { requests(): { body: unknown }[] }): unknown {
  return (mock.requests().at(-1)?.body as Record<string, unknown> | undefined)?.model;
}

void describe('model_group_alias', E2E_SUITE, () => {
  void test('a listed alias routes to its group and is named in the headers', async () => {
    const { url, upstreams } = await start({
      upstreams: ['exact', 'wild', 'any', 'plain'],
      config,
    });
    const response = await chat(url, 'fast');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from plain');
    assert.equal(response.headers.get('x-litellm-model-group'), 'fast');
    assert.equal(response.headers.get('x-litellm-model-id'), 'plain');
    assert.equal(upstreamModel(upstreams.plain), 'gpt-4o-mini');
  });

  void test('a hidden alias routes but is not listed', async () => {
    const { url } = await start({ upstreams: ['exact', 'wild', 'any', 'plain'], config });
    const response = await chat(url, 'secret');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from plain');
    const list = await json<{ data: { id: string }[] }>(await fetch(`${url}/v1/models`));
    const ids = list.data.map((entry) => entry.id);
    assert.deepEqual(ids, ['chat', 'openai/gpt-4o', 'openai/*', '*', 'fast', 'mini']);
  });

  void test('an alias of a name a wildcard serves calls that model', async () => {
    const { url, upstreams } = await start({
      upstreams: ['exact', 'wild', 'any', 'plain'],
      config,
    });
    const response = await chat(url, 'mini');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from wild');
    assert.equal(upstreamModel(upstreams.wild), 'gpt-4.1-mini');
  });
});

void describe('wildcard groups', E2E_SUITE, () => {
  void test('openai/* sends the matched part upstream and names the requested model', async () => {
    const { url, upstreams } = await start({
      upstreams: ['exact', 'wild', 'any', 'plain'],
      config,
    });
    const response = await chat(url, 'openai/gpt-4o-mini');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from wild');
    assert.equal(upstreamModel(upstreams.wild), 'gpt-4o-mini');
    assert.equal(response.headers.get('x-litellm-model-group'), 'openai/gpt-4o-mini');
    assert.equal(response.headers.get('x-litellm-model-api-base'), upstreams.wild.baseUrl);
    const id = response.headers.get('x-litellm-model-id');
    assert.match(id ?? '', /^[0-9a-f]{16}$/);
    assert.notEqual(id, 'openai-wildcard', 'each concrete model has an id of its own');
  });

  void test('an exact group wins over the wildcards', async () => {
    const { url, upstreams } = await start({
      upstreams: ['exact', 'wild', 'any', 'plain'],
      config,
    });
    const response = await chat(url, 'openai/gpt-4o');
    assert.equal(await chatContent(response), 'Hello from exact');
    assert.equal(upstreams.wild.hits().total + upstreams.any.hits().total, 0);
  });

  void test('the most specific pattern wins; "*" takes any other name', async () => {
    const { url, upstreams } = await start({
      upstreams: ['exact', 'wild', 'any', 'plain'],
      config,
    });
    const response = await chat(url, 'my-finetune');
    assert.equal(await chatContent(response), 'Hello from any');
    assert.equal(upstreamModel(upstreams.any), 'my-finetune');
    assert.equal(upstreams.wild.hits().total, 0);
  });

  void test('a wildcard deployment is benched per concrete model', async () => {
    const { url, upstreams } = await start({
      upstreams: ['exact', 'wild', 'any', 'plain'],
      config,
    });
    upstreams.wild.fail({ kind: 'auth', times: 1 });
    const failed = await chat(url, 'openai/gpt-4o-mini');
    assert.equal(failed.status, 401);
    await failed.body?.cancel();
    const benched = await chat(url, 'openai/gpt-4o-mini');
    const error = await expectOpenAiError(benched, 429);
    assert.match(error.message, /No deployments available/);
    const other = await chat(url, 'openai/gpt-4.1');
    assert.equal(other.status, 200, 'another model of the same wildcard is not benched');
    assert.equal(await chatContent(other), 'Hello from wild');
  });

  void test('retries stay on the concrete model and client fallbacks may name wildcard models', async () => {
    const { url, upstreams } = await start({
      upstreams: ['exact', 'wild', 'any', 'plain'],
      config,
    });
    upstreams.wild.fail({ status: 500 });
    const response = await chat(url, 'openai/gpt-4o-mini', {
      fallbacks: ['openai/gpt-4o', 'chat'],
    });
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from exact');
    assert.equal(response.headers.get('x-litellm-attempted-fallbacks'), '1');
    assert.ok(upstreams.wild.hits().total >= 1);
    assert.ok(
      upstreams.wild.requests().every((r) => (r.body as { model: string }).model === 'gpt-4o-mini'),
    );
  });

  void test('a name no group or pattern serves is a 400 listing the models', async () => {
    const { url } = await start({
      upstreams: ['plain'],
      config: ({ plain }) => `
model_list:
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${plain.baseUrl}, api_key: k }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_base: ${plain.baseUrl}, api_key: k }
`,
    });
    const response = await chat(url, 'claude-3-haiku');
    const error = await expectOpenAiError(response, 400);
    assert.equal(error.param, 'model');
    assert.match(error.message, /model=claude-3-haiku/);
    assert.match(error.message, /Available: chat, openai\/\*/);
  });

  void test('metrics label wildcard traffic by the pattern, never by the requested name', async () => {
    const { url, gateway } = await start({ upstreams: ['exact', 'wild', 'any', 'plain'], config });
    for (const name of ['openai/a1', 'openai/a2', 'openai/a3']) {
      const response = await chat(url, name);
      await response.body?.cancel();
    }
    const text = await gateway.metrics.render();
    assert.doesNotMatch(text, /openai\/a1/);
    assert.match(text, /requested_model="openai\/\*",status_code="200"\} 3/);
  });
});
