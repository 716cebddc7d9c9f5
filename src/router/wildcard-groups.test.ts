import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WildcardGroup } from '../config/plan.ts';
import { patternRegex } from '../config/wildcards.ts';
import type { Deployment } from '../core/deployment.ts';
import { createWildcardGroups, derivedId } from './wildcard-groups.ts';

function template(id: string, upstreamModel: string, pattern: string): Deployment {
  return { id, group: pattern, upstreamModel, provider: 'openai', order: 1 } as Deployment;
}

const OPENAI: WildcardGroup = {
  pattern: 'openai/*',
  regex: patternRegex('openai/*'),
  deployments: [template('t1', '*', 'openai/*'), template('t2', '*', 'openai/*')],
};

void test('derives one deployment per template, calling the matched model, with stable ids', () => {
  const groups = createWildcardGroups({ wildcards: [OPENAI] });
  const group = groups.resolve('openai/gpt-4o-mini');
  assert.equal(group?.group.name, 'openai/*');
  const derived = group?.group.deployments ?? [];
  assert.deepEqual(
    derived.map((d) => [d.upstreamModel, d.derivedFrom, d.group]),
    [
      ['gpt-4o-mini', 't1', 'openai/*'],
      ['gpt-4o-mini', 't2', 'openai/*'],
    ],
  );
  assert.equal(derived[0]?.id, derivedId('t1', 'gpt-4o-mini'));
  // Another router (another instance) derives the same ids.
  const again = createWildcardGroups({ wildcards: [OPENAI] }).resolve('openai/gpt-4o-mini');
  assert.deepEqual(
    again?.group.deployments.map((d) => d.id),
    derived.map((d) => d.id),
  );
  assert.notEqual(derivedId('t1', 'gpt-4o'), derivedId('t1', 'gpt-4o-mini'));
});

void test('a name is derived once, then served from the cache', () => {
  const groups = createWildcardGroups({ wildcards: [OPENAI] });
  assert.equal(groups.resolve('openai/a'), groups.resolve('openai/a'));
  assert.equal(groups.resolve('anthropic/a'), undefined);
  assert.equal(groups.serves('openai/b'), true);
  assert.equal(groups.serves('anthropic/b'), false);
  assert.equal(groups.size, 1, 'serves() derives nothing');
});

void test('the cache is bounded and drops the least recently used name first', () => {
  const groups = createWildcardGroups({ wildcards: [OPENAI], cacheSize: 2 });
  const a = groups.resolve('openai/a');
  groups.resolve('openai/b');
  groups.resolve('openai/a');
  groups.resolve('openai/c');
  assert.equal(groups.size, 2);
  assert.equal(groups.resolve('openai/a'), a, '"a" was used recently and stayed');
  const ids = groups.resolve('openai/b')?.group.deployments.map((d) => d.id);
  assert.deepEqual(ids, [derivedId('t1', 'b'), derivedId('t2', 'b')], 're-derived, same ids');
});

void test('a template without * serves every matching name with itself', () => {
  const fixed = template('fixed', 'gpt-4o', 'gpt-*');
  const groups = createWildcardGroups({
    wildcards: [{ pattern: 'gpt-*', regex: patternRegex('gpt-*'), deployments: [fixed] }],
  });
  assert.equal(groups.resolve('gpt-anything')?.group.deployments[0], fixed);
});

void test('an evicted group is handed over (its breakers can go); a pinned one never is', () => {
  const evicted: string[] = [];
  const groups = createWildcardGroups({
    wildcards: [OPENAI],
    cacheSize: 1,
    onEvict: (group) => evicted.push(...group.group.deployments.map((d) => d.upstreamModel)),
  });
  const pinned = groups.pin('openai/alias-target');
  groups.resolve('openai/a');
  groups.resolve('openai/b');
  assert.deepEqual(evicted, ['a', 'a']);
  assert.equal(groups.resolve('openai/alias-target'), pinned);
  assert.equal(groups.serves('openai/alias-target'), true);
});
