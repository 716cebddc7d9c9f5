import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeClock } from '../testing/fake-clock.ts';
import { createDeadlineSignal } from './abort.ts';

const timeout = (): Error => new Error('deadline passed');

test('the signal aborts with the timeout error when the deadline passes', () => {
  const clock = createFakeClock();
  const deadline = createDeadlineSignal(clock, 1000, timeout);
  clock.advance(999);
  assert.equal(deadline.signal.aborted, false);
  clock.advance(1);
  assert.equal((deadline.signal.reason as Error).message, 'deadline passed');
});

test("the parent's abort passes through with the parent's reason", () => {
  const clock = createFakeClock();
  const parent = new AbortController();
  const deadline = createDeadlineSignal(clock, 1000, timeout, parent.signal);
  parent.abort(new Error('client went away'));
  assert.equal((deadline.signal.reason as Error).message, 'client went away');
  assert.equal(clock.pendingTimers(), 0);
});

test('an already aborted parent aborts at once', () => {
  const parent = new AbortController();
  parent.abort(new Error('gone'));
  const deadline = createDeadlineSignal(createFakeClock(), 1000, timeout, parent.signal);
  assert.equal(deadline.signal.aborted, true);
});

test('dispose cancels the timer', () => {
  const clock = createFakeClock();
  const deadline = createDeadlineSignal(clock, 1000, timeout);
  deadline.dispose();
  clock.advance(5000);
  assert.equal(deadline.signal.aborted, false);
});

test('reset restarts the budget and can change the error', () => {
  const clock = createFakeClock();
  const deadline = createDeadlineSignal(clock, 1000, timeout);
  clock.advance(900);
  deadline.reset(500, () => new Error('stalled'));
  clock.advance(400);
  assert.equal(deadline.signal.aborted, false);
  clock.advance(100);
  assert.equal((deadline.signal.reason as Error).message, 'stalled');
});
