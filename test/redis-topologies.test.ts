/**
 * Redis Sentinel and Redis Cluster for real: the StateStore conformance suite and two
 * in-process gateways sharing a bench, each configured with the `router_settings` keys a user
 * writes (`redis_sentinel_nodes` + `redis_sentinel_master_name`, `redis_startup_nodes`).
 * A private sentinel (one master, one sentinel) and a private three-master cluster per run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import type { RedisSettings } from '../src/config/plan.ts';
import type { Clock } from '../src/core/clock.ts';
import { startGateway, type Gateway } from '../src/server/start-gateway.ts';
import { createRedisStore } from '../src/state/redis-store.ts';
import {
  nextBench,
  stateStoreConformance,
  untilStatus,
} from '../src/state/state-store.conformance.ts';
import { createFakeClock, startMockUpstream } from '../src/testing/index.ts';
import { eventually } from '../src/testing/mock-test-helpers.ts';
import { sharedGroupConfig } from './helpers/shared-group-config.ts';
import { planFromYaml } from './helpers/gateway-fixture.ts';
import { chat, chatContent, waitFor } from './helpers/http.ts';
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster.ts';
import { redisSkipReason } from './helpers/redis-server.ts';
import { startRedisSentinel, type RedisSentinel } from './helpers/redis-sentinel.ts';

const skip = redisSkipReason();
/**
 * The cluster starts while the file loads, so that a cluster this machine cannot create skips
 * its tests (loudly, and never with CI=true) instead of failing them.
 */
const clusterStart = skip === false ? await startCluster() : undefined;
const clusterSkip = skip === false ? clusterSkipReason(clusterStart) : skip;
let namespaces = 0;

/** A key prefix no other test uses, so tests never see each other's keys. */
function freshPrefix(): string {
  namespaces += 1;
  return `topo${namespaces}-${process.pid}:`;
}

/** The Redis settings `router_settings` lines compile to, as a gateway would get them. */
function redisSettings(routerSettings: string): RedisSettings {
  const plan = planFromYaml(`
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_key: k }
router_settings:
${routerSettings}
`);
  assert.ok(plan.settings.redis !== undefined, 'the settings configure Redis');
  return plan.settings.redis;
}

function sentinelKeys(sentinel: RedisSentinel, keyPrefix: string): string {
  return [
    `  redis_sentinel_nodes: ["127.0.0.1:${sentinel.port}"]`,
    `  redis_sentinel_master_name: ${sentinel.masterName}`,
    `  redis_key_prefix: "${keyPrefix}"`,
  ].join('\n');
}

function clusterKeys(cluster: RedisCluster, keyPrefix: string): string {
  return [
    `  redis_startup_nodes: ${JSON.stringify(cluster.addresses)}`,
    `  redis_key_prefix: "${keyPrefix}"`,
  ].join('\n');
}

const bench = (deploymentId: string) => ({
  deploymentId,
  until: Date.now() + 60_000,
  reason: 'rate limited',
});

function parseAddress(address: string): { host: string; port: number } {
  const [host = '', port = ''] = address.split(':');
  return { host, port: Number(port) };
}

/** `count` connected stores on the settings `keysFor` gives for one fresh prefix. */
async function sharedStores(clock: Clock, count: number, keysFor: (prefix: string) => string) {
  const settings = redisSettings(keysFor(freshPrefix()));
  const stores = Array.from({ length: count }, () => createRedisStore(settings, { clock }));
  await Promise.all(stores.map((store) => untilStatus(store, 'connected')));
  return stores;
}

/**
 * Two gateways in front of two mock upstreams, sharing `routerSettings`' Redis: a 429 from
 * upstream a, seen by the first, must bench dep-a on the second, which then never calls it.
 */
async function assertBenchShared(routerSettings: string): Promise<void> {
  const [a, b] = await Promise.all([
    startMockUpstream({ name: 'a' }),
    startMockUpstream({ name: 'b' }),
  ]);
  const gateways: Gateway[] = [];
  try {
    const plan = planFromYaml(sharedGroupConfig(a, b, routerSettings));
    for (let i = 0; i < 2; i += 1) {
      gateways.push(await startGateway({ plan, port: 0, host: '127.0.0.1', random: () => 0 }));
    }
    const [one, two] = gateways as [Gateway, Gateway];
    await waitFor(() => gateways.every((gateway) => gateway.router.stateStatus() === 'connected'));
    const benchedOnTwo = new Promise<void>((resolve) => {
      const off = two.router.events.on('cooldown', (event) => {
        if (event.state === 'benched' && event.deployment.id === 'dep-a') {
          off();
          resolve();
        }
      });
    });
    a.fail({ status: 429, times: 1 });
    assert.equal(await chatContent(await chat(one.url, 'g')), 'Hello from b');
    await benchedOnTwo;
    assert.equal(await chatContent(await chat(two.url, 'g')), 'Hello from b');
    assert.equal(a.hits().total, 1, 'instance two never called the benched deployment');
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.drain()));
    await Promise.all([a.close(), b.close()]);
  }
}

void describe('Redis Sentinel', { skip, timeout: 20_000 }, () => {
  let sentinel: RedisSentinel | undefined;
  before(async () => {
    sentinel = await startRedisSentinel();
  });
  after(() => sentinel?.close());

  stateStoreConformance('redis store via Sentinel', {
    shares: true,
    readyStatus: 'connected',
    createShared: (clock, count) =>
      sharedStores(clock, count, (prefix) => sentinelKeys(sentinel!, prefix)),
  });

  void test('a 429 on one gateway benches the deployment on another through Sentinel', () =>
    assertBenchShared(sentinelKeys(sentinel!, freshPrefix())));

  // Last in this suite: afterwards the replica is the master.
  void test('when the master dies, stores follow the promoted replica and keep sharing', async () => {
    const { master, replica } = sentinel!;
    const keyPrefix = freshPrefix();
    const [a, b] = await sharedStores(createFakeClock(Date.now()), 2, () =>
      sentinelKeys(sentinel!, keyPrefix),
    );
    const replicaClient = new Redis({ host: '127.0.0.1', port: replica.port, lazyConnect: true });
    try {
      const heard = nextBench(b!, 'before');
      a!.publishBench(bench('before'));
      await heard;
      // Replication is asynchronous: the bench must reach the replica before the master dies.
      await replicaClient.connect();
      await eventually(async () => (await replicaClient.exists(`${keyPrefix}bench:before`)) === 1);

      const degraded = Promise.all([untilStatus(a!, 'degraded'), untilStatus(b!, 'degraded')]);
      await master.stop();
      await degraded;
      await Promise.all([a!, b!].map((store) => untilStatus(store, 'connected', 10_000)));
      assert.equal(await sentinel!.masterPort(), replica.port, 'the replica was promoted');

      const late = await sharedStores(createFakeClock(Date.now()), 1, () =>
        sentinelKeys(sentinel!, keyPrefix),
      );
      assert.deepEqual(
        (await late[0]!.loadBenches()).map((loaded) => loaded.deploymentId),
        ['before'],
        'the bench survived the failover',
      );
      await late[0]!.close();
      const announced = nextBench(b!, 'after');
      a!.publishBench(bench('after'));
      await announced;
    } finally {
      replicaClient.disconnect();
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});

void describe('Redis Cluster', { skip: clusterSkip, timeout: 20_000 }, () => {
  let cluster: RedisCluster | undefined;
  before(() => {
    if (clusterStart !== undefined && 'error' in clusterStart) throw clusterStart.error;
    cluster = clusterStart?.cluster;
  });
  after(() => cluster?.close());

  stateStoreConformance('redis store on Cluster', {
    shares: true,
    readyStatus: 'connected',
    createShared: (clock, count) =>
      sharedStores(clock, count, (prefix) => clusterKeys(cluster!, prefix)),
  });

  void test('a 429 on one gateway benches the deployment on another through Cluster', () =>
    assertBenchShared(clusterKeys(cluster!, freshPrefix())));

  void test('benches and counters spread over several nodes are announced, loaded and summed', async () => {
    const keyPrefix = freshPrefix();
    const keys = () => clusterKeys(cluster!, keyPrefix);
    const [a, b] = await sharedStores(createFakeClock(Date.now()), 2, keys);
    const ids = Array.from({ length: 12 }, (_, index) => `d${index}`);
    const client = new Cluster(cluster!.addresses.map(parseAddress), { lazyConnect: true });
    try {
      // Each bench is announced by the node holding its key; b's subscriber sits on one node.
      const heard = new Set<string>();
      const all = new Promise<void>((resolve) =>
        b!.onBench((got) => heard.add(got.deploymentId).size === ids.length && resolve()),
      );
      for (const id of ids) a!.publishBench(bench(id));
      await all;
      await client.connect();
      const holders = await Promise.all(
        client.nodes('master').map(async (node) => (await node.keys(`${keyPrefix}bench:*`)).length),
      );
      assert.ok(
        holders.filter((count) => count > 0).length >= 2,
        `keys per node: ${holders.join(', ')}`,
      );

      const [late] = await sharedStores(createFakeClock(Date.now()), 1, keys);
      const loaded = (await late!.loadBenches()).map((got) => got.deploymentId);
      await late!.close();
      assert.deepEqual(loaded.sort(), [...ids].sort());

      const writes = ids.map((key) => ({ key, deltas: { f: 1 }, ttlMs: 60_000 }));
      await a!.syncCounters({ writes, reads: [], removals: [] });
      const seen = await b!.syncCounters({ writes, reads: [], removals: [] });
      assert.deepEqual(
        ids.map((key) => seen?.totals.get(key)),
        ids.map(() => ({ f: 2 })),
      );
    } finally {
      client.disconnect();
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});

type ClusterStart = { readonly cluster: RedisCluster } | { readonly error: unknown };

function startCluster(): Promise<ClusterStart> {
  return startRedisCluster().then(
    (cluster) => ({ cluster }),
    (error: unknown) => ({ error }),
  );
}

/** False when the cluster is up or CI=true (the tests must run, and fail); else why not. */
function clusterSkipReason(start: ClusterStart | undefined): string | false {
  if (start === undefined || !('error' in start) || process.env['CI'] === 'true') return false;
  const why = start.error instanceof Error ? start.error.message : String(start.error);
  const reason =
    `SKIPPED: a Redis Cluster could not be created here (${why}), so the Cluster tests did ` +
    'not run (with CI=true they run and fail instead)';
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}
