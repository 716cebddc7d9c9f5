import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLeastBusy } from './least-busy.ts';
import {
  pickContext,
  seededRandom,
  strategyConformance,
  tableStats,
  testCandidate,
} from './strategy.conformance.ts';

strategyConformance('least-busy', createLeastBusy);

const candidates = ['a', 'b', 'c', 'd'].map((id) => testCandidate(id));

test('never picks a deployment with more requests in flight than another', () => {
  const strategy = createLeastBusy();
  const random = seededRandom(3);
  for (let round = 0; round < 2_000; round += 1) {
    const inFlight = Object.fromEntries(
      candidates.map((d) => [d.id, Math.floor(random() * 4)] as const),
    );
    const chosen = strategy.pick(
      candidates,
      pickContext({ random, stats: tableStats({ inFlight }) }),
    );
    const fewest = Math.min(...Object.values(inFlight));
    assert.equal(inFlight[chosen.id], fewest, `round ${round}: picked ${chosen.id}`);
  }
});

test('spreads ties evenly at random', () => {
  const strategy = createLeastBusy();
  const stats = tableStats({ inFlight: { a: 2, b: 0, c: 0, d: 0 } });
  const context = pickContext({ random: seededRandom(5), stats });
  const counts: Record<string, number> = {};
  for (let i = 0; i < 9_000; i += 1) {
    const id = strategy.pick(candidates, context).id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  assert.equal(counts.a, undefined);
  for (const id of ['b', 'c', 'd']) {
    assert.ok(Math.abs((counts[id] ?? 0) / 9_000 - 1 / 3) <= 0.03, `${id}: ${counts[id]}`);
  }
});
