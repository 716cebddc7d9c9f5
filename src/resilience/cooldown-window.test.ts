import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFailureWindow } from './cooldown-window.ts';

const T0 = Date.UTC(2026, 0, 1);

test('counts successes and failures as calls, failures alone as failures', () => {
  const window = createFailureWindow(60_000);
  window.recordSuccess(T0);
  window.recordFailure(T0 + 10, undefined);
  window.recordFailure(T0 + 20_000, 'TimeoutErrorAllowedFails');
  assert.deepEqual(window.counts(T0 + 30_000), { calls: 3, failures: 2 });
});

test('tallies failures per allowed_fails_policy key', () => {
  const window = createFailureWindow(60_000);
  window.recordFailure(T0, 'TimeoutErrorAllowedFails');
  window.recordFailure(T0, 'RateLimitErrorAllowedFails');
  window.recordFailure(T0 + 5_000, 'TimeoutErrorAllowedFails');
  assert.equal(window.failuresOf(T0 + 5_000, 'TimeoutErrorAllowedFails'), 2);
  assert.equal(window.failuresOf(T0 + 5_000, 'RateLimitErrorAllowedFails'), 1);
  assert.equal(window.failuresOf(T0 + 5_000, 'InternalServerErrorAllowedFails'), 0);
});

test('an outcome as old as the window no longer counts', () => {
  const window = createFailureWindow(60_000);
  window.recordFailure(T0, 'TimeoutErrorAllowedFails');
  assert.equal(window.counts(T0 + 59_999).failures, 1);
  assert.deepEqual(window.counts(T0 + 60_000), { calls: 0, failures: 0 });
  assert.equal(window.failuresOf(T0 + 60_000, 'TimeoutErrorAllowedFails'), 0);
});

test('a reused bucket forgets the slice of time it held before', () => {
  const window = createFailureWindow(60_000);
  window.recordFailure(T0, undefined);
  window.recordSuccess(T0 + 60_000);
  assert.deepEqual(window.counts(T0 + 60_000), { calls: 1, failures: 0 });
});

test('outcomes recorded after the wall clock was set back are counted, stale ones are not', () => {
  const window = createFailureWindow(60_000);
  window.recordFailure(T0 + 120_000, undefined);
  window.recordSuccess(T0);
  assert.deepEqual(window.counts(T0), { calls: 1, failures: 0 });
});

test('reset forgets everything', () => {
  const window = createFailureWindow(60_000);
  window.recordFailure(T0, 'RateLimitErrorAllowedFails');
  window.reset();
  assert.deepEqual(window.counts(T0), { calls: 0, failures: 0 });
  assert.equal(window.failuresOf(T0, 'RateLimitErrorAllowedFails'), 0);
});
