import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { NO_STATS } from '../core/routing-stats.ts';
import type { RoutingStrategy } from '../routing/strategy.ts';
import { prepareGroup, selectDeployment, type SelectableGroup } from './candidates.ts';

function deployment(id: string, order = 1): Deployment {
  return { id, order } as Deployment;
}

/** Picks the first candidate and records what it was offered. */
function firstStrategy(offered: string[][]): RoutingStrategy {
  return {
    name: 'first',
    pick(candidates) {
      offered.push(candidates.map((candidate) => candidate.id));
      return candidates[0] as Deployment;
    },
  };
}

const context = { random: () => 0, now: 0, stats: NO_STATS, stream: false, inputTokens: 0 };
const everyone = (_id: string): boolean => true;

function select(
  group: SelectableGroup,
  tried: string[],
  strategy: RoutingStrategy,
  isAvailable = everyone,
) {
  return selectDeployment(group, { tried: new Set(tried), isAvailable, strategy, context });
}

test('only the lowest order tier is offered while it has untried deployments', () => {
  const offered: string[][] = [];
  const group = prepareGroup({
    name: 'g',
    deployments: [deployment('b', 2), deployment('a1'), deployment('a2')],
  });
  select(group, [], firstStrategy(offered));
  assert.deepEqual(offered, [['a1', 'a2']]);
});

test('deployments already tried in this request are skipped while others remain', () => {
  const offered: string[][] = [];
  const group = prepareGroup({ name: 'g', deployments: [deployment('a1'), deployment('a2')] });
  const chosen = select(group, ['a1'], firstStrategy(offered));
  assert.equal(chosen?.id, 'a2');
});

test('the next tier serves once every deployment of the lower tier was tried', () => {
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b', 2)] });
  const chosen = select(group, ['a'], firstStrategy([]));
  assert.equal(chosen?.id, 'b');
});

test('when everything was tried, the lowest tier is offered again', () => {
  const offered: string[][] = [];
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b', 2)] });
  select(group, ['a', 'b'], firstStrategy(offered));
  assert.deepEqual(offered, [['a']]);
});

test('an empty group yields no deployment', () => {
  assert.equal(
    select(prepareGroup({ name: 'g', deployments: [] }), [], firstStrategy([])),
    undefined,
  );
});

test('benched deployments are never offered', () => {
  const offered: string[][] = [];
  const group = prepareGroup({ name: 'g', deployments: [deployment('a1'), deployment('a2')] });
  select(group, [], firstStrategy(offered), (id) => id !== 'a1');
  assert.deepEqual(offered, [['a2']]);
});

test('the next tier serves while the whole lower tier is benched', () => {
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b', 2)] });
  assert.equal(select(group, [], firstStrategy([]), (id) => id !== 'a')?.id, 'b');
});

test('nothing is selected when every deployment is benched', () => {
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b', 2)] });
  assert.equal(
    select(group, [], firstStrategy([]), () => false),
    undefined,
  );
});

test('a retry goes back to an available tried deployment rather than a benched one', () => {
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b')] });
  assert.equal(select(group, ['a', 'b'], firstStrategy([]), (id) => id === 'b')?.id, 'b');
});

test('with nothing benched a tier is offered whole, without asking each deployment', () => {
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b')] });
  let asked = 0;
  let offered: readonly Deployment[] | undefined;
  const chosen = selectDeployment(group, {
    tried: new Set(),
    isAvailable: () => {
      asked += 1;
      return true;
    },
    allAvailable: true,
    strategy: {
      name: 'first',
      pick(candidates) {
        offered = candidates;
        return candidates[0] as Deployment;
      },
    },
    context,
  });
  assert.equal(chosen?.id, 'a');
  assert.equal(asked, 0);
  // The tier's own array, not a copy made per decision.
  assert.equal(offered, group.tiers[0]);
});
