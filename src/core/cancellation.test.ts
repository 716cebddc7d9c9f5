import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cancellation } from './cancellation.ts';

void test('abort runs each listener once with the first reason kept', () => {
  const cancellation = new Cancellation();
  let calls = 0;
  cancellation.addEventListener('abort', () => (calls += 1));
  cancellation.abort('first');
  cancellation.abort('second');
  assert.equal(cancellation.aborted, true);
  assert.equal(cancellation.reason, 'first');
  assert.equal(calls, 1);
});

void test('a removed listener is not called; one added after the abort never is', () => {
  const cancellation = new Cancellation();
  const seen: string[] = [];
  const removed = (): void => void seen.push('removed');
  cancellation.addEventListener('abort', removed);
  cancellation.addEventListener('abort', () => seen.push('kept'));
  cancellation.removeEventListener('abort', removed);
  cancellation.abort(undefined);
  cancellation.addEventListener('abort', () => seen.push('late'));
  assert.deepEqual(seen, ['kept']);
});

void test('signal is a real AbortSignal following the cancellation, before or after it aborts', () => {
  const early = new Cancellation();
  const signal = early.signal;
  assert.ok(signal instanceof AbortSignal);
  assert.equal(signal.aborted, false);
  early.abort('gone');
  assert.equal(signal.reason, 'gone');

  const late = new Cancellation();
  late.abort('already');
  assert.equal(late.signal.aborted, true);
  assert.equal(late.signal.reason, 'already');
  assert.equal(late.signal, late.signal);
});

void test('abortLazily builds its reason once, on the first read, and never if nobody reads it', () => {
  let built = 0;
  const makeReason = (): Error => {
    built += 1;
    return new Error(`reason ${built}`);
  };
  const unread = new Cancellation();
  let heard = 0;
  unread.addEventListener('abort', () => (heard += 1));
  unread.abortLazily(makeReason);
  assert.equal(unread.aborted, true);
  assert.equal(heard, 1, 'listeners run at the abort, as with abort()');
  assert.equal(built, 0, 'nobody read the reason: it was never made');

  const read = new Cancellation();
  read.abortLazily(makeReason);
  read.abort(new Error('later'));
  const first = read.reason as Error;
  assert.equal(first.message, 'reason 1', 'the first abort, lazy or not, decides the reason');
  assert.equal(read.reason, first, 'built once');
  assert.equal(built, 1);

  // A real AbortSignal made before the abort needs the reason at once.
  const followed = new Cancellation();
  const signal = followed.signal;
  followed.abortLazily(makeReason);
  assert.equal((signal.reason as Error).message, 'reason 2');
  assert.equal(followed.reason, signal.reason);
});
