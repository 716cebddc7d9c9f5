import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeClock } from '../testing/fake-clock.ts';
import { createStoreBreaker } from './store-breaker.ts';

test('the breaker opens after the threshold of consecutive failures', () => {
  const breaker = createStoreBreaker({ clock: createFakeClock(), threshold: 3 });
  breaker.failure();
  breaker.failure();
  assert.equal(breaker.allow(), true);
  breaker.failure();
  assert.equal(breaker.isOpen(), true);
  assert.equal(breaker.allow(), false);
});

test('a success in between restarts the count', () => {
  const breaker = createStoreBreaker({ clock: createFakeClock(), threshold: 2 });
  breaker.failure();
  breaker.success();
  breaker.failure();
  assert.equal(breaker.allow(), true);
});

test('reset closes an open breaker', () => {
  const breaker = createStoreBreaker({ clock: createFakeClock(), threshold: 1 });
  breaker.failure();
  breaker.reset();
  assert.equal(breaker.allow(), true);
});

test('an open breaker lets one probe through per interval', () => {
  const clock = createFakeClock();
  const breaker = createStoreBreaker({ clock, threshold: 1, probeAfterMs: 5_000 });
  breaker.failure();
  clock.advance(4_999);
  assert.equal(breaker.allow(), false);
  clock.advance(1);
  assert.equal(breaker.allow(), true);
  assert.equal(breaker.allow(), false, 'one probe, not a flood');
  breaker.failure();
  clock.advance(4_999);
  assert.equal(breaker.allow(), false, 'a failed probe waits a full interval');
  clock.advance(1);
  assert.equal(breaker.allow(), true);
  breaker.success();
  assert.equal(breaker.isOpen(), false);
});

test('bad options throw a RangeError naming the value', () => {
  assert.throws(() => createStoreBreaker({ clock: createFakeClock(), threshold: 0 }), /got 0/);
  assert.throws(
    () => createStoreBreaker({ clock: createFakeClock(), probeAfterMs: -1 }),
    RangeError,
  );
});
