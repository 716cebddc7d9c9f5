import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGroup } from '../../config/plan.ts';
import type { Deployment } from '../../core/deployment.ts';
import type { GatewayRequestBody } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { FilterRequest } from '../candidate-filter.ts';
import { createRegionFilter } from './region-filter.ts';

const eu = { id: 'eu', region: 'westeurope' } as Deployment;
const us = { id: 'us', region: 'us-east-1' } as Deployment;
const bare = { id: 'bare', region: undefined } as Deployment;
const group: ModelGroup = { name: 'chat', deployments: [eu, us, bare] };

function request(
  body: Partial<GatewayRequestBody>,
  headers?: FilterRequest['headers'],
): FilterRequest {
  return { operation: 'chat', body: { model: 'chat', ...body }, headers, group };
}

const filter = createRegionFilter();

void test('a request that names no region gets no admission (nothing to pay)', () => {
  assert.equal(filter.admissionFor(request({}, { 'content-type': 'x' })), undefined);
});

void test('the body field admits only deployments in the region', () => {
  const admission = filter.admissionFor(request({ allowed_model_region: 'EU' }));
  assert.deepEqual(
    [eu, us, bare].filter((d) => admission?.admits(d)).map((d) => d.id),
    ['eu'],
  );
});

void test('body and header both apply: neither can widen the other', () => {
  const both = filter.admissionFor(
    request({ allowed_model_region: 'eu' }, { 'x-switchyard-allowed-region': 'us' }),
  );
  assert.equal(
    [eu, us, bare].some((d) => both?.admits(d)),
    false,
  );
  const header = filter.admissionFor(request({}, { 'x-switchyard-allowed-region': ['us'] }));
  assert.equal(header?.admits(us), true);
});

void test('no deployment of the group in the region: a 400 naming the regions', () => {
  const rejection = filter.admissionFor(request({ allowed_model_region: 'ap' }))?.rejection();
  assert.ok(rejection instanceof GatewayError);
  assert.equal(rejection.status, 400);
  assert.equal(rejection.param, 'allowed_model_region');
  assert.match(rejection.message, /regions: westeurope, us-east-1, unknown/);
});

void test('a deployment in the region exists (benched): no rejection of its own', () => {
  assert.equal(
    filter.admissionFor(request({ allowed_model_region: 'eu' }))?.rejection(),
    undefined,
  );
});

void test('a value that is not a region is a 400', () => {
  assert.throws(
    () => filter.admissionFor(request({ allowed_model_region: 42 })),
    (error: unknown) => error instanceof GatewayError && error.param === 'allowed_model_region',
  );
});
