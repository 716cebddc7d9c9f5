import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import type { ErrorKind } from '../errors/error-table.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { createFakeClock } from '../testing/fake-clock.ts';
import {
  createCooldownTracker,
  type CooldownEvent,
  type CooldownOptions,
  type CooldownTracker,
} from './cooldown.ts';

const COOLDOWN_MS = 5_000;

function setup(overrides: Partial<CooldownOptions> = {}) {
  const clock = createFakeClock();
  const tracker = createCooldownTracker({
    clock,
    cooldownTimeMs: COOLDOWN_MS,
    allowedFails: undefined,
    allowedFailsPolicy: undefined,
    disabled: false,
    ...overrides,
  });
  const events: CooldownEvent[] = [];
  tracker.onEvent((event) => events.push(event));
  return { clock, tracker, events, start: clock.now() };
}

function deployment(id = 'd1', cooldownTimeMs?: number): Deployment {
  return { id, group: 'gpt', cooldownTimeMs } as unknown as Deployment;
}

function failure(kind: ErrorKind, retryAfterMs?: number): GatewayError {
  return new GatewayError(kind, `upstream said ${kind}`, { retryAfterMs });
}

const d1 = deployment();

/** Records `count` failures of `kind` and returns the last result. */
function fail(
  tracker: CooldownTracker,
  count: number,
  kind: ErrorKind = 'InternalServerError',
  groupSize = 2,
) {
  let last: CooldownEvent | undefined;
  for (let i = 0; i < count; i++) last = tracker.recordFailure(d1, failure(kind), groupSize);
  return last;
}

function succeed(tracker: CooldownTracker, count: number): void {
  for (let i = 0; i < count; i++) tracker.recordSuccess(d1);
}

/** Benches d1 with a 429 in a two-deployment group, then moves the clock to the bench's end. */
function benchThenExpire(ctx: ReturnType<typeof setup>): void {
  ctx.tracker.recordFailure(d1, failure('RateLimitError'), 2);
  ctx.clock.advance(COOLDOWN_MS);
}

// ---- Bench triggers -------------------------------------------------------------------------

test('a 429 benches at once when the group has other deployments', () => {
  const { tracker, start } = setup();
  const event = tracker.recordFailure(d1, failure('RateLimitError'), 2);
  assert.deepEqual(event, {
    type: 'bench',
    deploymentId: 'd1',
    until: start + COOLDOWN_MS,
    reason: 'rate_limited',
  });
  assert.equal(tracker.isAvailable('d1'), false);
});

test("forget() drops a deployment's bench and failures (derived deployments come and go)", () => {
  const { tracker } = setup();
  tracker.recordFailure(d1, failure('RateLimitError'), 2);
  assert.equal(tracker.isAvailable('d1'), false);
  tracker.forget('d1');
  assert.equal(tracker.isAvailable('d1'), true);
  assert.equal(tracker.benchedUntil('d1'), undefined);
});

test("a 429 on a group's only deployment does not bench it", () => {
  const { tracker } = setup();
  assert.equal(tracker.recordFailure(d1, failure('RateLimitError'), 1), undefined);
  assert.equal(tracker.isAvailable('d1'), true);
});

for (const kind of ['AuthenticationError', 'PermissionDeniedError', 'NotFoundError'] as const) {
  const status = new GatewayError(kind, '').status;
  test(`a ${status} benches at once, even a group's only deployment`, () => {
    const { tracker } = setup();
    const event = tracker.recordFailure(d1, failure(kind), 1);
    assert.equal(event?.type === 'bench' ? event.reason : undefined, 'non_retryable');
    assert.equal(tracker.state('d1'), 'open');
  });
}

test('failure rate: 3 failures in 5 calls benches', () => {
  const { tracker } = setup();
  succeed(tracker, 2);
  assert.equal(fail(tracker, 2), undefined);
  const event = fail(tracker, 1);
  assert.equal(event?.type === 'bench' ? event.reason : undefined, 'failure_rate');
});

test('failure rate: 2 failures in 5 calls does not bench', () => {
  const { tracker } = setup();
  succeed(tracker, 3);
  assert.equal(fail(tracker, 2), undefined);
  assert.equal(tracker.state('d1'), 'closed');
});

test('failure rate: fewer than 5 calls never bench, even all failed', () => {
  const { tracker } = setup();
  assert.equal(fail(tracker, 4), undefined);
  assert.equal(tracker.state('d1'), 'closed');
});

test("a group's only deployment is benched when 5 of 5 calls failed", () => {
  const { tracker } = setup();
  assert.equal(fail(tracker, 4, 'InternalServerError', 1), undefined);
  const event = fail(tracker, 1, 'InternalServerError', 1);
  assert.equal(event?.type, 'bench');
});

test("a group's only deployment is not benched when 4 of 5 calls failed", () => {
  const { tracker } = setup();
  succeed(tracker, 1);
  assert.equal(fail(tracker, 4, 'InternalServerError', 1), undefined);
  assert.equal(tracker.state('d1'), 'closed');
});

test('failure rate counts only the last minute', () => {
  const { tracker, clock } = setup();
  fail(tracker, 4);
  clock.advance(60_000);
  succeed(tracker, 2);
  assert.equal(fail(tracker, 1), undefined);
});

test('allowed_fails 1: the second failure in the window benches, not the first', () => {
  const { tracker } = setup({ allowedFails: 1 });
  assert.equal(fail(tracker, 1), undefined);
  const event = fail(tracker, 1);
  assert.equal(event?.type === 'bench' ? event.reason : undefined, 'allowed_fails');
});

test('allowed_fails: a failure older than the window does not count', () => {
  const { tracker, clock } = setup({ allowedFails: 1 });
  fail(tracker, 1);
  clock.advance(60_000);
  assert.equal(fail(tracker, 1), undefined);
  assert.equal(tracker.state('d1'), 'closed');
});

test('allowed_fails: the window length is configurable', () => {
  const { tracker, clock } = setup({ allowedFails: 1, windowMs: 10_000 });
  fail(tracker, 1);
  clock.advance(10_000);
  assert.equal(fail(tracker, 1), undefined);
});

test('allowed_fails replaces the failure-rate rule', () => {
  const { tracker } = setup({ allowedFails: 10 });
  assert.equal(fail(tracker, 10, 'InternalServerError', 1), undefined);
  assert.equal(tracker.state('d1'), 'closed');
});

test('allowed_fails does not delay the bench of a 401', () => {
  const { tracker } = setup({ allowedFails: 3 });
  assert.equal(fail(tracker, 1, 'AuthenticationError')?.type, 'bench');
});

test('allowed_fails_policy counts failures of its own kind only', () => {
  const { tracker } = setup({ allowedFailsPolicy: { TimeoutErrorAllowedFails: 1 } });
  fail(tracker, 1, 'Timeout');
  fail(tracker, 1, 'InternalServerError');
  assert.equal(tracker.state('d1'), 'closed');
  assert.equal(fail(tracker, 1, 'Timeout')?.type, 'bench');
});

test('allowed_fails_policy tolerates 429s in a multi-deployment group', () => {
  const { tracker } = setup({ allowedFailsPolicy: { RateLimitErrorAllowedFails: 2 } });
  assert.equal(fail(tracker, 2, 'RateLimitError'), undefined);
  assert.equal(fail(tracker, 1, 'RateLimitError')?.type, 'bench');
});

test('5xx kinds and connection errors share InternalServerErrorAllowedFails', () => {
  const { tracker } = setup({ allowedFailsPolicy: { InternalServerErrorAllowedFails: 2 } });
  fail(tracker, 1, 'BadGatewayError');
  fail(tracker, 1, 'APIConnectionError');
  assert.equal(fail(tracker, 1, 'ServiceUnavailableError')?.type, 'bench');
});

test('an allowed_fails_policy without an entry for the kind falls back to allowed_fails', () => {
  const { tracker } = setup({
    allowedFails: 0,
    allowedFailsPolicy: { TimeoutErrorAllowedFails: 5 },
  });
  assert.equal(fail(tracker, 1, 'InternalServerError')?.type, 'bench');
});

for (const kind of [
  'BadRequestError',
  'ContextWindowExceededError',
  'ContentPolicyViolationError',
  'UnprocessableEntityError',
  'ConflictError',
] as const) {
  test(`${kind} never benches a deployment`, () => {
    const { tracker, events } = setup({ allowedFails: 0 });
    assert.equal(fail(tracker, 10, kind), undefined);
    assert.equal(tracker.state('d1'), 'closed');
    assert.deepEqual(events, []);
  });
}

test('non-counted failures do not count as calls for the failure rate', () => {
  const { tracker } = setup();
  fail(tracker, 10, 'BadRequestError');
  assert.equal(fail(tracker, 4), undefined);
});

// ---- Bench length ---------------------------------------------------------------------------

test("the bench lasts the router's cooldown_time by default", () => {
  const { tracker, start } = setup();
  fail(tracker, 1, 'RateLimitError');
  assert.equal(tracker.benchedUntil('d1'), start + COOLDOWN_MS);
});

test("the upstream's Retry-After wins when longer than cooldown_time", () => {
  const { tracker, start } = setup();
  tracker.recordFailure(d1, failure('RateLimitError', 30_000), 2);
  assert.equal(tracker.benchedUntil('d1'), start + 30_000);
});

test('a Retry-After shorter than cooldown_time does not shorten the bench', () => {
  const { tracker, start } = setup();
  tracker.recordFailure(d1, failure('RateLimitError', 1_000), 2);
  assert.equal(tracker.benchedUntil('d1'), start + COOLDOWN_MS);
});

test("a deployment's own cooldown_time wins over the router's and Retry-After", () => {
  const { tracker, start } = setup();
  tracker.recordFailure(deployment('d1', 2_000), failure('RateLimitError', 30_000), 2);
  assert.equal(tracker.benchedUntil('d1'), start + 2_000);
});

test("a deployment's cooldown_time of 0 means it is never benched", () => {
  const { tracker, events } = setup();
  const event = tracker.recordFailure(deployment('d1', 0), failure('AuthenticationError'), 2);
  assert.equal(event, undefined);
  assert.equal(tracker.isAvailable('d1'), true);
  assert.deepEqual(events, []);
});

test('disable_cooldowns: nothing ever benches', () => {
  const { tracker, events } = setup({ disabled: true });
  fail(tracker, 1, 'AuthenticationError');
  fail(tracker, 10, 'RateLimitError');
  assert.equal(tracker.isAvailable('d1'), true);
  assert.deepEqual(events, []);
});

// ---- Availability and the half-open probe ---------------------------------------------------

test('a benched deployment is unavailable until its bench ends, and available from then', () => {
  const { tracker, clock } = setup();
  fail(tracker, 1, 'RateLimitError');
  clock.advance(COOLDOWN_MS - 1);
  assert.equal(tracker.isAvailable('d1'), false);
  assert.equal(tracker.state('d1'), 'open');
  clock.advance(1);
  assert.equal(tracker.isAvailable('d1'), true);
  assert.equal(tracker.state('d1'), 'half-open');
  assert.equal(tracker.benchedUntil('d1'), undefined);
});

test('half-open admits a single probe: a second caller is refused while it runs', () => {
  const ctx = setup();
  benchThenExpire(ctx);
  assert.equal(ctx.tracker.isAvailable('d1'), true);
  ctx.tracker.onAttemptStart('d1');
  assert.equal(ctx.tracker.isAvailable('d1'), false);
  assert.equal(ctx.tracker.state('d1'), 'half-open');
});

test('a successful probe closes the breaker and clears its failure counts', () => {
  const ctx = setup();
  succeed(ctx.tracker, 2);
  fail(ctx.tracker, 3);
  ctx.clock.advance(COOLDOWN_MS);
  ctx.tracker.onAttemptStart('d1');
  ctx.tracker.recordSuccess(d1);
  assert.equal(ctx.tracker.state('d1'), 'closed');
  assert.equal(ctx.tracker.isAvailable('d1'), true);
  // With the old counts (2 successes, 3 failures) more failures would bench again at once.
  fail(ctx.tracker, 2);
  assert.equal(ctx.tracker.state('d1'), 'closed');
});

test('a failed probe benches again at once, whatever the thresholds', () => {
  const ctx = setup({ allowedFails: 100 });
  ctx.tracker.recordFailure(d1, failure('NotFoundError'), 1);
  ctx.clock.advance(COOLDOWN_MS);
  ctx.tracker.onAttemptStart('d1');
  const event = ctx.tracker.recordFailure(d1, failure('InternalServerError'), 1);
  assert.deepEqual(event, {
    type: 'bench',
    deploymentId: 'd1',
    until: ctx.clock.now() + COOLDOWN_MS,
    reason: 'probe_failed',
  });
  assert.equal(ctx.tracker.isAvailable('d1'), false);
});

test('an abandoned probe frees the slot for another', () => {
  const ctx = setup();
  benchThenExpire(ctx);
  ctx.tracker.onAttemptStart('d1');
  ctx.tracker.onAttemptAbandoned('d1');
  assert.equal(ctx.tracker.isAvailable('d1'), true);
  assert.equal(ctx.tracker.state('d1'), 'half-open');
});

test('a non-counted failure during a probe frees the slot without closing', () => {
  const ctx = setup();
  benchThenExpire(ctx);
  ctx.tracker.onAttemptStart('d1');
  assert.equal(ctx.tracker.recordFailure(d1, failure('BadRequestError'), 2), undefined);
  assert.equal(ctx.tracker.isAvailable('d1'), true);
  assert.equal(ctx.tracker.state('d1'), 'half-open');
});

test('a failure while benched extends the bench', () => {
  const { tracker, clock, start } = setup();
  fail(tracker, 1, 'RateLimitError');
  clock.advance(3_000);
  const event = fail(tracker, 1, 'InternalServerError');
  assert.equal(event?.type === 'bench' ? event.reason : undefined, 'failed_while_benched');
  assert.equal(tracker.benchedUntil('d1'), start + 3_000 + COOLDOWN_MS);
});

test('a failure while benched never shortens the bench', () => {
  const { tracker, start } = setup();
  tracker.recordFailure(d1, failure('RateLimitError', 30_000), 2);
  assert.equal(fail(tracker, 1, 'InternalServerError'), undefined);
  assert.equal(tracker.benchedUntil('d1'), start + 30_000);
});

test('a late success while benched does not end the bench', () => {
  const { tracker } = setup();
  fail(tracker, 1, 'RateLimitError');
  tracker.recordSuccess(d1);
  assert.equal(tracker.state('d1'), 'open');
});

test('events arrive in order: bench with its until, half-open, close', () => {
  const ctx = setup();
  fail(ctx.tracker, 1, 'RateLimitError');
  ctx.clock.advance(COOLDOWN_MS);
  ctx.tracker.onAttemptStart('d1');
  ctx.tracker.recordSuccess(d1);
  assert.deepEqual(ctx.events, [
    { type: 'bench', deploymentId: 'd1', until: ctx.start + COOLDOWN_MS, reason: 'rate_limited' },
    { type: 'half-open', deploymentId: 'd1' },
    { type: 'close', deploymentId: 'd1' },
  ]);
});

test('half-open is emitted once, on the first read after the bench ends', () => {
  const ctx = setup();
  benchThenExpire(ctx);
  assert.equal(ctx.events.length, 1);
  ctx.tracker.isAvailable('d1');
  ctx.tracker.state('d1');
  ctx.tracker.isAvailable('d1');
  assert.deepEqual(
    ctx.events.map((event) => event.type),
    ['bench', 'half-open'],
  );
});

test('a failure first seen after the bench ends emits half-open before the new bench', () => {
  const ctx = setup();
  benchThenExpire(ctx);
  fail(ctx.tracker, 1, 'InternalServerError');
  assert.deepEqual(
    ctx.events.map((event) => event.type),
    ['bench', 'half-open', 'bench'],
  );
});

// ---- Remote benches, listeners, unknown ids, options ----------------------------------------

test('applyRemote benches the deployment until the remote until', () => {
  const { tracker, start } = setup();
  tracker.applyRemote({ type: 'bench', deploymentId: 'd2', until: start + 9_000, reason: 'x' });
  assert.equal(tracker.isAvailable('d2'), false);
  assert.equal(tracker.benchedUntil('d2'), start + 9_000);
});

test('applyRemote does not notify listeners, so a sync cannot echo it back', () => {
  const { tracker, events, start } = setup();
  tracker.applyRemote({ type: 'bench', deploymentId: 'd2', until: start + 9_000, reason: 'x' });
  assert.deepEqual(events, []);
});

test('applyRemote never shortens a longer local bench', () => {
  const { tracker, start } = setup();
  tracker.recordFailure(d1, failure('RateLimitError', 30_000), 2);
  tracker.applyRemote({ type: 'bench', deploymentId: 'd1', until: start + 1_000, reason: 'x' });
  assert.equal(tracker.benchedUntil('d1'), start + 30_000);
});

test('applyRemote ignores a bench that has already ended', () => {
  const { tracker, start } = setup();
  tracker.applyRemote({ type: 'bench', deploymentId: 'd2', until: start, reason: 'x' });
  assert.equal(tracker.state('d2'), 'closed');
});

test('applyRemote is ignored when cooldowns are disabled', () => {
  const { tracker, start } = setup({ disabled: true });
  tracker.applyRemote({ type: 'bench', deploymentId: 'd2', until: start + 9_000, reason: 'x' });
  assert.equal(tracker.isAvailable('d2'), true);
});

test('a listener that throws does not break recording or other listeners', () => {
  const { tracker, events } = setup();
  tracker.onEvent(() => {
    throw new Error('metrics exploded');
  });
  const seen: CooldownEvent[] = [];
  tracker.onEvent((event) => seen.push(event));
  assert.equal(fail(tracker, 1, 'RateLimitError')?.type, 'bench');
  assert.equal(tracker.state('d1'), 'open');
  assert.equal(events.length, 1);
  assert.equal(seen.length, 1);
});

test('an unsubscribed listener hears nothing more', () => {
  const { tracker } = setup();
  const seen: CooldownEvent[] = [];
  const unsubscribe = tracker.onEvent((event) => seen.push(event));
  unsubscribe();
  fail(tracker, 1, 'RateLimitError');
  assert.deepEqual(seen, []);
});

test('an unknown deployment is closed and available', () => {
  const { tracker } = setup();
  tracker.onAttemptStart('nobody');
  tracker.onAttemptAbandoned('nobody');
  assert.equal(tracker.isAvailable('nobody'), true);
  assert.equal(tracker.state('nobody'), 'closed');
  assert.equal(tracker.benchedUntil('nobody'), undefined);
});

test('deployments are tracked independently', () => {
  const { tracker } = setup();
  fail(tracker, 1, 'RateLimitError');
  assert.equal(tracker.isAvailable('d1'), false);
  assert.equal(tracker.isAvailable('d2'), true);
});

test('bad options throw a RangeError naming the value', () => {
  const clock = createFakeClock();
  const base = {
    clock,
    cooldownTimeMs: 5_000,
    allowedFails: undefined,
    allowedFailsPolicy: undefined,
    disabled: false,
  };
  assert.throws(() => createCooldownTracker({ ...base, cooldownTimeMs: -1 }), RangeError);
  assert.throws(() => createCooldownTracker({ ...base, allowedFails: Number.NaN }), RangeError);
  assert.throws(() => createCooldownTracker({ ...base, windowMs: 0 }), /windowMs/);
});

test('hasBenches() is true from a bench until its probe closes it, and after forget() false', () => {
  const { tracker, clock } = setup();
  assert.equal(tracker.hasBenches(), false);
  tracker.recordFailure(d1, failure('RateLimitError'), 2);
  assert.equal(tracker.hasBenches(), true);
  clock.advance(COOLDOWN_MS);
  // Half-open still counts: only the probe's success makes every deployment available again.
  assert.equal(tracker.hasBenches(), true);
  tracker.onAttemptStart('d1');
  tracker.recordSuccess(d1);
  assert.equal(tracker.hasBenches(), false);
  tracker.recordFailure(d1, failure('RateLimitError'), 2);
  tracker.forget('d1');
  assert.equal(tracker.hasBenches(), false);
});

test('a bench another instance published counts in hasBenches()', () => {
  const { tracker, start } = setup();
  tracker.applyRemote({
    type: 'bench',
    deploymentId: 'd9',
    until: start + 1_000,
    reason: 'remote',
  });
  assert.equal(tracker.hasBenches(), true);
});
