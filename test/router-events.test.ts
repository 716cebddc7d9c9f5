/**
 * The events observability subscribes to, as a request produces them: attempts, a bench, a
 * fallback, and the request's end (with time to first token for streams).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RouterEventMap, RouterEventName } from '../src/core/router-events.ts';
import { Router } from '../src/index.ts';
import { startMockUpstream, type MockUpstream } from '../src/testing/index.ts';

void describe('router events', () => {
  let primary: MockUpstream;
  let backup: MockUpstream;
  let router: Router;
  let seen: { name: RouterEventName; event: RouterEventMap[RouterEventName] }[];

  before(async () => {
    primary = await startMockUpstream({ name: 'primary' });
    backup = await startMockUpstream({ name: 'backup' });
    router = new Router({
      model_list: [
        {
          model_name: 'main',
          litellm_params: { model: 'openai/gpt-4o', api_base: primary.baseUrl, api_key: 'k' },
          model_info: { id: 'dep-main' },
        },
        {
          model_name: 'spare',
          litellm_params: { model: 'openai/gpt-4o', api_base: backup.baseUrl, api_key: 'k' },
          model_info: { id: 'dep-spare' },
        },
      ],
      router_settings: { num_retries: 0, allowed_fails: 0, fallbacks: [{ main: ['spare'] }] },
    });
    for (const name of [
      'attempt:start',
      'attempt:end',
      'fallback',
      'cooldown',
      'request:end',
    ] as const) {
      router.events.on(name, (event) => seen.push({ name, event }));
    }
  });

  beforeEach(() => {
    seen = [];
    primary.reset();
    backup.reset();
  });

  after(async () => {
    await router.close();
    await Promise.all([primary.close(), backup.close()]);
  });

  void test('a success emits attempt start and end, then the request end', async () => {
    await router.chatCompletion({ model: 'spare', messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(
      seen.map((entry) => entry.name),
      ['attempt:start', 'attempt:end', 'request:end'],
    );
    const end = seen[1]?.event as RouterEventMap['attempt:end'];
    assert.equal(end.error, undefined);
    assert.equal(end.deployment.id, 'dep-spare');
    assert.equal(typeof end.completionTokens, 'number');
  });

  void test('a failure that benches and falls back emits the bench, the fallback and one request end', async () => {
    primary.fail({ status: 500, times: 1 });
    await router.chatCompletion({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });
    const names = seen.map((entry) => entry.name);
    assert.deepEqual(names, [
      'attempt:start',
      'attempt:end',
      'cooldown',
      'attempt:start',
      'attempt:end',
      'fallback',
      'request:end',
    ]);
    const failed = seen[1]?.event as RouterEventMap['attempt:end'];
    assert.deepEqual([failed.error?.kind, failed.error?.status], ['InternalServerError', 500]);
    const bench = seen[2]?.event as RouterEventMap['cooldown'];
    assert.deepEqual(
      [bench.state, bench.status, bench.deployment.id],
      ['benched', 500, 'dep-main'],
    );
    const fallback = seen[5]?.event as RouterEventMap['fallback'];
    assert.deepEqual(fallback, { requestedGroup: 'main', fallbackGroup: 'spare', ok: true });
    const end = seen[6]?.event as RouterEventMap['request:end'];
    assert.equal(end.error, undefined);
    assert.equal(end.meta.attemptedFallbacks, 1);
  });

  void test('a stream reports its time to first token when it ends', async () => {
    const stream = await router.routeStream('chat', { model: 'spare', stream: true, messages: [] });
    assert.equal(
      seen.some((entry) => entry.name === 'request:end'),
      false,
      'not over before it is read',
    );
    for await (const _chunk of stream) {
      // drain
    }
    const end = seen.find((entry) => entry.name === 'request:end')
      ?.event as RouterEventMap['request:end'];
    assert.equal(end.stream, true);
    assert.equal(typeof end.ttftMs, 'number');
  });

  void test('an unknown model still emits a request end with its error', async () => {
    await assert.rejects(router.chatCompletion({ model: 'nope', messages: [] }));
    const end = seen.find((entry) => entry.name === 'request:end')
      ?.event as RouterEventMap['request:end'];
    assert.equal(end.error?.status, 400);
  });

  void test('a listener that throws does not fail the request', async () => {
    const off = router.events.on('attempt:end', () => {
      throw new Error('observer bug');
    });
    try {
      const { body } = await router.chatCompletion({ model: 'spare', messages: [] });
      assert.ok(body.choices);
    } finally {
      off();
    }
  });
});
