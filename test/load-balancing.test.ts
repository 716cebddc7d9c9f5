/**
 * simple-shuffle and `order` tiers, measured by which upstream the requests reach. The random
 * source is seeded, so the counts are the same on every run; the tolerance (±10 percentage
 * points of share) is what the strategy promises, not slack for flakiness.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type MockUpstream, seededRandom } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent } from './helpers/http.ts';
import { chatGroupConfig } from './helpers/model-list.ts';

const start = useGateways();

/** Sends `count` chat requests, `parallel` at a time; every one must succeed. */
async function sendMany(url: string, count: number, parallel = 10): Promise<void> {
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, async () => {
      const response = await chat(url, 'chat-group');
      assert.equal(response.status, 200);
      await response.body?.cancel();
    });
    await Promise.all(batch);
  }
}

function assertShare(mock: MockUpstream, total: number, expected: number): void {
  const share = mock.hits().total / total;
  assert.ok(
    Math.abs(share - expected) <= 0.1,
    `${mock.name} got ${mock.hits().total}/${total} (${share.toFixed(2)}), expected ~${expected}`,
  );
}

/** One simple-shuffle group of deployments, one per upstream, each with its litellm_params lines. */
function groupOf(upstreams: readonly MockUpstream[], params: readonly string[]): string {
  return chatGroupConfig(upstreams, params, '  routing_strategy: simple-shuffle\n');
}

void describe('simple-shuffle', E2E_SUITE, () => {
  void test('splits traffic by weight (3:1)', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: seededRandom(1),
      config: ({ a, b }) => groupOf([a, b], ['weight: 3', 'weight: 1']),
    });
    await sendMany(url, 200);
    assertShare(upstreams.a, 200, 0.75);
    assertShare(upstreams.b, 200, 0.25);
  });

  void test('splits traffic by rpm when no weight is set (100:300)', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: seededRandom(2),
      config: ({ a, b }) => groupOf([a, b], ['rpm: 100', 'rpm: 300']),
    });
    await sendMany(url, 200);
    assertShare(upstreams.a, 200, 0.25);
    assertShare(upstreams.b, 200, 0.75);
  });

  void test('gives a deployment without a weight the mean weight of the others', async () => {
    // Weights 1 and 5, the third unset: it counts as 3, so the shares are 1/9, 5/9 and 3/9.
    const { url, upstreams } = await start({
      upstreams: ['a', 'b', 'c'],
      random: seededRandom(3),
      config: ({ a, b, c }) => groupOf([a, b, c], ['weight: 1', 'weight: 5', '']),
    });
    await sendMany(url, 270);
    assertShare(upstreams.a, 270, 1 / 9);
    assertShare(upstreams.b, 270, 5 / 9);
    assertShare(upstreams.c, 270, 3 / 9);
  });
});

void describe('order tiers', E2E_SUITE, () => {
  function startTiers(): ReturnType<typeof start<'first' | 'second'>> {
    return start({
      upstreams: ['first', 'second'],
      random: seededRandom(4),
      config: ({ first, second }) => groupOf([first, second], ['order: 1', 'order: 2']),
    });
  }

  void test('sends all traffic to order 1 while it is healthy', async () => {
    const { url, upstreams } = await startTiers();
    await sendMany(url, 20);
    assert.equal(upstreams.first.hits().total, 20);
    assert.equal(upstreams.second.hits().total, 0);
  });

  void test('retries on order 2 when order 1 fails', async () => {
    const { url, upstreams } = await startTiers();
    upstreams.first.fail({ kind: 'rate_limit', times: 1 });
    const response = await chat(url, 'chat-group');
    assert.equal(response.status, 200);
    assert.equal(await chatContent(response), 'Hello from second');
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-second');
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '1');
    assert.equal(upstreams.first.hits().total, 1);
    assert.equal(upstreams.second.hits().total, 1);
  });
});
