import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LatencyKind } from '../core/routing-stats.ts';
import { createLatencyTracker } from '../state/latency-window.ts';
import { createRoutingState } from '../state/routing-state.ts';
import { createLowestLatency } from './lowest-latency.ts';
import {
  pickContext,
  seededRandom,
  strategyConformance,
  tableStats,
  testCandidate,
} from './strategy.conformance.ts';

strategyConformance('latency-based-routing', () => createLowestLatency());
strategyConformance('latency-based-routing (buffer 0.5)', () =>
  createLowestLatency({ buffer: 0.5 }),
);

const a = testCandidate('a');
const b = testCandidate('b');
const c = testCandidate('c');

test('tries a deployment with no samples before any measured one', () => {
  const stats = tableStats({ latency: { a: 0.01, b: 0.02 } });
  const chosen = createLowestLatency().pick([a, b, c], pickContext({ stats }));
  assert.equal(chosen.id, 'c');
});

test('lowest_latency_buffer picks at random among those within it of the fastest', () => {
  const strategy = createLowestLatency({ buffer: 0.5 });
  const stats = tableStats({ latency: { a: 0.1, b: 0.14, c: 0.16 } });
  const context = pickContext({ stats, random: seededRandom(4) });
  const seen = new Set<string>();
  for (let i = 0; i < 200; i += 1) seen.add(strategy.pick([a, b, c], context).id);
  assert.deepEqual([...seen].sort(), ['a', 'b']);
});

test('streams are ranked by time to first token, calls by time per token', () => {
  const tracker = createLatencyTracker();
  tracker.record('a', 'call', 0.01, 0);
  tracker.record('b', 'call', 0.05, 0);
  tracker.record('a', 'stream', 2, 0);
  tracker.record('b', 'stream', 0.3, 0);
  const stats = tableStats({});
  const view = {
    ...stats,
    latency: (id: string, kind: LatencyKind, now: number) => tracker.mean(id, kind, now),
  };
  const strategy = createLowestLatency();
  assert.equal(strategy.pick([a, b], pickContext({ stats: view, stream: false })).id, 'a');
  assert.equal(strategy.pick([a, b], pickContext({ stats: view, stream: true })).id, 'b');
});

/**
 * Serves `count` requests one second apart: picks, then records the chosen deployment's
 * current speed (seconds per token), as the router does. Returns who served each request.
 */
function serve(
  speeds: Record<string, number>,
  count: number,
  world: { now: number; readonly state: ReturnType<typeof createRoutingState> },
): string[] {
  const strategy = createLowestLatency();
  const random = seededRandom(9);
  const served: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const chosen = strategy.pick(
      [a, b],
      pickContext({ random, now: world.now, stats: world.state.stats }),
    );
    world.state.latency?.record(chosen.id, 'call', speeds[chosen.id] ?? 0, world.now);
    served.push(chosen.id);
    world.now += 1_000;
  }
  return served;
}

test('moves traffic to the faster deployment within a few requests, and back once it recovers', () => {
  const state = createRoutingState({
    inFlight: false,
    usage: false,
    latency: { ttlMs: 60_000, maxSamples: 10 },
  });
  const world = { now: 0, state };
  // Both unseen: each is tried once, then the faster one takes everything.
  assert.deepEqual(serve({ a: 0.01, b: 0.02 }, 20, world).slice(2), Array(18).fill('a'));
  // a slows down tenfold: within three requests traffic is on b, and stays there.
  const slow = serve({ a: 0.1, b: 0.02 }, 30, world);
  assert.ok(slow.indexOf('b') <= 2, slow.join(''));
  assert.deepEqual(slow.slice(3), Array(27).fill('b'));
  // a recovers: once its slow samples age out (ttl 60 s) it is unseen again, tried, and wins.
  const recovered = serve({ a: 0.01, b: 0.02 }, 90, world);
  const back = recovered.indexOf('a');
  assert.ok(back >= 0 && back <= 60, recovered.join(''));
  assert.deepEqual(recovered.slice(back), Array(90 - back).fill('a'));
});
