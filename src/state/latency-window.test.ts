import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLatencyTracker, LATENCY_DEFAULTS } from './latency-window.ts';

test("LiteLLM's defaults: samples live an hour, ten are kept", () => {
  assert.equal(LATENCY_DEFAULTS.ttlMs, 3_600_000);
  assert.equal(LATENCY_DEFAULTS.maxSamples, 10);
});

test('the mean covers the newest samples only (a rolling window)', () => {
  const tracker = createLatencyTracker({ maxSamples: 3 });
  for (const value of [9, 9, 1, 2, 3]) tracker.record('a', 'call', value, 0);
  assert.equal(tracker.mean('a', 'call', 0), 2);
  assert.equal(tracker.mean('a', 'stream', 0), undefined);
  assert.equal(tracker.mean('b', 'call', 0), undefined);
});

test('samples older than the ttl stop counting; with none left the deployment is unseen', () => {
  const tracker = createLatencyTracker({ ttlMs: 1_000 });
  tracker.record('a', 'call', 4, 0);
  tracker.record('a', 'call', 2, 900);
  assert.equal(tracker.mean('a', 'call', 1_000), 3);
  assert.equal(tracker.mean('a', 'call', 1_500), 2);
  assert.equal(tracker.mean('a', 'call', 2_000), undefined);
  assert.equal(tracker.ewma('a', 'call', 2_000), undefined);
});

test('the EWMA weighs the newest sample by alpha and restarts when stale', () => {
  const tracker = createLatencyTracker({ ewmaAlpha: 0.5, ttlMs: 1_000 });
  tracker.record('a', 'stream', 4, 0);
  tracker.record('a', 'stream', 2, 10);
  assert.equal(tracker.ewma('a', 'stream', 10), 3);
  tracker.record('a', 'stream', 10, 5_000);
  assert.equal(tracker.ewma('a', 'stream', 5_000), 10);
});
