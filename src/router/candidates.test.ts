import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import type { RoutingStrategy } from '../routing/strategy.ts';
import { prepareGroup, selectDeployment } from './candidates.ts';

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

const context = { random: () => 0, now: 0 };

test('only the lowest order tier is offered while it has untried deployments', () => {
  const offered: string[][] = [];
  const group = prepareGroup({
    name: 'g',
    deployments: [deployment('b', 2), deployment('a1'), deployment('a2')],
  });
  selectDeployment(group, new Set(), firstStrategy(offered), context);
  assert.deepEqual(offered, [['a1', 'a2']]);
});

test('deployments already tried in this request are skipped while others remain', () => {
  const offered: string[][] = [];
  const group = prepareGroup({ name: 'g', deployments: [deployment('a1'), deployment('a2')] });
  const chosen = selectDeployment(group, new Set(['a1']), firstStrategy(offered), context);
  assert.equal(chosen?.id, 'a2');
});

test('the next tier serves once every deployment of the lower tier was tried', () => {
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b', 2)] });
  const chosen = selectDeployment(group, new Set(['a']), firstStrategy([]), context);
  assert.equal(chosen?.id, 'b');
});

test('when everything was tried, the lowest tier is offered again', () => {
  const offered: string[][] = [];
  const group = prepareGroup({ name: 'g', deployments: [deployment('a'), deployment('b', 2)] });
  selectDeployment(group, new Set(['a', 'b']), firstStrategy(offered), context);
  assert.deepEqual(offered, [['a']]);
});

test('an empty group yields no deployment', () => {
  assert.equal(
    selectDeployment(
      prepareGroup({ name: 'g', deployments: [] }),
      new Set(),
      firstStrategy([]),
      context,
    ),
    undefined,
  );
});
