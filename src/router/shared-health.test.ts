import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { createMemoryStore } from '../state/memory-store.ts';
import type { SharedHealthResult, StateStore, StoreStatus } from '../state/state-store.ts';
import { createFakeClock, type FakeClock } from '../testing/fake-clock.ts';
import { createHealthChecker } from './health-checker.ts';
import { CONNECT_WAIT_MS, shareHealth, type HealthSharing } from './shared-health.ts';
import type { HealthEndpoint } from './types.ts';

const INTERVAL_MS = 60_000;

function deployment(id: string): Deployment {
  return { id, group: 'g', info: {} } as unknown as Deployment;
}

const describeEndpoint = (target: Deployment): HealthEndpoint => ({
  model: 'openai/m',
  model_name: target.group,
  model_id: target.id,
  api_base: undefined,
});

/** Sharing a test drives: whether rounds are claimed, what was published, what others send. */
function fakeSharing(claims: boolean, stored: SharedHealthResult[] = []) {
  const published: (readonly SharedHealthResult[])[] = [];
  let listener: ((results: readonly SharedHealthResult[]) => void) | undefined;
  const sharing: HealthSharing = {
    claimRound: () => Promise.resolve(claims),
    publish: (results) => void published.push(results),
    load: () => Promise.resolve(stored),
    subscribe(next) {
      listener = next;
      return () => (listener = undefined);
    },
  };
  return { sharing, published, announce: (results: SharedHealthResult[]) => listener?.(results) };
}

function checker(
  clock: FakeClock,
  sharing: HealthSharing,
  failing: ReadonlySet<string> = new Set(),
) {
  const probed: string[] = [];
  const instance = createHealthChecker({
    deployments: [deployment('a'), deployment('b')],
    clock,
    intervalMs: INTERVAL_MS,
    sharing,
    describe: describeEndpoint,
    probe(target) {
      probed.push(target.id);
      const endpoint = describeEndpoint(target);
      return Promise.resolve(failing.has(target.id) ? { ...endpoint, error: 'down' } : endpoint);
    },
  });
  return { instance, probed };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

void describe('shared health checks', () => {
  void test('the instance that claims the round probes and publishes its results', async () => {
    const clock = createFakeClock();
    const shared = fakeSharing(true);
    const { instance, probed } = checker(clock, shared.sharing, new Set(['b']));
    instance.start();
    await settle();
    assert.deepEqual(probed, ['a', 'b']);
    assert.deepEqual(shared.published, [
      [
        { deploymentId: 'a', checkedAt: clock.now(), error: undefined },
        { deploymentId: 'b', checkedAt: clock.now(), error: 'down' },
      ],
    ]);
    await instance.stop();
  });

  void test('an instance that does not claim the round probes nothing and reports the shared results', async () => {
    const clock = createFakeClock();
    const shared = fakeSharing(false);
    const { instance, probed } = checker(clock, shared.sharing);
    instance.start();
    await settle();
    const checkedAt = clock.now();
    shared.announce([
      { deploymentId: 'a', checkedAt, error: undefined },
      { deploymentId: 'b', checkedAt, error: 'Connection refused' },
    ]);
    await clock.advanceAsync(5_000);
    const report = await instance.report();
    assert.deepEqual(probed, []);
    assert.equal(report.healthy_count, 1);
    assert.equal(report.unhealthy_endpoints[0]?.error, 'Connection refused');
    assert.equal(report.unhealthy_endpoints[0]?.age_seconds, 5);
    assert.equal(instance.isRoutable('b'), false, 'health routing uses shared results');
    assert.equal(instance.isRoutable('a'), true);
    await instance.stop();
  });

  void test('a first report loads the latest shared round instead of probing', async () => {
    const clock = createFakeClock();
    const stored = [{ deploymentId: 'a', checkedAt: clock.now() - 1_000, error: undefined }];
    const { instance, probed } = checker(clock, fakeSharing(false, stored).sharing);
    const report = await instance.report();
    assert.deepEqual(probed, []);
    assert.equal(
      report.healthy_endpoints[0]?.last_checked_at,
      new Date(stored[0]!.checkedAt).toISOString(),
    );
    await instance.stop();
  });

  void test('a first report with nothing shared yet answers from a check of its own', async () => {
    const clock = createFakeClock();
    const { instance, probed } = checker(clock, fakeSharing(false).sharing);
    const report = await instance.report();
    assert.deepEqual(probed, ['a', 'b']);
    assert.equal(report.healthy_count, 2);
    await instance.stop();
  });

  void test('an older shared result never replaces a newer one', async () => {
    const clock = createFakeClock();
    const shared = fakeSharing(true);
    const { instance } = checker(clock, shared.sharing, new Set(['a']));
    instance.start();
    await settle();
    shared.announce([{ deploymentId: 'a', checkedAt: clock.now() - 1, error: undefined }]);
    assert.equal((await instance.report()).unhealthy_count, 1);
    await instance.stop();
  });
});

void describe('shareHealth', () => {
  void test('shares nothing over the in-memory store', () => {
    assert.equal(shareHealth(createMemoryStore(), INTERVAL_MS, createFakeClock()), undefined);
  });

  void test('claims the round through a lease as long as the interval', async () => {
    const claims: [string, number][] = [];
    const store: StateStore = {
      ...createMemoryStore(),
      kind: 'redis',
      status: () => 'connected',
      claimLease(name, ttlMs) {
        claims.push([name, ttlMs]);
        return Promise.resolve(false);
      },
    };
    const sharing = shareHealth(store, INTERVAL_MS, createFakeClock());
    assert.equal(await sharing?.claimRound(), false);
    assert.deepEqual(claims, [['health-round', INTERVAL_MS]]);
  });

  void test('checks locally when the store stays unreachable past the connect wait', async () => {
    const clock = createFakeClock();
    let asked = false;
    const store: StateStore = {
      ...createMemoryStore(),
      kind: 'redis',
      status: (): StoreStatus => 'degraded',
      claimLease: () => {
        asked = true;
        return Promise.resolve(false);
      },
    };
    const claim = shareHealth(store, INTERVAL_MS, clock)!.claimRound();
    await clock.advanceAsync(CONNECT_WAIT_MS);
    assert.equal(await claim, true);
    assert.equal(asked, false, 'a dead store is not asked');
  });
});
