/**
 * Every routing strategy through the proxy: loopback mock upstreams of different speeds and
 * prices, requests over real HTTP, judged by which upstream each request reached.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type MockUpstream, seededRandom } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, waitFor } from './helpers/http.ts';

const start = useGateways();

/** What sets one deployment apart: its upstream model and extra `litellm_params` lines. */
interface Variant {
  readonly model?: string;
  readonly params?: string;
}

/** A group of one deployment per upstream (id `dep-<name>`), under `strategy`. */
function config(
  strategy: string,
  upstreams: readonly MockUpstream[],
  variants: readonly Variant[] = [],
  settings = '',
): string {
  const entries = upstreams.map(
    (mock, index) => `
  - model_name: chat-group
    litellm_params:
      model: ${variants[index]?.model ?? 'openai/gpt-4o-mini'}
      api_base: ${mock.baseUrl}
      api_key: k
      ${variants[index]?.params ?? ''}
    model_info: { id: dep-${mock.name} }`,
  );
  return `model_list:${entries.join('')}\nrouter_settings:\n  routing_strategy: ${strategy}\n${settings}`;
}

/** Sends `count` requests one after another; returns the deployment id that served each. */
async function servedBy(url: string, count: number): Promise<string[]> {
  const served: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await chat(url, 'chat-group');
    assert.equal(response.status, 200);
    await response.body?.cancel();
    served.push(response.headers.get('x-litellm-model-id') ?? '?');
  }
  return served;
}

void describe('least-busy', E2E_SUITE, () => {
  void test('sends nothing to a deployment busy with a request while another is idle', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: seededRandom(1),
      config: ({ a, b }) => config('least-busy', [a, b]),
    });
    upstreams.a.fail({ hang: true, times: 1 });
    upstreams.b.fail({ hang: true, times: 1 });
    const controller = new AbortController();
    const held = chat(url, 'chat-group', {}, { signal: controller.signal }).catch(() => undefined);
    await waitFor(() => upstreams.a.hanging() + upstreams.b.hanging() === 1);
    const busy = upstreams.a.hanging() === 1 ? 'dep-a' : 'dep-b';
    const idle = busy === 'dep-a' ? upstreams.b : upstreams.a;
    idle.reset();
    assert.deepEqual(
      new Set(await servedBy(url, 10)),
      new Set([idle === upstreams.a ? 'dep-a' : 'dep-b']),
    );
    controller.abort();
    await held;
    await waitFor(() => upstreams.a.hanging() + upstreams.b.hanging() === 0);
    upstreams.a.reset();
    upstreams.b.reset();
    // Both idle again: ties are broken at random, so both serve.
    assert.deepEqual(new Set(await servedBy(url, 20)), new Set(['dep-a', 'dep-b']));
  });
});

void describe('usage-based-routing', E2E_SUITE, () => {
  for (const strategy of ['usage-based-routing', 'usage-based-routing-v2']) {
    void test(`${strategy} keeps the deployments' token usage level`, async () => {
      const { url, upstreams } = await start({
        upstreams: ['a', 'b', 'c'],
        random: seededRandom(2),
        config: ({ a, b, c }) => config(strategy, [a, b, c]),
      });
      const served = await servedBy(url, 30);
      // Same prompt and answer length everywhere: each picks the least used, so 10 apiece.
      for (const id of ['dep-a', 'dep-b', 'dep-c']) {
        assert.equal(served.filter((s) => s === id).length, 10, served.join(' '));
      }
      assert.equal(upstreams.a.hits().total, 10);
    });
  }
});

void describe('latency-based-routing', E2E_SUITE, () => {
  void test('moves traffic to the faster deployment, and follows it when speeds swap', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: seededRandom(3),
      config: ({ a, b }) =>
        config(
          'latency-based-routing',
          [a, b],
          [],
          '  routing_strategy_args: { max_latency_list_size: 3 }\n',
        ),
    });
    upstreams.b.setLatency(80);
    const first = await servedBy(url, 8);
    // Each unseen deployment is tried once, then the fast one serves.
    assert.deepEqual(new Set(first.slice(0, 2)), new Set(['dep-a', 'dep-b']));
    assert.deepEqual(first.slice(2), Array(6).fill('dep-a'));
    // a becomes slower than b ever measured; b is fast again (its one sample still says 80 ms).
    upstreams.a.setLatency(160);
    upstreams.b.setLatency(0);
    const after = await servedBy(url, 10);
    const moved = after.indexOf('dep-b');
    assert.ok(moved >= 0 && moved <= 4, after.join(' '));
    assert.deepEqual(after.slice(moved), Array(10 - moved).fill('dep-b'));
  });
});

void describe('power-of-two-choices', E2E_SUITE, () => {
  void test('prefers the deployment with the lower latency EWMA', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: seededRandom(4),
      config: ({ a, b }) => config('power-of-two-choices', [a, b]),
    });
    upstreams.a.setLatency(60);
    const served = await servedBy(url, 10);
    assert.deepEqual(served.slice(2), Array(8).fill('dep-b'));
  });
});

void describe('cost-based-routing', E2E_SUITE, () => {
  void test('sends everything to the cheapest deployment by its own prices', async () => {
    const { url } = await start({
      upstreams: ['a', 'b', 'c'],
      random: seededRandom(5),
      config: ({ a, b, c }) =>
        config(
          'cost-based-routing',
          [a, b, c],
          [
            { params: 'input_cost_per_token: 0.000003\n      output_cost_per_token: 0.000006' },
            { params: 'input_cost_per_token: 0.000001\n      output_cost_per_token: 0.000002' },
            // Priced nowhere: ranked after every priced deployment.
            { model: 'openai/my-local-model' },
          ],
        ),
    });
    assert.deepEqual(new Set(await servedBy(url, 10)), new Set(['dep-b']));
  });

  void test('knows list prices of well-known models, and spreads over equally cheap ones', async () => {
    const { url } = await start({
      upstreams: ['a', 'b', 'c'],
      random: seededRandom(6),
      config: ({ a, b, c }) =>
        config(
          'cost-based-routing',
          [a, b, c],
          [
            { model: 'openai/gpt-4o' },
            { model: 'openai/gpt-4o-mini' },
            { model: 'openai/gpt-4o-mini-2024-07-18' },
          ],
        ),
    });
    assert.deepEqual(new Set(await servedBy(url, 20)), new Set(['dep-b', 'dep-c']));
  });
});
