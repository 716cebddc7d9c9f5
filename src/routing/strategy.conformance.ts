/**
 * The behaviours every RoutingStrategy must show, run by each strategy's test file (like
 * hono's shared router suite): it returns one of the candidates and never mutates them, it
 * returns the only candidate of one, it refuses an empty list with a RangeError, and it is
 * deterministic given the same random source, clock and stats.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { NO_STATS, type LatencyKind, type RoutingStats } from '../core/routing-stats.ts';
import { seededRandom } from '../testing/seeded-random.ts';
import type { PickContext, RoutingStrategy } from './strategy.ts';

/** Re-exported so strategy tests take their whole kit from here. */
export { seededRandom } from '../testing/seeded-random.ts';

/** A PickContext for tests: nothing tracked, not a stream, Math.random unless given. */
export function pickContext(overrides: Partial<PickContext> = {}): PickContext {
  return {
    random: Math.random,
    now: 0,
    stats: NO_STATS,
    stream: false,
    inputTokens: 0,
    ...overrides,
  };
}

/** A deployment with the fields strategies read; `fields` fill the rest. */
export function testCandidate(id: string, fields: Partial<Deployment> = {}): Deployment {
  return Object.freeze({
    id,
    group: 'g',
    upstreamModel: 'unknown-model',
    weight: undefined,
    rpm: undefined,
    tpm: undefined,
    order: 1,
    inputCostPerToken: undefined,
    outputCostPerToken: undefined,
    info: {},
    ...fields,
  }) as Deployment;
}

/** Fixed stats from plain tables (missing ids: idle, unused, unseen). */
export function tableStats(table: {
  readonly inFlight?: Readonly<Record<string, number>>;
  readonly tokens?: Readonly<Record<string, number>>;
  readonly requests?: Readonly<Record<string, number>>;
  readonly latency?: Readonly<Record<string, number>>;
  readonly ewma?: Readonly<Record<string, number>>;
}): RoutingStats {
  return {
    inFlight: (id) => table.inFlight?.[id] ?? 0,
    requestsThisMinute: (id) => table.requests?.[id] ?? 0,
    tokensThisMinute: (id) => table.tokens?.[id] ?? 0,
    latency: (id: string, _kind: LatencyKind) => table.latency?.[id],
    ewma: (id: string, _kind: LatencyKind) => table.ewma?.[id],
  };
}

/** Stats where every deployment has some of everything, varied by id, so no branch is idle. */
function busyStats(ids: readonly string[]): RoutingStats {
  const table = (scale: number): Record<string, number> =>
    Object.fromEntries(ids.map((id, index) => [id, ((index * 7) % 5) * scale]));
  return tableStats({
    inFlight: table(1),
    tokens: table(100),
    requests: table(2),
    latency: table(0.01),
    ewma: table(0.01),
  });
}

/** Runs the shared suite for the strategy `create()` makes (a fresh one per test). */
export function strategyConformance(name: string, create: () => RoutingStrategy): void {
  const group = Object.freeze(
    Array.from({ length: 8 }, (_, index) =>
      testCandidate(`d${index}`, {
        weight: index + 1,
        inputCostPerToken: (index % 3) * 1e-6,
        outputCostPerToken: 1e-6,
      }),
    ),
  );
  const ids = group.map((deployment) => deployment.id);

  void describe(`${name}: RoutingStrategy conformance`, () => {
    void test('returns one of the candidates, whatever the stats', () => {
      const strategy = create();
      const random = seededRandom(1);
      for (const stats of [NO_STATS, busyStats(ids)]) {
        for (const stream of [false, true]) {
          for (let round = 0; round < 200; round += 1) {
            const chosen = strategy.pick(group, pickContext({ random, stats, stream, now: round }));
            assert.ok(group.includes(chosen), `${chosen.id} is not a candidate`);
          }
        }
      }
    });

    void test('returns the only candidate of a list of one', () => {
      const only = testCandidate('only');
      const chosen = create().pick([only], pickContext({ stats: busyStats(['only']) }));
      assert.equal(chosen, only);
    });

    void test('refuses an empty list with a RangeError (the router never asks)', () => {
      assert.throws(() => create().pick([], pickContext()), RangeError);
    });

    void test('leaves the candidate list as it was', () => {
      const list = [...group];
      create().pick(list, pickContext({ stats: busyStats(ids) }));
      assert.deepEqual(list, group);
    });

    void test('is deterministic for the same random source, clock and stats', () => {
      const run = (): string[] => {
        const strategy = create();
        const random = seededRandom(42);
        const stats = busyStats(ids);
        return Array.from(
          { length: 100 },
          (_, index) => strategy.pick(group, pickContext({ random, stats, now: index * 1000 })).id,
        );
      };
      assert.deepEqual(run(), run());
    });
  });
}
