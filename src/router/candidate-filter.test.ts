import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { rejectionOf, soonestReadmission, type Admission } from './candidate-filter.ts';

const a = { id: 'a' } as Deployment;
const b = { id: 'b' } as Deployment;
const c = { id: 'c' } as Deployment;

function refusing(rejection: GatewayError | undefined): Admission {
  return { admits: () => false, rejection: () => rejection };
}

void test('the first filter that refuses every available deployment names the error', () => {
  const own = new GatewayError('BadRequestError', 'mine');
  const admitsB: Admission = { admits: (d) => d === b, rejection: () => undefined };
  assert.equal(rejectionOf([admitsB, refusing(own)], [a, b]), own);
});

void test('a filter with no rejection of its own leaves the answer to the next, or to the caller', () => {
  const next = new GatewayError('ContextWindowExceededError', 'next');
  assert.equal(rejectionOf([refusing(undefined), refusing(next)], [a]), next);
  assert.equal(rejectionOf([refusing(undefined)], [a]), undefined);
});

/** A filter that turns `refused` away, with a rejection that says to retry after `waitMs`. */
function turningAway(refused: readonly Deployment[], waitMs: number | undefined): Admission {
  const rejection = new GatewayError('RateLimitError', 'busy', { retryAfterMs: waitMs });
  return { admits: (d) => !refused.includes(d), rejection: () => rejection };
}

void test('filters that each refuse some deployments: the wait is the soonest any comes back', () => {
  const admissions = [turningAway([a], 20_000), turningAway([b], 50_000)];
  assert.equal(soonestReadmission(admissions, [a, b]), 20_000);
});

void test('a deployment turned away by two timed filters comes back after the later of the two', () => {
  const admissions = [turningAway([a], 20_000), turningAway([a], 40_000), turningAway([b], 30_000)];
  assert.equal(soonestReadmission(admissions, [a, b]), 30_000);
});

void test('a deployment also turned away for good does not count: its rate window is no promise', () => {
  const contextWindow = turningAway([a, c], undefined);
  const admissions = [turningAway([a], 20_000), contextWindow, turningAway([b], 50_000)];
  assert.equal(soonestReadmission(admissions, [a, b, c]), 50_000);
  // None that comes back by itself: no retry-after at all.
  assert.equal(soonestReadmission([turningAway([a], 20_000), contextWindow], [a, c]), undefined);
});
