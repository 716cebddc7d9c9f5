import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { createPendingHistogram } from './pending-histogram.ts';

// Binary fractions: sums are exact whatever order they are added in.
const BOUNDS = [0.0078125, 0.0625, 0.5, 4];
const LABEL_NAMES = ['model', 'model_id'];

/** The same histogram twice: observed through prom-client, and through a pending one. */
function pair() {
  const direct = new Registry();
  const pendingRegistry = new Registry();
  const reference = new Histogram({
    name: 'latency_seconds',
    help: 'h',
    labelNames: LABEL_NAMES,
    buckets: BOUNDS,
    registers: [direct],
  });
  const pending = createPendingHistogram(() => histogram, BOUNDS);
  const histogram = new Histogram({
    name: 'latency_seconds',
    help: 'h',
    labelNames: LABEL_NAMES,
    buckets: BOUNDS,
    registers: [pendingRegistry],
    collect: () => pending.flush(),
  });
  return { direct, pendingRegistry, reference, pending };
}

void test('a pending histogram exposes exactly what prom-client shows for the same observations', async () => {
  const { direct, pendingRegistry, reference, pending } = pair();
  const a = { model: 'gpt-4o', model_id: 'a' };
  const b = { model: 'gpt-4o', model_id: 'b' };
  const seriesA = pending.series(a);
  const seriesB = pending.series(b);
  // On a bound, between bounds, above every bound, zero.
  const first = [0.0078125, 0.00390625, 0.25, 8, 0, 0.0625];
  for (const value of first) {
    seriesA.observe(value);
    reference.labels(a).observe(value);
  }
  seriesB.observe(42);
  reference.labels(b).observe(42);
  assert.equal(await pendingRegistry.metrics(), await direct.metrics());

  // A second scrape adds what came since to what was flushed before.
  for (const value of [0.125, 16, 0.001953125]) {
    seriesA.observe(value);
    reference.labels(a).observe(value);
  }
  assert.equal(await pendingRegistry.metrics(), await direct.metrics());
  assert.match(
    await pendingRegistry.metrics(),
    /latency_seconds_count\{model="gpt-4o",model_id="a"\} 9/,
  );
});

void test('a series appears once observed; a non-finite value is dropped, not thrown', async () => {
  const { pendingRegistry, pending } = pair();
  const series = pending.series({ model: 'm', model_id: 'x' });
  assert.doesNotMatch(await pendingRegistry.metrics(), /model_id="x"/);
  series.observe(Number.NaN);
  series.observe(Number.POSITIVE_INFINITY);
  assert.doesNotMatch(await pendingRegistry.metrics(), /model_id="x"/);
  series.observe(1);
  assert.match(await pendingRegistry.metrics(), /latency_seconds_sum\{model="m",model_id="x"\} 1/);
});
