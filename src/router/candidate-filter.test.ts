import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { rejectionOf, type Admission } from './candidate-filter.ts';

const a = { id: 'a' } as Deployment;
const b = { id: 'b' } as Deployment;

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
