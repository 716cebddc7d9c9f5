/**
 * The cost of one routing decision (selectDeployment + the strategy's pick) per strategy, for
 * groups of 10 to 10,000 deployments, with routing state populated as a busy gateway would
 * have it. Nothing is benched (the common case: selection takes a tier whole), except in the
 * last row, where one benched deployment makes selection ask every deployment's breaker.
 * Run: `npm run bench:routing` (node --import tsx bench/routing-decision.ts).
 * Prints nanoseconds per decision (median of 7 timed runs); no thresholds, just numbers.
 */
import { performance } from 'node:perf_hooks';
import type { ModelGroup, RoutingStrategyName } from '../src/config/plan.ts';
import type { Deployment } from '../src/core/deployment.ts';
import { prepareGroup, selectDeployment } from '../src/router/candidates.ts';
import { createStrategy } from '../src/routing/create-strategy.ts';
import type { PickContext } from '../src/routing/strategy.ts';
import { createRoutingState } from '../src/state/routing-state.ts';

const SIZES = [10, 100, 1_000, 10_000] as const;
const STRATEGIES: readonly RoutingStrategyName[] = [
  'simple-shuffle',
  'least-busy',
  'usage-based-routing-v2',
  'latency-based-routing',
  'cost-based-routing',
  'power-of-two-choices',
];

function deployments(count: number): Deployment[] {
  return Array.from(
    { length: count },
    (_, index) =>
      Object.freeze({
        id: `dep-${index}`,
        group: 'bench',
        upstreamModel: index % 2 === 0 ? 'gpt-4o-mini' : 'gpt-4o',
        order: 1,
        weight: undefined,
        rpm: 1_000 + index,
        tpm: undefined,
        inputCostPerToken: undefined,
        outputCostPerToken: undefined,
        info: {},
      }) as unknown as Deployment,
  );
}

/** The floor: selection with a strategy that takes the first candidate. */
const FLOOR = 'selection only (floor)' as const;
/** simple-shuffle while one deployment of the group is benched. */
const ONE_BENCHED = 'simple-shuffle, one benched' as const;

type Row = RoutingStrategyName | typeof FLOOR | typeof ONE_BENCHED;

function measure(row: Row, size: number): number {
  const strategyName = row === ONE_BENCHED ? 'simple-shuffle' : row;
  const benchedId = row === ONE_BENCHED ? 'dep-0' : undefined;
  const list = deployments(size);
  const group: ModelGroup = { name: 'bench', deployments: list };
  const selectable = prepareGroup(group);
  const state = createRoutingState({ inFlight: true, usage: true, latency: {} });
  let now = Date.UTC(2026, 0, 1);
  for (const [index, deployment] of list.entries()) {
    for (let i = 0; i < index % 4; i += 1) state.inFlight?.start(deployment.id);
    state.usage?.addRequest(deployment.id, (index * 37) % 500, now);
    state.latency?.record(deployment.id, 'call', 0.01 + (index % 13) / 1000, now);
  }
  const strategy =
    strategyName === FLOOR
      ? { name: FLOOR, pick: (candidates: readonly Deployment[]) => candidates[0] as Deployment }
      : createStrategy(strategyName).strategy;
  let seed = 1;
  const random = (): number => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const tried = new Set<string>();
  const decide = (): Deployment | undefined => {
    const context: PickContext = {
      random,
      now,
      stats: state.stats,
      stream: false,
      inputTokens: 20,
    };
    return selectDeployment(selectable, {
      tried,
      isAvailable: (id) => id !== benchedId,
      allAvailable: benchedId === undefined,
      strategy,
      context,
    });
  };
  const iterations = Math.max(200, Math.floor(2_000_000 / size));
  for (let i = 0; i < iterations; i += 1) decide(); // warm-up
  const runs: number[] = [];
  let sink = 0;
  for (let run = 0; run < 7; run += 1) {
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) {
      now += 1;
      sink += decide()?.order ?? 0;
    }
    runs.push(((performance.now() - started) * 1e6) / iterations);
  }
  if (sink < 0) console.log(sink);
  runs.sort((a, b) => a - b);
  return runs[3] ?? 0;
}

const header = ['strategy', ...SIZES.map((size) => `${size.toLocaleString('en')} deps`)];
const rows = [FLOOR, ...STRATEGIES, ONE_BENCHED].map((name) => [
  name,
  ...SIZES.map((size) => `${(measure(name, size) / 1000).toFixed(2)} µs`),
]);
const widths = header.map((cell, column) =>
  Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
);
const line = (cells: readonly string[]): string =>
  cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
console.log(
  `one routing decision (selectDeployment + strategy), median of 7 runs, node ${process.version}`,
);
console.log(line(header));
for (const row of rows) console.log(line(row));
