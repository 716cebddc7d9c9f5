import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeClock } from '../testing/fake-clock.ts';
import { AttemptDeadline } from './attempt-deadline.ts';

const timeout = (): Error => new Error('attempt timed out');

void test('every live deadline on one client signal aborts with the client reason', () => {
  const clock = createFakeClock(0);
  const client = new AbortController();
  const first = new AttemptDeadline(clock, 1_000, timeout, client.signal);
  const second = new AttemptDeadline(clock, 1_000, timeout, client.signal);
  const reason = new DOMException('gone', 'AbortError');
  client.abort(reason);
  assert.equal(first.signal.reason, reason);
  assert.equal(second.signal.reason, reason);
});

void test('a disposed deadline no longer follows the client signal, the others still do', () => {
  const clock = createFakeClock(0);
  const client = new AbortController();
  const done = new AttemptDeadline(clock, 1_000, timeout, client.signal);
  const live = new AttemptDeadline(clock, 1_000, timeout, client.signal);
  done.dispose();
  client.abort();
  assert.equal(done.signal.aborted, false);
  assert.equal(live.signal.aborted, true);
});

void test('a deadline created on an aborted client signal starts aborted', () => {
  const clock = createFakeClock(0);
  const deadline = new AttemptDeadline(clock, 1_000, timeout, AbortSignal.abort('left'));
  assert.equal(deadline.signal.reason, 'left');
});

void test('the budget running out aborts with the attempt error; dispose stops the timer', () => {
  const clock = createFakeClock(0);
  const expired = new AttemptDeadline(clock, 1_000, timeout, undefined);
  const disposed = new AttemptDeadline(clock, 1_000, timeout, undefined);
  disposed.dispose();
  clock.advance(999);
  assert.equal(expired.signal.aborted, false);
  clock.advance(1);
  assert.match(String(expired.signal.reason), /attempt timed out/);
  assert.equal(disposed.signal.aborted, false);
});

void test('an idle deadline aborts idleMs into a wait for the upstream, not after the first', () => {
  const clock = createFakeClock(0);
  const deadline = new AttemptDeadline(clock, 1_000, timeout, undefined);
  deadline.startIdle(100, () => new Error('stalled'));
  deadline.waitStarted();
  clock.advance(80);
  deadline.waitEnded();
  deadline.waitStarted();
  clock.advance(80);
  assert.equal(deadline.signal.aborted, false);
  clock.advance(20);
  assert.match(String(deadline.signal.reason), /stalled/);
});

void test('a first-chunk timer due within the idle budget is kept, and a stall still ends idleMs into its wait', () => {
  const clock = createFakeClock(0);
  const deadline = new AttemptDeadline(clock, 1_000, timeout, undefined);
  clock.advance(900);
  // Due in 100 ms, well within a 5 s idle budget: kept rather than re-armed.
  deadline.startIdle(5_000, () => new Error('stalled'));
  assert.equal(clock.pendingTimers(), 1);
  clock.advance(2_000);
  deadline.waitStarted();
  clock.advance(4_999);
  assert.equal(deadline.signal.aborted, false);
  clock.advance(1);
  assert.match(String(deadline.signal.reason), /stalled/);
});

void test('time nobody waits for the upstream does not count: a slow consumer is no stall', () => {
  const clock = createFakeClock(0);
  const deadline = new AttemptDeadline(clock, 1_000, timeout, undefined);
  deadline.startIdle(100, () => new Error('stalled'));
  // The consumer takes chunks already read, or is held up by its own client, for 10 budgets.
  clock.advance(1_000);
  assert.equal(deadline.signal.aborted, false);
  assert.equal(clock.pendingTimers(), 1, 'the timer sleeps on, one at a time');
  // Then it waits, and the upstream stays silent for the whole budget.
  deadline.waitStarted();
  clock.advance(99);
  assert.equal(deadline.signal.aborted, false);
  clock.advance(1);
  assert.match(String(deadline.signal.reason), /stalled/);
});

void test('a first-chunk timer due after the idle budget is replaced by one for the budget', () => {
  const clock = createFakeClock(0);
  const deadline = new AttemptDeadline(clock, 60_000, timeout, undefined);
  clock.advance(100);
  deadline.startIdle(1_000, () => new Error('stalled'));
  deadline.waitStarted();
  assert.equal(clock.pendingTimers(), 1);
  clock.advance(999);
  assert.equal(deadline.signal.aborted, false);
  clock.advance(1);
  assert.match(String(deadline.signal.reason), /stalled/);
});
