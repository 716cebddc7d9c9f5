import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costPerToken, createCostBased } from './cost-based.ts';
import { modelPrice } from './model-prices.ts';
import {
  pickContext,
  seededRandom,
  strategyConformance,
  testCandidate,
} from './strategy.conformance.ts';

strategyConformance('cost-based-routing', createCostBased);

test('picks the cheapest by input + output price per token', () => {
  const candidates = [
    testCandidate('a', { inputCostPerToken: 3e-6, outputCostPerToken: 1e-6 }),
    testCandidate('b', { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 }),
    testCandidate('c', { inputCostPerToken: 0.5e-6, outputCostPerToken: 4e-6 }),
  ];
  assert.equal(createCostBased().pick(candidates, pickContext()).id, 'b');
});

test('spreads over equally cheap deployments and ranks unknown prices last', () => {
  const candidates = [
    testCandidate('unknown'),
    testCandidate('x', { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 }),
    testCandidate('y', { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 }),
  ];
  const strategy = createCostBased();
  const context = pickContext({ random: seededRandom(3) });
  const seen = new Set<string>();
  for (let i = 0; i < 100; i += 1) seen.add(strategy.pick(candidates, context).id);
  assert.deepEqual([...seen].sort(), ['x', 'y']);
  assert.equal(strategy.pick([testCandidate('u1')], context).id, 'u1');
});

test('falls back to list prices by base_model, else by upstream model (dated snapshots too)', () => {
  const mini = modelPrice('gpt-4o-mini');
  assert.ok(mini);
  assert.equal(
    costPerToken(
      testCandidate('a', {
        upstreamModel: 'my-azure-deployment',
        info: { base_model: 'azure/gpt-4o-mini' },
      }),
    ),
    mini.input + mini.output,
  );
  assert.equal(
    costPerToken(testCandidate('b', { upstreamModel: 'gpt-4o-2024-08-06' })),
    costPerToken(testCandidate('c', { upstreamModel: 'gpt-4o' })),
  );
  assert.ok(modelPrice('claude-3-5-sonnet-20241022'));
  assert.ok(modelPrice('mistral-large-latest'));
  assert.equal(costPerToken(testCandidate('d', { upstreamModel: 'llama-local' })), undefined);
  // A deployment's own price wins over the table.
  assert.equal(
    costPerToken(
      testCandidate('e', { upstreamModel: 'gpt-4o', inputCostPerToken: 0, outputCostPerToken: 0 }),
    ),
    0,
  );
});
