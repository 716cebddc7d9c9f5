import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { createSimpleShuffle } from './simple-shuffle.ts';
import { pickContext, seededRandom, strategyConformance } from './strategy.conformance.ts';

function deployment(
  id: string,
  fields: Partial<Pick<Deployment, 'weight' | 'rpm' | 'tpm'>>,
): Deployment {
  return { id, weight: undefined, rpm: undefined, tpm: undefined, ...fields } as Deployment;
}

/** A deterministic, evenly spread sequence over [0, 1). */
function evenRandom(samples: number): () => number {
  let index = 0;
  return () => ((index++ % samples) + 0.5) / samples;
}

function shares(candidates: Deployment[], samples = 1000): Record<string, number> {
  const strategy = createSimpleShuffle();
  const random = evenRandom(samples);
  const counts: Record<string, number> = {};
  for (let i = 0; i < samples; i += 1) {
    const chosen = strategy.pick(candidates, pickContext({ random }));
    counts[chosen.id] = (counts[chosen.id] ?? 0) + 1;
  }
  return counts;
}

test('weight splits traffic in proportion', () => {
  assert.deepEqual(shares([deployment('a', { weight: 1 }), deployment('b', { weight: 3 })]), {
    a: 250,
    b: 750,
  });
});

test('rpm decides when no deployment sets weight', () => {
  assert.deepEqual(shares([deployment('a', { rpm: 100 }), deployment('b', { rpm: 400 })]), {
    a: 200,
    b: 800,
  });
});

test('tpm decides when neither weight nor rpm is set', () => {
  assert.deepEqual(shares([deployment('a', { tpm: 1000 }), deployment('b', { tpm: 1000 })]), {
    a: 500,
    b: 500,
  });
});

test('weight wins over rpm on the same deployments', () => {
  const counts = shares([
    deployment('a', { weight: 1, rpm: 900 }),
    deployment('b', { weight: 1, rpm: 100 }),
  ]);
  assert.deepEqual(counts, { a: 500, b: 500 });
});

test('a deployment missing the field gets the mean of the others, not zero', () => {
  const counts = shares([
    deployment('a', { weight: 2 }),
    deployment('b', { weight: 4 }),
    deployment('c', {}),
  ]);
  assert.deepEqual(counts, { a: 222, b: 445, c: 333 });
});

test('no weighting field at all spreads uniformly', () => {
  const counts = shares([
    deployment('a', {}),
    deployment('b', {}),
    deployment('c', {}),
    deployment('d', {}),
  ]);
  assert.deepEqual(counts, { a: 250, b: 250, c: 250, d: 250 });
});

test('a single candidate is returned without drawing a random number', () => {
  const only = deployment('only', { weight: 5 });
  const chosen = createSimpleShuffle().pick(
    [only],
    pickContext({ random: () => assert.fail('random must not be drawn') }),
  );
  assert.equal(chosen, only);
});

strategyConformance('simple-shuffle', createSimpleShuffle);

test('weights 3:1 give 75 % ± 3 % over 10k seeded picks', () => {
  const strategy = createSimpleShuffle();
  const candidates = [deployment('a', { weight: 3 }), deployment('b', { weight: 1 })];
  const context = pickContext({ random: seededRandom(7) });
  let a = 0;
  for (let i = 0; i < 10_000; i += 1) if (strategy.pick(candidates, context).id === 'a') a += 1;
  assert.ok(Math.abs(a / 10_000 - 0.75) <= 0.03, `a got ${a / 100} %`);
});
