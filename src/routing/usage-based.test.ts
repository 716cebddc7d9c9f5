import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  pickContext,
  seededRandom,
  strategyConformance,
  tableStats,
  testCandidate,
} from './strategy.conformance.ts';
import { createUsageBased } from './usage-based.ts';

strategyConformance('usage-based-routing', () => createUsageBased('usage-based-routing'));
strategyConformance('usage-based-routing-v2', () => createUsageBased('usage-based-routing-v2'));

const candidates = ['a', 'b', 'c'].map((id) => testCandidate(id));

test('picks the deployment with the fewest tokens this minute', () => {
  const stats = tableStats({ tokens: { a: 900, b: 150, c: 400 } });
  const chosen = createUsageBased('usage-based-routing').pick(
    candidates,
    pickContext({ stats, random: seededRandom(1) }),
  );
  assert.equal(chosen.id, 'b');
});

test('shares the load among equally used deployments', () => {
  const strategy = createUsageBased('usage-based-routing-v2');
  const context = pickContext({ random: seededRandom(2), stats: tableStats({ tokens: { a: 5 } }) });
  const seen = new Set<string>();
  for (let i = 0; i < 100; i += 1) seen.add(strategy.pick(candidates, context).id);
  assert.deepEqual([...seen].sort(), ['b', 'c']);
});
