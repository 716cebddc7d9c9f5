/**
 * Several gateway instances sharing one Redis: a bench seen by one instance reaches the
 * others, a new instance loads running benches, and losing Redis degrades sharing, never
 * requests. A private redis-server per suite, so the test can kill it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startMockUpstream, type MockUpstream } from '../src/testing/index.ts';
import { startGateway, type Gateway } from '../src/server/start-gateway.ts';
import { sharedGroupConfig } from './helpers/shared-group-config.ts';
import { planFromYaml } from './helpers/gateway-fixture.ts';
import { chat, chatContent, waitFor } from './helpers/http.ts';
import { eventually } from '../src/testing/mock-test-helpers.ts';
import { redisSkipReason, startRedisServer, type RedisServer } from './helpers/redis-server.ts';

const skip = redisSkipReason();

void describe('shared state on Redis', { skip, timeout: 30_000 }, () => {
  let redis: RedisServer;
  let a: MockUpstream;
  let b: MockUpstream;
  const gateways: Gateway[] = [];
  let prefix = 0;

  before(async () => {
    redis = await startRedisServer();
    a = await startMockUpstream({ name: 'a' });
    b = await startMockUpstream({ name: 'b' });
  });

  after(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.drain()));
    await Promise.all([a.close(), b.close()]);
    await redis.close();
  });

  /** One instance; every instance of a test shares one key prefix, so they see each other. */
  async function instance(keyPrefix: string, extraRouterSettings = ''): Promise<Gateway> {
    const plan = planFromYaml(
      sharedGroupConfig(
        a,
        b,
        `  redis_url: ${redis.url}\n  redis_key_prefix: "${keyPrefix}"\n  ${extraRouterSettings}`,
      ),
    );
    const gateway = await startGateway({ plan, port: 0, host: '127.0.0.1', random: () => 0 });
    gateways.push(gateway);
    await waitFor(() => gateway.router.stateStatus() === 'connected');
    return gateway;
  }

  function freshPrefix(): string {
    prefix += 1;
    return `t${prefix}:`;
  }

  async function readiness(gateway: Gateway): Promise<{ cache: string }> {
    return (await (await fetch(`${gateway.url}/health/readiness`)).json()) as { cache: string };
  }

  void test('a 429 seen by one instance benches the deployment on the other within 100 ms', async () => {
    const keyPrefix = freshPrefix();
    const [one, two] = [await instance(keyPrefix), await instance(keyPrefix)];
    // Warm both up, so the time measured is the bench's, not the first request's compilation.
    for (const gateway of [one, two]) await (await chat(gateway.url, 'g')).text();
    a.reset();
    b.reset();
    const benchedOnTwo = new Promise<number>((resolve) => {
      const off = two.router.events.on('cooldown', (event) => {
        if (event.state === 'benched' && event.deployment.id === 'dep-a') {
          off();
          resolve(performance.now());
        }
      });
    });
    a.fail({ status: 429, times: 1 });
    const sent = performance.now();
    assert.equal(await chatContent(await chat(one.url, 'g')), 'Hello from b');
    const arrived = await benchedOnTwo;
    assert.ok(
      arrived - sent < 100 + 50,
      `bench reached the other instance after ${arrived - sent} ms`,
    );
    assert.equal(await chatContent(await chat(two.url, 'g')), 'Hello from b');
    assert.equal(a.hits().total, 1, 'instance two never called the benched deployment');
  });

  void test('an instance that starts later loads the benches already running', async () => {
    const keyPrefix = freshPrefix();
    const one = await instance(keyPrefix);
    a.reset();
    b.reset();
    a.fail({ status: 429, times: 1 });
    await chat(one.url, 'g');
    const late = await instance(keyPrefix);
    await waitFor(() => late.router.cooldown.state('dep-a') === 'open');
    assert.equal(await chatContent(await chat(late.url, 'g')), 'Hello from b');
    assert.equal(a.hits().total, 1);
  });

  void test('losing Redis fails no request and readiness says degraded, then connected again', async () => {
    const keyPrefix = freshPrefix();
    const one = await instance(keyPrefix);
    assert.equal((await readiness(one)).cache, 'connected');
    a.reset();
    await redis.stop();
    await waitFor(() => one.router.stateStatus() === 'degraded');
    for (let i = 0; i < 5; i += 1) {
      const response = await chat(one.url, 'g');
      assert.equal(response.status, 200);
      await response.text();
    }
    const answer = await fetch(`${one.url}/health/readiness`);
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { cache: string }).cache, 'degraded');
    await redis.restart();
    await waitFor(() => one.router.stateStatus() === 'connected');
    assert.equal((await readiness(one)).cache, 'connected');
  });

  /** Sends `count` chats to `gateway` one after another, each expected to answer 200. */
  async function traffic(gateway: Gateway, count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const response = await chat(gateway.url, 'g');
      statuses.push(response.status);
      await response.text();
    }
    return statuses;
  }

  void test('killing Redis in the middle of traffic fails no client request', async () => {
    const one = await instance(freshPrefix());
    const running = traffic(one, 40);
    await waitFor(() => a.hits().total + b.hits().total > 10);
    await redis.stop();
    const statuses = await running;
    assert.deepEqual(
      statuses.filter((status) => status !== 200),
      [],
    );
    await redis.restart();
    await waitFor(() => one.router.stateStatus() === 'connected');
  });

  void test('after Redis restarts empty, benches and failure counts are back in it', async () => {
    const keyPrefix = freshPrefix();
    const one = await instance(keyPrefix, 'allowed_fails: 5');
    a.reset();
    b.reset();
    a.fail({ status: 500, times: 2 });
    await traffic(one, 2);
    // dep-a is tried first (random 0): its 429 is its third failure and benches it.
    a.fail({ status: 429, times: 1 });
    await (await chat(one.url, 'g')).text();
    await waitFor(() => one.router.cooldown.state('dep-a') === 'open');
    const counters = `${keyPrefix}counters:failures:1000:dep-a`;
    const client = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => 200 });
    try {
      await client.connect();
      const failuresIn = async (): Promise<number> =>
        Object.entries(await client.hgetall(counters))
          .filter(([field]) => field.endsWith(':fails'))
          .reduce((sum, [, value]) => sum + Number(value), 0);
      await eventually(async () => (await failuresIn()) === 3);

      const reconnected = new Promise<void>((resolve) =>
        one.router.stateStore.onStatus((status) => status === 'connected' && resolve()),
      );
      await redis.restart();
      await reconnected;
      await eventually(async () => (await client.exists(`${keyPrefix}bench:dep-a`)) === 1);
      await eventually(async () => (await failuresIn()) === 3);
      const late = await instance(keyPrefix);
      await waitFor(() => late.router.cooldown.state('dep-a') === 'open');
    } finally {
      client.disconnect();
    }
  });
});
