import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { createFakeClock, type FakeClock } from '../testing/fake-clock.ts';
import { createHealthChecker, type HealthChecker } from './health-checker.ts';
import type { HealthEndpoint } from './types.ts';

const INTERVAL_MS = 60_000;

function deployment(id: string, group = 'g', info: Record<string, unknown> = {}): Deployment {
  return { id, group, info } as unknown as Deployment;
}

/** A checker whose probes fail for the ids in `failing`; `probed` lists every probe's id. */
function setup(deployments: readonly Deployment[]): {
  clock: FakeClock;
  checker: HealthChecker;
  probed: string[];
  failing: Set<string>;
} {
  const clock = createFakeClock();
  const probed: string[] = [];
  const failing = new Set<string>();
  const checker = createHealthChecker({
    deployments,
    clock,
    intervalMs: INTERVAL_MS,
    probe(target): Promise<HealthEndpoint> {
      probed.push(target.id);
      const endpoint = { model: 'openai/m', model_name: target.group, model_id: target.id };
      return Promise.resolve(
        failing.has(target.id)
          ? { ...endpoint, api_base: undefined, error: 'down' }
          : { ...endpoint, api_base: undefined },
      );
    },
  });
  return { clock, checker, probed, failing };
}

/** Lets a run's settled probes be recorded. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

void describe('health checker', () => {
  void test('probes every deployment at start, then again at each interval', async () => {
    const { clock, checker, probed } = setup([deployment('a'), deployment('b')]);
    checker.start();
    await settle();
    assert.deepEqual(probed, ['a', 'b']);
    await clock.advanceAsync(INTERVAL_MS - 1);
    assert.equal(probed.length, 2);
    await clock.advanceAsync(1);
    assert.deepEqual(probed, ['a', 'b', 'a', 'b']);
    await clock.advanceAsync(INTERVAL_MS);
    assert.equal(probed.length, 6);
    await checker.stop();
  });

  void test('a report before any run runs one on demand', async () => {
    const { checker, probed } = setup([deployment('a')]);
    const report = await checker.report();
    assert.deepEqual(probed, ['a']);
    assert.equal(report.healthy_count, 1);
  });

  void test('a report answers from the latest results with their age, probing nothing', async () => {
    const { clock, checker, probed } = setup([deployment('a')]);
    checker.start();
    await settle();
    const startedAt = clock.now();
    await clock.advanceAsync(42_500);
    const report = await checker.report();
    assert.equal(probed.length, 1);
    assert.equal(report.healthy_endpoints[0]?.age_seconds, 42);
    assert.equal(report.healthy_endpoints[0]?.last_checked_at, new Date(startedAt).toISOString());
    await checker.stop();
  });

  void test('a deployment that starts failing is unhealthy after the next run', async () => {
    const { clock, checker, failing } = setup([deployment('a')]);
    checker.start();
    await settle();
    failing.add('a');
    assert.equal((await checker.report()).unhealthy_count, 0);
    await clock.advanceAsync(INTERVAL_MS);
    const report = await checker.report();
    assert.equal(report.unhealthy_count, 1);
    assert.equal(report.unhealthy_endpoints[0]?.error, 'down');
    await checker.stop();
  });

  void test('stop leaves no timer and no further probe', async () => {
    const { clock, checker, probed } = setup([deployment('a')]);
    checker.start();
    await settle();
    await checker.stop();
    assert.equal(clock.pendingTimers(), 0);
    await clock.advanceAsync(10 * INTERVAL_MS);
    assert.equal(probed.length, 1);
  });

  void test('skips deployments with disable_background_health_check', async () => {
    const { checker, probed } = setup([
      deployment('a'),
      deployment('quiet', 'g', { disable_background_health_check: true }),
    ]);
    const report = await checker.report();
    assert.deepEqual(probed, ['a']);
    assert.deepEqual(
      report.healthy_endpoints.map((endpoint) => endpoint.model_id),
      ['a'],
    );
  });

  void test('a failed deployment is not routable while its group has a healthy one', async () => {
    const { checker, failing } = setup([deployment('a'), deployment('b'), deployment('c', 'h')]);
    failing.add('a');
    await checker.report();
    assert.equal(checker.isRoutable('a'), false);
    assert.equal(checker.isRoutable('b'), true);
    assert.equal(checker.isRoutable('c'), true);
  });

  void test('a group whose every deployment failed stays routable', async () => {
    const { checker, failing } = setup([deployment('a'), deployment('b')]);
    failing.add('a').add('b');
    await checker.report();
    assert.equal(checker.isRoutable('a'), true);
    assert.equal(checker.isRoutable('b'), true);
  });

  void test('a failed result older than two intervals is ignored', async () => {
    const { clock, checker, failing } = setup([deployment('a'), deployment('b')]);
    failing.add('a');
    await checker.report();
    await checker.stop();
    clock.advance(2 * INTERVAL_MS);
    assert.equal(checker.isRoutable('a'), false);
    clock.advance(1);
    assert.equal(checker.isRoutable('a'), true);
  });
});
