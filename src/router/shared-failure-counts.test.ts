/**
 * Cooldown windows counted by several instances together, over one in-process counter store
 * standing in for Redis, with a fake clock: the rules read the combined counts, and a flush
 * that brings other instances' failures re-judges the deployment.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConfig } from '../config/compile.ts';
import { loadConfigObject } from '../config/load.ts';
import type { RouterPlan } from '../config/plan.ts';
import type { Deployment } from '../core/deployment.ts';
import type { ErrorKind } from '../errors/error-table.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { createCooldownTracker, type CooldownTracker } from '../resilience/cooldown.ts';
import { countsBenchReason } from '../resilience/cooldown-rules.ts';
import { createFailureWindow } from '../resilience/cooldown-window.ts';
import { createMemoryStore } from '../state/memory-store.ts';
import type { StateStore } from '../state/state-store.ts';
import { createFakeClock, type FakeClock } from '../testing/fake-clock.ts';
import { shareFailureCounts, type SharedFailureCounts } from './shared-failure-counts.ts';

function planWith(routerSettings: Record<string, unknown>): RouterPlan {
  const deployment = (id: string) => ({
    model_name: 'g',
    litellm_params: { model: 'openai/gpt-4o', api_key: 'k' },
    model_info: { id },
  });
  return compileConfig(
    loadConfigObject({
      model_list: [deployment('dep-a'), deployment('dep-b')],
      router_settings: routerSettings,
    }),
  );
}

/** One in-process store that several instances share, as they would share a Redis. */
function sharedStore(clock: FakeClock): StateStore {
  return { ...createMemoryStore({ clock }), kind: 'redis' };
}

interface Instance {
  readonly tracker: CooldownTracker;
  readonly counts: SharedFailureCounts;
  readonly benched: string[];
}

function instance(plan: RouterPlan, store: StateStore, clock: FakeClock): Instance {
  const counts = shareFailureCounts({ plan, store, clock });
  const tracker = createCooldownTracker({
    clock,
    cooldownTimeMs: plan.settings.cooldownTimeMs,
    allowedFails: plan.settings.allowedFails,
    allowedFailsPolicy: plan.settings.allowedFailsPolicy,
    disabled: false,
    windowFor: counts.windowFor,
  });
  const benched: string[] = [];
  counts.watch(tracker, (deployment) => benched.push(deployment.id));
  return { tracker, counts, benched };
}

const failure = (kind: ErrorKind): GatewayError => new GatewayError(kind, `upstream: ${kind}`);

function fail(at: Instance, deployment: Deployment, count: number, kind: ErrorKind) {
  for (let i = 0; i < count; i += 1) at.tracker.recordFailure(deployment, failure(kind), 2);
}

/** Two flush intervals: each instance has sent its deltas and read the other's. */
const syncBoth = (clock: FakeClock) => clock.advanceAsync(200);

void describe('failure counts shared between instances', () => {
  void test('failures split across instances bench once the combined count crosses allowed_fails', async () => {
    const clock = createFakeClock();
    const plan = planWith({ allowed_fails: 3 });
    const store = sharedStore(clock);
    const [one, two] = [instance(plan, store, clock), instance(plan, store, clock)];
    const depA = plan.deployments.get('dep-a')!;
    fail(one, depA, 2, 'InternalServerError');
    fail(two, depA, 2, 'InternalServerError');
    assert.equal(one.tracker.state('dep-a'), 'closed', 'two failures alone bench nothing');
    assert.equal(two.tracker.state('dep-a'), 'closed');
    await syncBoth(clock);
    assert.equal(one.tracker.state('dep-a'), 'open');
    assert.equal(two.tracker.state('dep-a'), 'open');
    assert.ok([...one.benched, ...two.benched].includes('dep-a'), 'a review benched it');
    await Promise.all([one.counts.close(), two.counts.close()]);
  });

  void test('a failure after the sync is judged on the combined counts at once', async () => {
    const clock = createFakeClock();
    const plan = planWith({ allowed_fails: 2 });
    const store = sharedStore(clock);
    const [one, two] = [instance(plan, store, clock), instance(plan, store, clock)];
    const depA = plan.deployments.get('dep-a')!;
    fail(one, depA, 2, 'Timeout');
    two.tracker.recordSuccess(depA);
    await syncBoth(clock);
    const event = two.tracker.recordFailure(depA, failure('Timeout'), 2);
    assert.equal(event?.type, 'bench');
    assert.equal(event?.type === 'bench' ? event.reason : undefined, 'allowed_fails');
    await Promise.all([one.counts.close(), two.counts.close()]);
  });

  void test('the failure-rate rule reads every instance’s calls, successes included', async () => {
    const clock = createFakeClock();
    const plan = planWith({});
    const store = sharedStore(clock);
    const [one, two] = [instance(plan, store, clock), instance(plan, store, clock)];
    const depA = plan.deployments.get('dep-a')!;
    // 3 of 5 calls failed on one instance alone would bench; the other's successes dilute it.
    // (An instance reads a deployment's shared counts from its first outcome on it.)
    for (let i = 0; i < 4; i += 1) two.tracker.recordSuccess(depA);
    one.tracker.recordSuccess(depA);
    one.tracker.recordSuccess(depA);
    await syncBoth(clock);
    fail(one, depA, 3, 'InternalServerError');
    assert.equal(one.tracker.state('dep-a'), 'closed', '3 of 9 calls is no majority');
    await syncBoth(clock);
    assert.equal(one.tracker.state('dep-a'), 'closed');
    fail(two, depA, 3, 'InternalServerError');
    await syncBoth(clock);
    assert.equal(one.tracker.state('dep-a'), 'closed', '6 of 12 calls is no majority');
    fail(two, depA, 1, 'InternalServerError');
    assert.equal(two.tracker.state('dep-a'), 'open', '7 of 13 calls is');
    await syncBoth(clock);
    assert.equal(one.tracker.state('dep-a'), 'open', 'and the review tells the other');
    await Promise.all([one.counts.close(), two.counts.close()]);
  });

  void test('without a shared store each instance keeps its own window', () => {
    const clock = createFakeClock();
    const counts = shareFailureCounts({
      plan: planWith({}),
      store: createMemoryStore({ clock }),
      clock,
    });
    assert.equal(counts.windowFor, undefined);
    assert.equal(clock.pendingTimers(), 0, 'no flush timer either');
  });
});

void describe('countsBenchReason', () => {
  const nowMs = Date.UTC(2026, 0, 1);
  const base = { groupSize: 2, nowMs, allowedFails: undefined, allowedFailsPolicy: undefined };

  void test('a per-kind policy judges its own count', () => {
    const window = createFailureWindow(60_000);
    for (let i = 0; i < 3; i += 1) window.recordFailure(nowMs, 'RateLimitErrorAllowedFails');
    const policy = { RateLimitErrorAllowedFails: 2 };
    assert.equal(
      countsBenchReason({ ...base, window, allowedFailsPolicy: policy }),
      'allowed_fails',
    );
    const lenient = { RateLimitErrorAllowedFails: 3 };
    assert.equal(countsBenchReason({ ...base, window, allowedFailsPolicy: lenient }), undefined);
  });

  void test('allowed_fails ignores failures a per-kind policy governs', () => {
    const window = createFailureWindow(60_000);
    for (let i = 0; i < 3; i += 1) window.recordFailure(nowMs, 'RateLimitErrorAllowedFails');
    const input = {
      ...base,
      window,
      allowedFails: 1,
      allowedFailsPolicy: { RateLimitErrorAllowedFails: 10 },
    };
    assert.equal(countsBenchReason(input), undefined);
    window.recordFailure(nowMs, 'TimeoutErrorAllowedFails');
    assert.equal(countsBenchReason(input), 'allowed_fails');
  });

  void test('the failure-rate rule needs five calls and a majority of failures', () => {
    const window = createFailureWindow(60_000);
    for (let i = 0; i < 3; i += 1) window.recordFailure(nowMs, undefined);
    assert.equal(countsBenchReason({ ...base, window }), undefined, 'three calls are too few');
    window.recordSuccess(nowMs);
    window.recordSuccess(nowMs);
    assert.equal(countsBenchReason({ ...base, window }), 'failure_rate');
    assert.equal(countsBenchReason({ ...base, window, groupSize: 1 }), undefined, 'alone: 100 %');
  });
});
