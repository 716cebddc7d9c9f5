import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError, toGatewayError } from './gateway-error.ts';

/** The `at …` lines of a stack trace. */
function frames(error: Error): string[] {
  return (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
}

void test('an outcome carries no stack of its own; its cause keeps one', () => {
  const cause = new Error('socket hang up');
  const error = new GatewayError('APIConnectionError', 'Connection error', { cause });
  assert.deepEqual(frames(error), []);
  assert.match(error.stack ?? '', /^GatewayError: Connection error/);
  assert.ok(frames(cause).length > 0);
  assert.equal(error.cause, cause);
});

void test('a gateway bug keeps its stack trace, and the limit is restored for everyone else', () => {
  const limit = Error.stackTraceLimit;
  const limited = new GatewayError('RateLimitError', 'slow down');
  assert.equal(Error.stackTraceLimit, limit);
  assert.deepEqual(frames(limited), []);
  const bug = toGatewayError(new TypeError('x is undefined'));
  assert.equal(bug.kind, 'GatewayInternalError');
  assert.ok(frames(bug).length > 0, 'an internal error shows where it was made');
  assert.ok(frames(new Error('plain')).length > 0);
});
