import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGroup } from '../../config/plan.ts';
import type { Deployment } from '../../core/deployment.ts';
import type { GatewayRequestBody } from '../../core/openai-types.ts';
import type { FilterRequest } from '../candidate-filter.ts';
import { createContextWindowFilter, deploymentWindow } from './context-window-filter.ts';

function deployment(id: string, upstreamModel: string, info: Deployment['info'] = {}): Deployment {
  return { id, upstreamModel, info } as Deployment;
}

const small = deployment('small', 'gpt-4o', { max_input_tokens: 100 });
const large = deployment('large', 'gpt-4o', { max_input_tokens: 10_000 });
const unknown = deployment('unknown', 'my-own-model');

function request(group: ModelGroup, text: string, body?: GatewayRequestBody): FilterRequest {
  return {
    operation: 'chat',
    body: body ?? { model: group.name, messages: [{ role: 'user', content: text }] },
    headers: undefined,
    group,
  };
}

void test('a window comes from max_input_tokens, else base_model, else the upstream model', () => {
  assert.deepEqual(deploymentWindow(small), { maxInputTokens: 100, encoding: 'o200k_base' });
  assert.equal(
    deploymentWindow(deployment('az', 'my-deploy', { base_model: 'azure/gpt-4' }))?.maxInputTokens,
    8_192,
  );
  assert.equal(
    deploymentWindow(deployment('c', 'claude-3-5-sonnet-20241022'))?.encoding,
    'cl100k_base',
  );
  assert.equal(deploymentWindow(unknown), undefined);
});

void test('a group with no known window, or a request that surely fits, gets no admission', () => {
  const filter = createContextWindowFilter();
  assert.equal(
    filter.admissionFor(request({ name: 'u', deployments: [unknown] }, 'x'.repeat(10_000))),
    undefined,
  );
  // 3 + 3 + 4 ("user") + 80 bytes ≤ 100: no tokenizer needed.
  assert.equal(
    filter.admissionFor(request({ name: 'g', deployments: [small, large] }, 'y'.repeat(80))),
    undefined,
  );
});

void test('deployments too small for the request are refused; unknown sizes are kept', () => {
  const filter = createContextWindowFilter();
  const admission = filter.admissionFor(
    request({ name: 'g', deployments: [small, large, unknown] }, 'word '.repeat(500)),
  );
  assert.deepEqual(
    [small, large, unknown].filter((d) => admission?.admits(d)).map((d) => d.id),
    ['large', 'unknown'],
  );
  assert.equal(admission?.rejection(), undefined, 'some deployment fits');
});

void test('none fits: ContextWindowExceededError with the count and the largest window', () => {
  const filter = createContextWindowFilter();
  const rejection = filter
    .admissionFor(request({ name: 'g', deployments: [small, large] }, 'word '.repeat(20_000)))
    ?.rejection();
  assert.equal(rejection?.kind, 'ContextWindowExceededError');
  assert.equal(rejection?.status, 400);
  assert.match(
    rejection?.message ?? '',
    /has 200\d\d input tokens .* model group g is 10000 tokens/,
  );
});

void test('one count per body and encoding, however many groups and deployments ask', () => {
  const filter = createContextWindowFilter();
  const body = { model: 'g', messages: [{ role: 'user', content: 'word '.repeat(500) }] };
  let reads = 0;
  const counted = new Proxy(body, {
    get(target, key, receiver) {
      if (key === 'messages') reads += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  const group = { name: 'g', deployments: [small, large] };
  const first = filter.admissionFor(request(group, '', counted));
  reads = 0;
  first?.admits(small);
  first?.admits(large);
  const second = filter.admissionFor(request({ name: 'h', deployments: [large] }, '', counted));
  const readsBefore = reads;
  second?.admits(large);
  assert.equal(reads, readsBefore, 'the second group reused the count');
});
