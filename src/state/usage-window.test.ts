import assert from 'node:assert/strict';
import { test } from 'node:test';
import { usageTrackerConformance } from './usage-tracker.conformance.ts';
import { createUsageTracker } from './usage-window.ts';

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
