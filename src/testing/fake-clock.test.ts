import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delay } from '../core/clock.ts';
import { createFakeClock } from './fake-clock.ts';

void describe('createFakeClock', () => {
  void it('starts at 2026-01-01T00:00:00Z by default', () => {
    assert.equal(createFakeClock().now(), Date.UTC(2026, 0, 1));
  });

  void it('starts at the given time', () => {
    assert.equal(createFakeClock(1_000).now(), 1_000);
  });

  void it('does not move on its own', async () => {
    const clock = createFakeClock(0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(clock.now(), 0);
  });

  void it('fires due timers in deadline order', () => {
    const clock = createFakeClock(0);
    const fired: number[] = [];
    clock.setTimer(() => fired.push(30), 30);
    clock.setTimer(() => fired.push(10), 10);
    clock.setTimer(() => fired.push(20), 20);
    clock.advance(30);
    assert.deepEqual(fired, [10, 20, 30]);
  });

  void it('shows each timer now() equal to its own deadline', () => {
    const clock = createFakeClock(1_000);
    const seen: number[] = [];
    clock.setTimer(() => seen.push(clock.now()), 25);
    clock.setTimer(() => seen.push(clock.now()), 5);
    clock.advance(100);
    assert.deepEqual(seen, [1_005, 1_025]);
    assert.equal(clock.now(), 1_100);
  });

  void it('fires timers with the same deadline in scheduling order', () => {
    const clock = createFakeClock(0);
    const fired: string[] = [];
    clock.setTimer(() => fired.push('a'), 10);
    clock.setTimer(() => fired.push('b'), 10);
    clock.setTimer(() => fired.push('c'), 10);
    clock.advance(10);
    assert.deepEqual(fired, ['a', 'b', 'c']);
  });

  void it('keeps timers that are not yet due pending', () => {
    const clock = createFakeClock(0);
    let fired = false;
    clock.setTimer(() => (fired = true), 50);
    clock.advance(49);
    assert.equal(fired, false);
    assert.equal(clock.pendingTimers(), 1);
    clock.advance(1);
    assert.equal(fired, true);
    assert.equal(clock.pendingTimers(), 0);
  });

  void it('never fires a cancelled timer', () => {
    const clock = createFakeClock(0);
    let fired = false;
    const cancel = clock.setTimer(() => (fired = true), 10);
    cancel();
    assert.equal(clock.pendingTimers(), 0);
    clock.advance(20);
    assert.equal(fired, false);
  });

  void it('ignores a cancel after the timer fired', () => {
    const clock = createFakeClock(0);
    const cancel = clock.setTimer(() => undefined, 10);
    const other = clock.setTimer(() => undefined, 20);
    clock.advance(10);
    cancel();
    assert.equal(clock.pendingTimers(), 1);
    other();
  });

  void it('fires timers scheduled by callbacks when they fall due within the same advance', () => {
    const clock = createFakeClock(0);
    const fired: number[] = [];
    clock.setTimer(() => {
      fired.push(clock.now());
      clock.setTimer(() => fired.push(clock.now()), 10);
      clock.setTimer(() => fired.push(clock.now()), 100);
    }, 10);
    clock.advance(50);
    assert.deepEqual(fired, [10, 20]);
    assert.equal(clock.pendingTimers(), 1);
  });

  void it('fires a zero-ms timer on the next advance, even advance(0)', () => {
    const clock = createFakeClock(0);
    let fired = false;
    clock.setTimer(() => (fired = true), 0);
    clock.advance(0);
    assert.equal(fired, true);
  });

  void it('lets promise chains waiting on successive timers progress with advanceAsync', async () => {
    const clock = createFakeClock(0);
    const steps: number[] = [];
    const chain = (async () => {
      await delay(clock, 10);
      steps.push(clock.now());
      await delay(clock, 10);
      steps.push(clock.now());
      await delay(clock, 10);
      steps.push(clock.now());
    })();
    await clock.advanceAsync(30);
    await chain;
    assert.deepEqual(steps, [10, 20, 30]);
  });

  void it('resumes promise chains only after a synchronous advance has returned', async () => {
    const clock = createFakeClock(0);
    const steps: number[] = [];
    const chain = (async () => {
      await delay(clock, 10);
      steps.push(clock.now());
      await delay(clock, 10);
      steps.push(clock.now());
    })();
    clock.advance(30);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(steps, [30]);
    clock.advance(10);
    await chain;
    assert.deepEqual(steps, [30, 40]);
  });

  void it('set moves the wall clock without firing timers', () => {
    const clock = createFakeClock(0);
    let fired = false;
    clock.setTimer(() => (fired = true), 10);
    clock.set(5_000);
    assert.equal(clock.now(), 5_000);
    assert.equal(fired, false);
    clock.advance(0);
    assert.equal(fired, true);
    assert.equal(clock.now(), 5_000);
  });

  void it('rejects a negative advance with a RangeError', () => {
    assert.throws(() => createFakeClock().advance(-1), RangeError);
  });

  void it('stops a timer that reschedules itself with 0 ms instead of looping forever', () => {
    const clock = createFakeClock(0);
    const again = (): void => {
      clock.setTimer(again, 0);
    };
    clock.setTimer(again, 0);
    assert.throws(() => clock.advance(1), /reschedules itself/);
  });

  void it('rejects an aborted delay and leaves no timer behind', async () => {
    const clock = createFakeClock(0);
    const controller = new AbortController();
    const waiting = delay(clock, 100, controller.signal);
    controller.abort(new Error('gone'));
    await assert.rejects(waiting, /gone/);
    assert.equal(clock.pendingTimers(), 0);
  });
});
