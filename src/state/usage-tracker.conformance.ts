/**
 * What every UsageTracker shows on one instance, run by the in-process tracker's tests and by
 * the shared one's: whatever keeps the counts, limits and strategies read the same figures.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UsageTracker } from './usage-window.ts';

export interface UsageTrackerSubject {
  /** A fresh tracker whose clock starts at `startMs`, and what to call when done with it. */
  create(startMs: number): { readonly usage: UsageTracker; readonly close: () => Promise<void> };
}

/** The start of a minute window, in epoch ms. */
const T0 = 60_000 * 29_000_000;

export function usageTrackerConformance(name: string, subject: UsageTrackerSubject): void {
  void describe(`${name} (usage tracker conformance)`, () => {
    void test('counts requests and tokens within the minute, and starts afresh in the next', async () => {
      const { usage, close } = subject.create(T0);
      usage.addRequest('a', 100, T0);
      usage.addRequest('a', 50, T0 + 10_000);
      usage.addTokens('a', 30, T0 + 20_000);
      assert.equal(usage.requests('a', T0 + 59_999), 2);
      assert.equal(usage.tokens('a', T0 + 59_999), 180);
      assert.equal(usage.requests('a', T0 + 60_000), 0);
      assert.equal(usage.tokens('a', T0 + 60_000), 0);
      await close();
    });

    void test('deployments are counted apart; an unknown one has used nothing', async () => {
      const { usage, close } = subject.create(T0);
      usage.addRequest('a', 5, T0);
      usage.addRequest('b', 0, T0);
      usage.addRequest('b', 0, T0);
      assert.equal(usage.requests('a', T0), 1);
      assert.equal(usage.requests('b', T0), 2);
      assert.equal(usage.tokens('b', T0), 0);
      assert.equal(usage.requests('c', T0), 0);
      await close();
    });

    void test('zero or negative token counts add nothing', async () => {
      const { usage, close } = subject.create(T0);
      usage.addRequest('a', 0, T0);
      usage.addTokens('a', 0, T0);
      usage.addTokens('a', -3, T0);
      assert.equal(usage.tokens('a', T0), 0);
      assert.equal(usage.requests('a', T0), 1);
      await close();
    });
  });
}
