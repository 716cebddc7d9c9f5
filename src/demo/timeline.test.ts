import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { phaseAt, planTimeline } from './timeline.ts';

void describe('demo timeline', () => {
  void test('with the defaults, runs about 23 s: 5 s healthy, 10 s down, cooldown, 5 s tail', () => {
    const timeline = planTimeline({ intervalMs: 500, outageMs: 10_000, cooldownMs: 3_000 });
    assert.deepEqual(timeline, { outageAtMs: 5_000, restoreAtMs: 15_000, endAtMs: 23_000 });
  });

  void test('scales with the interval, so short test runs stay short', () => {
    const timeline = planTimeline({ intervalMs: 100, outageMs: 1_500, cooldownMs: 500 });
    assert.deepEqual(timeline, { outageAtMs: 1_000, restoreAtMs: 2_500, endAtMs: 4_000 });
  });

  void test('names the phase of the primary at a given time', () => {
    const timeline = planTimeline({ intervalMs: 100, outageMs: 1_500, cooldownMs: 500 });
    assert.deepEqual(
      [0, 999, 1_000, 2_499, 2_500].map((ms) => phaseAt(timeline, ms)),
      ['primary up', 'primary up', 'primary DOWN', 'primary DOWN', 'primary back up'],
    );
  });
});
