import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RedisSettings } from '../config/plan.ts';
import type { Clock } from '../core/clock.ts';
import { createFakeClock } from '../testing/fake-clock.ts';
import {
  freePort,
  redisSkipReason,
  startRedisServer,
  type RedisServer,
} from '../../test/helpers/redis-server.ts';
import { createStateStore } from './create-state-store.ts';
import { createRedisStore, type RedisStateStore, type RedisStoreOptions } from './redis-store.ts';
import { nextBench, stateStoreConformance, untilStatus } from './state-store.conformance.ts';

const skip = redisSkipReason();
let server: RedisServer | undefined;
let namespaces = 0;

/** A key prefix no other test uses, so tests never see each other's benches. */
function freshPrefix(): string {
  namespaces += 1;
  return `test${namespaces}-${process.pid}:`;
}

function settingsFor(port: number, keyPrefix = freshPrefix()): RedisSettings {
  return {
    url: `redis://127.0.0.1:${port}`,
    host: undefined,
    port: undefined,
    password: undefined,
    db: undefined,
    keyPrefix,
    sentinelNodes: undefined,
    sentinelMasterName: undefined,
    startupNodes: undefined,
  };
}

type StoreOptions = Partial<RedisStoreOptions> & { readonly keyPrefix?: string };

/** A store on the test server, connected. */
async function connectedStore(options: StoreOptions = {}): Promise<RedisStateStore> {
  const store = createRedisStore(settingsFor(server!.port, options.keyPrefix), {
    clock: createFakeClock(Date.now()),
    ...options,
  });
  await untilStatus(store, 'connected');
  return store;
}

/** Polls `condition` with a few-ms tick (for effects that have no event), up to `maxMs`. */
async function eventually(condition: () => boolean | Promise<boolean>, maxMs = 2_000) {
  const deadline = Date.now() + maxMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${maxMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Warnings kept in memory. */
function warnings() {
  const lines: string[] = [];
  return { lines, logger: { warn: (message: string) => void lines.push(message) } };
}

const bench = (deploymentId: string, inMs: number, reason = 'rate limited') => ({
  deploymentId,
  until: Date.now() + inMs,
  reason,
});

describe('redis store', { skip }, () => {
  before(async () => {
    server = await startRedisServer();
  });
  after(() => server?.close());

  stateStoreConformance('redis store', {
    shares: true,
    readyStatus: 'connected',
    createShared: async (clock: Clock, count: number) => {
      const settings = settingsFor(server!.port);
      const stores = Array.from({ length: count }, () => createRedisStore(settings, { clock }));
      await Promise.all(stores.map((store) => untilStatus(store, 'connected')));
      return stores;
    },
  });

  test('createStateStore gives the Redis store when Redis is configured', async () => {
    const store = createStateStore(settingsFor(server!.port), { clock: createFakeClock() });
    assert.equal(store.kind, 'redis');
    await untilStatus(store, 'connected');
    await store.close();
  });

  test('a bench published by one instance reaches the others, not itself', async () => {
    const keyPrefix = freshPrefix();
    const a = await connectedStore({ keyPrefix, instanceId: 'a' });
    const b = await connectedStore({ keyPrefix, instanceId: 'b' });
    try {
      const heardByA: string[] = [];
      a.onBench((heard) => heardByA.push(heard.deploymentId));
      const sent = bench('gpt-east', 30_000);
      const heard = nextBench(b);
      a.publishBench(sent);
      assert.deepEqual(await heard, sent);
      // B's answer reaches A in order after anything A could have heard of its own.
      const back = nextBench(a, 'marker');
      b.publishBench(bench('marker', 30_000));
      await back;
      assert.deepEqual(heardByA, ['marker']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('an instance started after a bench loads it', async () => {
    const keyPrefix = freshPrefix();
    const a = await connectedStore({ keyPrefix, instanceId: 'a' });
    const witness = await connectedStore({ keyPrefix, instanceId: 'w' });
    const sent = bench('gpt-west', 30_000, 'auth failed');
    const landed = nextBench(witness);
    a.publishBench(sent);
    await landed;
    const late = await connectedStore({ keyPrefix, instanceId: 'late' });
    try {
      assert.deepEqual(await late.loadBenches(), [sent]);
    } finally {
      await Promise.all([a.close(), witness.close(), late.close()]);
    }
  });

  test('a bench ends when Redis expires it at its deadline', async () => {
    // The store's clock stays frozen before the deadline, so its own until > now filter never
    // drops the bench: an empty answer proves Redis removed the key.
    const store = await connectedStore();
    try {
      store.publishBench(bench('brief', 50));
      await eventually(async () => (await store.loadBenches()).length === 1, 40);
      await eventually(async () => (await store.loadBenches()).length === 0, 190);
    } finally {
      await store.close();
    }
  });

  test('loadBenches leaves out benches its clock says have ended', async () => {
    const keyPrefix = freshPrefix();
    const writer = await connectedStore({ keyPrefix });
    const sent = bench('d1', 30_000);
    const ahead = createFakeClock(sent.until);
    const reader = await connectedStore({ keyPrefix, clock: ahead });
    try {
      const landed = nextBench(reader);
      writer.publishBench(sent);
      await landed;
      assert.deepEqual(await reader.loadBenches(), []);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  test('a shorter bench never shortens a longer one', async () => {
    const keyPrefix = freshPrefix();
    const a = await connectedStore({ keyPrefix, instanceId: 'a' });
    const b = await connectedStore({ keyPrefix, instanceId: 'b' });
    try {
      const heard: number[] = [];
      b.onBench((got) => heard.push(got.until));
      const long = bench('d1', 60_000);
      a.publishBench(long);
      a.publishBench({ ...long, until: long.until - 30_000 });
      // One connection runs A's commands in order: when the marker arrives, so has the rest.
      const marker = nextBench(b, 'marker');
      a.publishBench(bench('marker', 60_000));
      await marker;
      assert.deepEqual(heard.slice(0, 1), [long.until]);
      assert.equal(heard.length, 2, 'the shorter bench is not announced');
      const loaded = await b.loadBenches();
      assert.equal(loaded.find((got) => got.deploymentId === 'd1')?.until, long.until);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('status goes degraded when Redis dies and connected when it returns', async () => {
    const log = warnings();
    const store = await connectedStore({ logger: log.logger });
    try {
      const seen: string[] = [];
      store.onStatus((status) => seen.push(status));
      const degraded = untilStatus(store, 'degraded');
      await server!.stop();
      await degraded;
      const connected = untilStatus(store, 'connected');
      await server!.restart();
      await connected;
      assert.deepEqual(seen, ['degraded', 'connected']);
      assert.equal(log.lines.length, 1);
      assert.ok(store.errorCount() >= 1);
    } finally {
      await store.close();
    }
  });

  test('publishBench while Redis is dead returns at once and counts the error', async () => {
    const store = await connectedStore({ breakerThreshold: 100 });
    try {
      const degraded = untilStatus(store, 'degraded');
      await server!.stop();
      await degraded;
      const before = store.errorCount();
      const started = performance.now();
      const result: unknown = store.publishBench(bench('d1', 30_000));
      const tookMs = performance.now() - started;
      assert.equal(result, undefined, 'nothing to await');
      assert.ok(tookMs < 20, `publishBench took ${tookMs} ms`);
      await eventually(() => store.errorCount() > before);
    } finally {
      await store.close();
      await server!.restart();
    }
  });

  test('the breaker stops sending after consecutive failures until Redis is ready again', async () => {
    const keyPrefix = freshPrefix();
    const store = await connectedStore({ keyPrefix, breakerThreshold: 3 });
    try {
      const degraded = untilStatus(store, 'degraded');
      await server!.stop();
      await degraded;
      const sentBefore = store.commandsSent();
      for (let i = 0; i < 3; i += 1) store.publishBench(bench(`d${i}`, 30_000));
      assert.equal(store.commandsSent(), sentBefore + 3);
      const afterFailures = store.errorCount() + 3;
      await eventually(() => store.errorCount() >= afterFailures);

      const errorsOpen = store.errorCount();
      for (let i = 0; i < 5; i += 1) store.publishBench(bench(`held${i}`, 30_000));
      assert.equal(store.commandsSent(), sentBefore + 3, 'no command reaches the client');
      assert.ok(store.errorCount() >= errorsOpen + 5, 'each skipped bench is counted');

      const connected = untilStatus(store, 'connected');
      await server!.restart();
      await connected;
      store.publishBench(bench('after', 30_000));
      assert.equal(store.commandsSent(), sentBefore + 4, 'ready again closes the breaker');
      await eventually(async () => (await store.loadBenches()).length === 1);
    } finally {
      await store.close();
    }
  });

  test('a Redis unreachable at start-up gives degraded and exactly one warning', async () => {
    const closedPort = await freePort();
    const log = warnings();
    const settings = { ...settingsFor(closedPort), password: 'hunter2-secret' };
    const store = createRedisStore(settings, { clock: createFakeClock(), logger: log.logger });
    try {
      assert.equal(store.status(), 'degraded');
      // Several failed connection attempts (two connections, retried every 200 ms or more).
      await eventually(() => store.errorCount() >= 4);
      store.publishBench(bench('d1', 30_000));
      assert.equal(store.status(), 'degraded');
      assert.equal(log.lines.length, 1);
      assert.match(log.lines[0]!, new RegExp(`127\\.0\\.0\\.1:${closedPort}.*unreachable`));
      assert.doesNotMatch(log.lines[0]!, /hunter2/);
      assert.deepEqual(await store.loadBenches(), []);
    } finally {
      await store.close();
    }
  });
});
