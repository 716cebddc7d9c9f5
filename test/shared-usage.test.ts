/**
 * rpm/tpm usage shared by gateway instances, through the library: two Routers over one
 * in-process counter store standing in for Redis, with a fake clock, so every count is exact.
 * (test/shared-usage-processes.test.ts runs the same with two processes and a real Redis.)
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Router } from '../src/index.ts';
import { GatewayError } from '../src/errors/index.ts';
import { createMemoryStore } from '../src/state/memory-store.ts';
import type { StateStore } from '../src/state/state-store.ts';
import { createFakeClock, type FakeClock } from '../src/testing/fake-clock.ts';

/** A fake clock 10 s into a minute window. */
const midMinute = (): FakeClock => createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 10));

/** One store for every instance of a test, as they would share one Redis. */
const sharedStore = (clock: FakeClock): StateStore => ({
  ...createMemoryStore({ clock }),
  kind: 'redis',
});

/** Two flush intervals: each instance has sent its usage and read the other's back. */
const syncAll = (clock: FakeClock) => clock.advanceAsync(200);

const deployment = (id: string, extra: Record<string, unknown> = {}) => ({
  model_name: 'g',
  litellm_params: { model: 'openai/gpt-4o', mock_response: `from ${id}`, ...extra },
  model_info: { id },
});

void describe('usage shared between instances', () => {
  const routers: Router[] = [];
  after(() => Promise.all(routers.splice(0).map((router) => router.close())));

  function instances(config: Record<string, unknown>, clock: FakeClock): [Router, Router] {
    const store = sharedStore(clock);
    const options = { clock, stateStore: store, random: () => 0 };
    const pair: [Router, Router] = [new Router(config, options), new Router(config, options)];
    routers.push(...pair);
    return pair;
  }

  const ask = (router: Router) =>
    router.chatCompletion({ model: 'g', messages: [{ role: 'user', content: 'hi' }] });

  void test('an rpm limit counts both instances’ requests', async () => {
    const clock = midMinute();
    const [one, two] = instances(
      {
        model_list: [deployment('dep', { rpm: 4 })],
        router_settings: { enforce_model_rate_limits: true },
      },
      clock,
    );
    await ask(one);
    await ask(one);
    await ask(two);
    await syncAll(clock);
    const answer = await ask(two);
    assert.equal(answer.meta.rateLimit?.remainingRequests, 0, 'four of four, counted together');
    await syncAll(clock);
    for (const router of [one, two]) {
      await assert.rejects(ask(router), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.status, 429);
        assert.match(error.message, /No deployments available/);
        assert.equal(error.retryAfterMs, 60_000 - (clock.now() % 60_000), 'until the minute turns');
        return true;
      });
    }
    clock.advance(50_000);
    await ask(one);
  });

  void test('usage-based routing ranks deployments by every instance’s usage', async () => {
    const clock = midMinute();
    const [one, two] = instances(
      {
        model_list: [deployment('dep-a'), deployment('dep-b')],
        router_settings: { routing_strategy: 'usage-based-routing' },
      },
      clock,
    );
    // Ties go to the first deployment (random 0): instance one's request uses dep-a…
    assert.equal((await ask(one)).meta.deploymentId, 'dep-a');
    await syncAll(clock);
    // …so instance two, which has not routed anything yet, sends its own to dep-b, less used.
    assert.equal((await ask(two)).meta.deploymentId, 'dep-b');
  });
});
