/**
 * Usage counted by several instances together: over in-process counters standing in for Redis
 * with a fake clock (exact, no waiting), then over a private redis-server (the real commands,
 * keys and expiry, and a restart that loses everything).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import {
  redisSkipReason,
  startRedisServer,
  type RedisServer,
} from '../../test/helpers/redis-server.ts';
import { eventually } from '../testing/mock-test-helpers.ts';
import { createFakeClock, type FakeClock } from '../testing/fake-clock.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import { sharedBackend } from './shared-backend.test-helper.ts';
import { shareUsage, USAGE_TTL_MS, type SharedUsage } from './shared-usage.ts';
import { untilStatus } from './state-store.conformance.ts';
import type { StateStore } from './state-store.ts';
import { usageTrackerConformance } from './usage-tracker.conformance.ts';
import { minuteWindow, WINDOW_MS, type UsageTracker } from './usage-window.ts';

/** A fake clock 30 s into a minute window. */
function midMinuteClock(): FakeClock {
  return createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 30));
}

/** The tracker of a store that shares (it must be one). */
function tracked(shared: SharedUsage): UsageTracker {
  assert.ok(shared.tracker, 'a shared store gives a shared tracker');
  return shared.tracker;
}

usageTrackerConformance('usage shared through a counter sync', {
  create(startMs) {
    const clock = createFakeClock(startMs);
    const shared = shareUsage({ store: sharedBackend(clock).store(), clock });
    return { usage: tracked(shared), close: () => shared.close() };
  },
});

void describe('usage shared between instances', () => {
  void test('an instance sees its own requests at once and the others’ after the flushes', async () => {
    const clock = midMinuteClock();
    const backend = sharedBackend(clock);
    const one = shareUsage({ store: backend.store(), clock });
    const two = shareUsage({ store: backend.store(), clock });
    const now = clock.now();
    tracked(one).addRequest('dep', 10, now);
    tracked(one).addRequest('dep', 10, now);
    tracked(two).addRequest('dep', 5, now);
    tracked(two).addTokens('dep', 7, now);
    assert.equal(tracked(one).requests('dep', now), 2, 'only its own before any flush');
    assert.equal(tracked(two).tokens('dep', now), 12);
    // Two flush intervals: each has sent its deltas, and read the other's back.
    await clock.advanceAsync(200);
    for (const shared of [one, two]) {
      assert.equal(tracked(shared).requests('dep', clock.now()), 3);
      assert.equal(tracked(shared).tokens('dep', clock.now()), 32);
    }
    await Promise.all([one.close(), two.close()]);
  });

  void test('counters are one hash per deployment, a field per window and tally, kept two minutes', async () => {
    const clock = midMinuteClock();
    const backend = sharedBackend(clock);
    const shared = shareUsage({ store: backend.store(), clock });
    const window = minuteWindow(clock.now());
    tracked(shared).addRequest('dep-a', 7, clock.now());
    await clock.advanceAsync(100);
    assert.deepEqual(backend.batches[0]?.writes, [
      {
        key: 'usage:dep-a',
        deltas: { [`${window}:requests`]: 1, [`${window}:tokens`]: 7 },
        ttlMs: USAGE_TTL_MS,
      },
    ]);
    assert.equal(USAGE_TTL_MS, 2 * WINDOW_MS);
    await shared.close();
  });

  void test('a new window starts at zero; a window two minutes old is deleted from the store', async () => {
    const clock = midMinuteClock();
    const backend = sharedBackend(clock);
    const shared = shareUsage({ store: backend.store(), clock });
    const window = minuteWindow(clock.now());
    tracked(shared).addRequest('dep', 0, clock.now());
    await clock.advanceAsync(WINDOW_MS);
    assert.equal(tracked(shared).requests('dep', clock.now()), 0, 'the next minute');
    tracked(shared).addRequest('dep', 0, clock.now());
    await clock.advanceAsync(WINDOW_MS);
    const removed = new Set(
      backend.batches.flatMap((batch) =>
        batch.removals.flatMap(({ key, fields }) => fields.map((field) => `${key} ${field}`)),
      ),
    );
    assert.deepEqual([...removed], [`usage:dep ${window}:requests`]);
    await shared.close();
  });

  void test('while Redis is down each counts its own on top of what it knew, and sends it on return', async () => {
    const clock = midMinuteClock();
    const backend = sharedBackend(clock);
    const one = shareUsage({ store: backend.store(), clock });
    const two = shareUsage({ store: backend.store(), clock });
    tracked(one).addRequest('dep', 0, clock.now());
    // An instance reads a deployment's shared usage from its first look at it on (as the rpm
    // filter does before every request).
    assert.equal(tracked(two).requests('dep', clock.now()), 0);
    await clock.advanceAsync(200);
    assert.equal(tracked(two).requests('dep', clock.now()), 1);
    backend.setStatus('degraded');
    const sent = backend.batches.length;
    tracked(one).addRequest('dep', 0, clock.now());
    tracked(two).addRequest('dep', 0, clock.now());
    await clock.advanceAsync(500);
    assert.equal(backend.batches.length, sent, 'nothing is sent to a Redis that is down');
    assert.equal(tracked(one).requests('dep', clock.now()), 2, 'what it knew, plus its own');
    assert.equal(tracked(two).requests('dep', clock.now()), 2);
    backend.setStatus('connected');
    await clock.advanceAsync(200);
    assert.equal(tracked(one).requests('dep', clock.now()), 3);
    assert.equal(tracked(two).requests('dep', clock.now()), 3);
    await Promise.all([one.close(), two.close()]);
  });

  void test('after Redis lost its data no view goes down, and the totals come back whole', async () => {
    const clock = midMinuteClock();
    const backend = sharedBackend(clock);
    const one = shareUsage({ store: backend.store(), clock });
    const two = shareUsage({ store: backend.store(), clock });
    const now = clock.now();
    for (let i = 0; i < 3; i += 1) tracked(one).addRequest('dep', 0, now);
    for (let i = 0; i < 2; i += 1) tracked(two).addRequest('dep', 0, now);
    await clock.advanceAsync(200);
    assert.equal(tracked(one).requests('dep', clock.now()), 5);
    backend.wipe();
    for (let tick = 0; tick < 5; tick += 1) {
      await clock.advanceAsync(100);
      assert.equal(tracked(one).requests('dep', clock.now()), 5, `instance one, tick ${tick}`);
      assert.equal(tracked(two).requests('dep', clock.now()), 5, `instance two, tick ${tick}`);
    }
    const reader = shareUsage({ store: backend.store(), clock });
    tracked(reader).requests('dep', clock.now());
    await clock.advanceAsync(100);
    assert.equal(tracked(reader).requests('dep', clock.now()), 5, 'replayed, each part once');
    await Promise.all([one.close(), two.close(), reader.close()]);
  });

  void test('without a shared store usage stays in process: no tracker, no timer', async () => {
    const clock = midMinuteClock();
    const shared = shareUsage({ store: createMemoryStore({ clock }), clock });
    assert.equal(shared.tracker, undefined);
    assert.equal(clock.pendingTimers(), 0);
    await shared.close();
  });
});

const skip = redisSkipReason();

void describe('usage shared through a real Redis', { skip, timeout: 20_000 }, () => {
  let server: RedisServer;
  let client: Redis;
  const stores: StateStore[] = [];
  const shares: SharedUsage[] = [];

  before(async () => {
    server = await startRedisServer();
    client = new Redis(server.url, { lazyConnect: true });
    await client.connect();
  });

  after(async () => {
    await Promise.all(shares.splice(0).map((shared) => shared.close()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
    client.disconnect();
    await server.close();
  });

  /** An instance on the test server: a connected Redis store and usage shared through it. */
  async function instance(keyPrefix: string, clock: FakeClock): Promise<UsageTracker> {
    const store = createRedisStore(
      {
        url: server.url,
        host: undefined,
        port: undefined,
        password: undefined,
        db: undefined,
        keyPrefix,
        sentinelNodes: undefined,
        sentinelMasterName: undefined,
        startupNodes: undefined,
      },
      { clock },
    );
    stores.push(store);
    await untilStatus(store, 'connected');
    const shared = shareUsage({ store, clock });
    shares.push(shared);
    return tracked(shared);
  }

  /** Moves the fake clock one flush interval at a time until `condition` holds. */
  async function flushUntil(clock: FakeClock, condition: () => boolean | Promise<boolean>) {
    await eventually(async () => {
      await clock.advanceAsync(100);
      return condition();
    }, 5_000);
  }

  void test('two instances add into one hash under the key prefix, which expires', async () => {
    const clock = createFakeClock(Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS + 30_000);
    const [one, two] = [await instance('u1:', clock), await instance('u1:', clock)];
    const now = clock.now();
    one.addRequest('dep', 4, now);
    two.addRequest('dep', 6, now);
    two.addRequest('dep', 0, now);
    await flushUntil(clock, () => one.requests('dep', clock.now()) === 3);
    await flushUntil(clock, () => two.requests('dep', clock.now()) === 3);
    assert.equal(one.tokens('dep', clock.now()), 10);
    const window = minuteWindow(now);
    assert.deepEqual(await client.hgetall('u1:counters:usage:dep'), {
      [`${window}:requests`]: '3',
      [`${window}:tokens`]: '10',
    });
    const ttl = await client.pttl('u1:counters:usage:dep');
    assert.ok(ttl > 0 && ttl <= USAGE_TTL_MS, `expires in ${ttl} ms`);
  });

  void test('the counts survive a Redis restart that lost everything', async () => {
    const clock = createFakeClock(Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS + 30_000);
    const [one, two] = [await instance('u2:', clock), await instance('u2:', clock)];
    const now = clock.now();
    for (let i = 0; i < 3; i += 1) one.addRequest('dep', 0, now);
    for (let i = 0; i < 2; i += 1) two.addRequest('dep', 0, now);
    await flushUntil(clock, () => one.requests('dep', now) === 5 && two.requests('dep', now) === 5);
    await server.restart();
    const field = `${minuteWindow(now)}:requests`;
    await flushUntil(clock, async () => {
      assert.equal(one.requests('dep', now), 5, 'the view never dips');
      assert.equal(two.requests('dep', now), 5);
      return (await client.hget('u2:counters:usage:dep', field).catch(() => null)) === '5';
    });
  });
});
