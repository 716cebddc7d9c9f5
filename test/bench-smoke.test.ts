/**
 * `npm run bench` must not rot: a smoke run (a few hundred requests per target, a tiny scale
 * scenario) through the real harness, children and all. No timing is asserted, only that every
 * target and scenario was measured and the results have the shape the docs describe.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchOptions } from '../bench/bench-options.ts';
import { readRssBytes } from '../bench/rss.ts';
import { runBench, RESULTS_VERSION, type BenchResults } from '../bench/run-bench.ts';

const TARGETS = ['direct', 'floor', 'switchyard'];

void test('a smoke run measures every target and scenario and stops its children', async () => {
  const pids: number[] = [];
  const results: BenchResults = await runBench(
    benchOptions({ smoke: true, targets: new Set(['direct', 'floor', 'switchyard']) }),
    (line) => {
      for (const match of line.matchAll(/pid (\d+)/g)) pids.push(Number(match[1]));
    },
  );

  assert.equal(results.version, RESULTS_VERSION);
  assert.ok(results.machine.cpus > 0);
  assert.deepEqual(
    results.targets.map((target) => target.name),
    TARGETS,
  );
  for (const summary of results.summary) {
    for (const mode of [summary.json, summary.stream]) {
      assert.ok((mode.rps ?? 0) > 0, `${summary.target}: loaded throughput`);
      assert.ok((mode.rps1 ?? 0) > 0, `${summary.target}: one-connection throughput`);
      assert.ok((mode.p50Ms ?? 0) > 0, `${summary.target}: probe latency`);
      assert.equal(mode.failures, 0, `${summary.target}: failed requests`);
    }
    assert.ok((summary.stream.ttftP50Ms ?? 0) > 0, `${summary.target}: time to first token`);
    assert.ok((summary.rssPeakBytes ?? 0) > 0, `${summary.target}: RSS`);
  }
  // Every load ran for every target, in both modes, at both connection counts.
  assert.equal(results.loads.length, TARGETS.length * 2 * 2);
  assert.ok(results.loads.every((run) => run.result.total > 0 && run.result.errors === 0));
  assert.equal(results.probes.length, TARGETS.length * 2);

  const floor = results.comparisons.find((comparison) => comparison.against === 'floor');
  assert.ok(floor !== undefined && (floor.jsonThroughput ?? 0) > 0);
  assert.ok(results.checks.length >= 5);
  // A ratio of added latencies needs the floor to add some: in a smoke run's few samples on a
  // busy machine its p50 can come out at or under the direct one, and then there is no ratio.
  const floorSummary = results.summary.find((summary) => summary.target === 'floor');
  const floorAdds = {
    'added latency, JSON': (floorSummary?.json.addedP50Ms ?? 0) > 0,
    'added latency, streams': (floorSummary?.stream.addedP50Ms ?? 0) > 0,
  } as Record<string, boolean>;
  for (const check of results.checks.filter((c) => !c.name.includes('growth'))) {
    if (floorAdds[check.name] === false) continue;
    assert.notEqual(check.pass, undefined, `${check.name} was measured`);
  }

  assert.ok(results.scale !== undefined);
  assert.equal(results.scale.completed, results.scale.attempted);
  assert.ok(results.scale.attempted > 0);

  // The JSON written to bench/results/ is this object; these are the keys the docs describe.
  const written = JSON.parse(JSON.stringify(results)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(written).sort(), [
    'checks',
    'comparisons',
    'elapsedS',
    'loads',
    'machine',
    'options',
    'probes',
    'scale',
    'startedAt',
    'summary',
    'targets',
    'version',
  ]);

  // Every child (mock, floor, gateway) is gone.
  assert.equal(pids.length, TARGETS.length);
  for (const pid of pids) assert.equal(readRssBytes(pid), undefined, `pid ${pid} still running`);
});
