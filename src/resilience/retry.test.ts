import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../errors/gateway-error.ts';
import { retryBudget, retryDelayMs, retryFloorMs } from './retry.ts';

const rateLimited = new GatewayError('RateLimitError', 'slow down');
const badRequest = new GatewayError('BadRequestError', 'bad');

test('a retryable error earns num_retries', () => {
  assert.equal(retryBudget(rateLimited, 3, undefined), 3);
});

test('a non-retryable error earns no retry by default', () => {
  assert.equal(retryBudget(badRequest, 3, undefined), 0);
});

test('retry_policy overrides num_retries for its error kind', () => {
  assert.equal(retryBudget(rateLimited, 3, { RateLimitErrorRetries: 7 }), 7);
});

test('retry_policy can enable retries for a kind that is not retryable by default', () => {
  assert.equal(retryBudget(badRequest, 3, { BadRequestErrorRetries: 1 }), 1);
});

test('5xx kinds share InternalServerErrorRetries', () => {
  const unavailable = new GatewayError('ServiceUnavailableError', 'down');
  assert.equal(retryBudget(unavailable, 3, { InternalServerErrorRetries: 0 }), 0);
});

const base = { error: rateLimited, minDelayMs: 0, random: () => 0.5 };

test('no wait when the retry moves to a deployment that has not failed', () => {
  assert.equal(retryDelayMs({ ...base, retriesDone: 0, switchesDeployment: true }), 0);
});

test('backoff doubles from 0.5 s on the same deployment', () => {
  const delays = [0, 1, 2].map((retriesDone) =>
    retryDelayMs({ ...base, retriesDone, switchesDeployment: false }),
  );
  assert.deepEqual(delays, [500, 1000, 2000]);
});

test('backoff is capped at 8 s', () => {
  assert.equal(retryDelayMs({ ...base, retriesDone: 10, switchesDeployment: false }), 8000);
});

test('jitter stays within ±25 %', () => {
  const low = retryDelayMs({ ...base, random: () => 0, retriesDone: 1, switchesDeployment: false });
  const high = retryDelayMs({
    ...base,
    random: () => 0.999999,
    retriesDone: 1,
    switchesDeployment: false,
  });
  assert.equal(low, 750);
  assert.ok(high > 1249 && high <= 1250);
});

test("the upstream's Retry-After replaces the backoff", () => {
  const error = new GatewayError('RateLimitError', 'slow', { retryAfterMs: 3000 });
  assert.equal(retryDelayMs({ ...base, error, retriesDone: 0, switchesDeployment: false }), 3000);
});

test('retry_after is a floor on every wait, even when switching deployment', () => {
  assert.equal(
    retryDelayMs({ ...base, minDelayMs: 1500, retriesDone: 0, switchesDeployment: true }),
    1500,
  );
  assert.equal(
    retryDelayMs({ ...base, minDelayMs: 1500, retriesDone: 0, switchesDeployment: false }),
    1500,
  );
});

const byStatus = new Map([
  [400, { retryAfterMs: undefined }],
  [429, { retryAfterMs: 60_000 }],
]);

test('a list-form retry_policy retries the statuses it names num_retries times', () => {
  const upstream400 = new GatewayError('BadRequestError', 'bad', { upstreamStatus: 400 });
  assert.equal(retryBudget(upstream400, 2, { byStatus }), 2);
  assert.equal(retryBudget(badRequest, 2, { byStatus: new Map() }), 0);
});

test("a listed status waits at least its retry_after; others keep the router's", () => {
  const upstream429 = new GatewayError('RateLimitError', 'slow', { upstreamStatus: 429 });
  assert.equal(retryFloorMs(upstream429, { byStatus }, 10_000), 60_000);
  const upstream503 = new GatewayError('ServiceUnavailableError', 'down', { upstreamStatus: 503 });
  assert.equal(retryFloorMs(upstream503, { byStatus }, 10_000), 10_000);
  assert.equal(retryFloorMs(upstream429, undefined, 10_000), 10_000);
});
