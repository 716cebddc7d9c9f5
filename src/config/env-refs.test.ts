import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveEnvRefs } from './env-refs.ts';
import { configError } from './config-error.test-helper.ts';

void describe('resolveEnvRefs', () => {
  void test('resolves references in nested mappings and lists', () => {
    const tree = { a: { b: 'os.environ/B' }, list: ['os.environ/C', 'plain', 3] };
    const { value } = resolveEnvRefs(tree, { B: 'bee', C: 'sea' });
    assert.deepEqual(value, { a: { b: 'bee' }, list: ['sea', 'plain', 3] });
  });

  void test('records which variable each resolved path came from', () => {
    const { fromEnv } = resolveEnvRefs(
      { model_list: [{ litellm_params: { api_key: 'os.environ/K' } }] },
      { K: 'v' },
    );
    assert.deepEqual([...fromEnv], [['model_list[0].litellm_params.api_key', 'K']]);
  });

  void test('leaves mapping keys alone', () => {
    const { value } = resolveEnvRefs({ 'os.environ/X': 1 }, { X: 'y' });
    assert.deepEqual(value, { 'os.environ/X': 1 });
  });

  void test('does not modify the input tree', () => {
    const tree = { a: 'os.environ/A' };
    resolveEnvRefs(tree, { A: 'x' });
    assert.deepEqual(tree, { a: 'os.environ/A' });
  });

  void test('an empty variable counts as set', () => {
    assert.deepEqual(resolveEnvRefs({ a: 'os.environ/A' }, { A: '' }).value, { a: '' });
  });

  void test('a missing variable names the variable and the config path', () => {
    const error = configError(() =>
      resolveEnvRefs(
        { model_list: [{ litellm_params: { api_key: 'os.environ/AZURE_API_KEY' } }] },
        {},
      ),
    );
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.api_key: environment variable AZURE_API_KEY is not set (os.environ/AZURE_API_KEY)',
    ]);
  });

  void test('every missing variable is reported at once', () => {
    const error = configError(() => resolveEnvRefs({ a: 'os.environ/A', b: ['os.environ/B'] }, {}));
    assert.equal(error.issues.length, 2);
  });

  void test('no resolved value appears in the error', () => {
    const error = configError(() =>
      resolveEnvRefs(
        { a: 'os.environ/PRESENT', b: 'os.environ/MISSING' },
        { PRESENT: 'sk-FAKE-SECRET-0007' },
      ),
    );
    assert.doesNotMatch(error.message, /FAKE-SECRET/);
  });

  void test('a reference without a name is an error', () => {
    const error = configError(() => resolveEnvRefs({ a: 'os.environ/' }, {}));
    assert.deepEqual(error.issues, ['a: "os.environ/" names no environment variable']);
  });
});
