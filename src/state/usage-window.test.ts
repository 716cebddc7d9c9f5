import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usageTrackerConformance } from './usage-tracker.conformance.ts';
import { createUsageTracker, minuteWindow } from './usage-window.ts';

usageTrackerConformance('in-process usage tracker', {
  create: () => ({ usage: createUsageTracker(), close: () => Promise.resolve() }),
});

const T0 = 60_000 * 1_000; // the start of a minute window

test('counts requests and tokens within the minute, and starts afresh in the next', () => {
  const usage = createUsageTracker();
  usage.addRequest('a', 100, T0);
  usage.addRequest('a', 50, T0 + 10_000);
  usage.addTokens('a', 30, T0 + 20_000);
  assert.equal(usage.requests('a', T0 + 59_999), 2);
  assert.equal(usage.tokens('a', T0 + 59_999), 180);
  assert.equal(usage.requests('a', T0 + 60_000), 0);
  assert.equal(usage.tokens('b', T0), 0);
});

test('a syncer sees local deltas once, and the view never dips while it syncs', () => {
  const usage = createUsageTracker();
  usage.addRequest('a', 10, T0);
  assert.deepEqual(usage.drainDeltas(), [
    { deploymentId: 'a', window: minuteWindow(T0), requests: 1, tokens: 10 },
  ]);
  assert.equal(usage.requests('a', T0), 1, 'the drained delta still counts');
  assert.deepEqual(usage.drainDeltas(), []);
  // Another instance sent 4 requests: the shared total (ours included) replaces the synced part…
  usage.applySynced([{ deploymentId: 'a', window: minuteWindow(T0), requests: 5, tokens: 90 }]);
  usage.addRequest('a', 1, T0 + 1);
  // …and local additions since ride on top until the next drain.
  assert.equal(usage.requests('a', T0 + 1), 6);
  assert.equal(usage.tokens('a', T0 + 1), 91);
});

test('a closed window keeps its unsynced delta for the next drain', () => {
  const usage = createUsageTracker();
  usage.addRequest('a', 7, T0 + 59_000);
  usage.addRequest('a', 3, T0 + 61_000);
  assert.deepEqual(
    usage.drainDeltas().sort((x, y) => x.window - y.window),
    [
      { deploymentId: 'a', window: minuteWindow(T0), requests: 1, tokens: 7 },
      { deploymentId: 'a', window: minuteWindow(T0) + 1, requests: 1, tokens: 3 },
    ],
  );
});

test('totals of an older window than the current one are ignored', () => {
  const usage = createUsageTracker();
  usage.addRequest('a', 0, T0 + 60_000);
  usage.applySynced([{ deploymentId: 'a', window: minuteWindow(T0), requests: 99, tokens: 0 }]);
  assert.equal(usage.requests('a', T0 + 60_000), 1);
});
