import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFromYaml } from '../../test/helpers/gateway-fixture.ts';
import { createFakeClock } from '../testing/fake-clock.ts';
import { createConcurrencyLimiter } from './concurrency-limit.ts';

const plan = planFromYaml(`
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_base: http://a.test/v1, api_key: k, max_parallel_requests: 1 }
    model_info: { id: a }
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_base: http://b.test/v1, api_key: k }
    model_info: { id: b }
  - model_name: free
    litellm_params: { model: openai/gpt-4o, api_base: http://c.test/v1, api_key: k }
    model_info: { id: c }
router_settings:
  default_max_parallel_requests: 2
`);

function limiter() {
  const created = createConcurrencyLimiter(plan);
  assert.ok(created);
  return created;
}

test('max_parallel_requests wins over default_max_parallel_requests', () => {
  const slots = limiter();
  slots.acquire('a');
  assert.equal(slots.hasRoom('a'), false);
  slots.acquire('b');
  assert.equal(slots.hasRoom('b'), true);
  slots.acquire('b');
  assert.equal(slots.hasRoom('b'), false);
  slots.release('a');
  assert.equal(slots.hasRoom('a'), true);
});

test('no limit anywhere: no limiter at all', () => {
  const unlimited = planFromYaml(`
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_base: http://a.test/v1, api_key: k }
`);
  assert.equal(createConcurrencyLimiter(unlimited), undefined);
});

test('a freed slot goes straight to the oldest waiter', async () => {
  const clock = createFakeClock();
  const slots = limiter();
  slots.acquire('a');
  const waiting = slots.waitForSlot('a', { clock, signal: undefined, maxWaitMs: 1_000 });
  assert.equal(slots.canQueue('a'), false, 'one waiter per slot at most');
  slots.release('a');
  assert.equal(await waiting, true);
  assert.equal(slots.hasRoom('a'), false, 'the slot passed on without being free');
});

test('a wait that runs out resolves false on the injected clock; a full queue at once', async () => {
  const clock = createFakeClock();
  const slots = limiter();
  slots.acquire('a');
  const first = slots.waitForSlot('a', { clock, signal: undefined, maxWaitMs: 500 });
  assert.equal(await slots.waitForSlot('a', { clock, signal: undefined, maxWaitMs: 500 }), false);
  clock.advance(500);
  assert.equal(await first, false);
  assert.equal(slots.canQueue('a'), true);
});

test('the client leaving ends the wait with its reason', async () => {
  const clock = createFakeClock();
  const slots = limiter();
  slots.acquire('a');
  const controller = new AbortController();
  const waiting = slots.waitForSlot('a', { clock, signal: controller.signal, maxWaitMs: 1_000 });
  controller.abort(new Error('client gone'));
  await assert.rejects(waiting, /client gone/);
  assert.equal(clock.pendingTimers(), 0);
  slots.release('a');
  assert.equal(slots.hasRoom('a'), true);
});
