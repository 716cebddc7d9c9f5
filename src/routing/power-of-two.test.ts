import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPowerOfTwo } from './power-of-two.ts';
import {
  pickContext,
  seededRandom,
  strategyConformance,
  tableStats,
  testCandidate,
} from './strategy.conformance.ts';

strategyConformance('power-of-two-choices', createPowerOfTwo);

test('of two deployments, always the one with the lower expected wait', () => {
  const candidates = [testCandidate('a'), testCandidate('b')];
  // b is faster per request but has three in flight: 0.02 × 4 > 0.05 × 1.
  const stats = tableStats({ ewma: { a: 0.05, b: 0.02 }, inFlight: { b: 3 } });
  const context = pickContext({ stats, random: seededRandom(1) });
  for (let i = 0; i < 50; i += 1)
    assert.equal(createPowerOfTwo().pick(candidates, context).id, 'a');
});

test('never picks the slowest of many, and favours the fast ones', () => {
  const candidates = Array.from({ length: 10 }, (_, i) => testCandidate(`d${i}`));
  const ewma = Object.fromEntries(candidates.map((d, i) => [d.id, (i + 1) / 100]));
  const context = pickContext({ stats: tableStats({ ewma }), random: seededRandom(2) });
  const strategy = createPowerOfTwo();
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i += 1) {
    const index = Number(strategy.pick(candidates, context).id.slice(1));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  assert.equal(counts[9], 0);
  // The fastest wins every draw it is in: 2/n of them (20 %).
  assert.ok(Math.abs((counts[0] ?? 0) / 10_000 - 0.2) <= 0.02, String(counts[0]));
});
