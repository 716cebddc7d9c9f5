import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalJson, deploymentHash } from './deployment-id.ts';

void describe('deploymentHash', () => {
  void test('does not depend on key order', () => {
    assert.equal(
      deploymentHash('g', { model: 'openai/x', api_base: 'http://a', rpm: 5 }),
      deploymentHash('g', { rpm: 5, api_base: 'http://a', model: 'openai/x' }),
    );
  });

  void test('tells apart deployments that differ only by a literal key', () => {
    assert.notEqual(
      deploymentHash('g', { model: 'openai/x', api_key: 'sk-one' }),
      deploymentHash('g', { model: 'openai/x', api_key: 'sk-two' }),
    );
  });

  void test('does not change when a key held in the environment is rotated', () => {
    const params = { model: 'openai/x', api_key: 'os.environ/OPENAI_API_KEY' };
    assert.equal(deploymentHash('g', params), deploymentHash('g', { ...params }));
  });

  void test('depends on which variable holds the secret', () => {
    assert.notEqual(
      deploymentHash('g', { model: 'openai/x', api_key: 'os.environ/KEY_A' }),
      deploymentHash('g', { model: 'openai/x', api_key: 'os.environ/KEY_B' }),
    );
  });

  void test('depends on the group name', () => {
    assert.notEqual(
      deploymentHash('a', { model: 'openai/x' }),
      deploymentHash('b', { model: 'openai/x' }),
    );
  });
});

void describe('canonicalJson', () => {
  void test('sorts keys at every depth and keeps list order', () => {
    assert.equal(canonicalJson({ b: [{ d: 1, c: 2 }], a: 1 }), '{"a":1,"b":[{"c":2,"d":1}]}');
  });
});
