import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, describeValue, formatIssue } from './errors.ts';
import { formatPath } from './paths.ts';
import { isSecretKey, stripUrlCredentials } from './secrets.ts';

void describe('ConfigError', () => {
  void test('lists every issue under the summary', () => {
    const error = new ConfigError('invalid config', ['a: one', 'b: two'], { source: 'c.yaml' });
    assert.equal(error.message, 'c.yaml: invalid config\n  - a: one\n  - b: two');
    assert.deepEqual(error.issues, ['a: one', 'b: two']);
  });

  void test('exits with status 2 and has a stable code', () => {
    const error = new ConfigError('x', []);
    assert.equal(error.exitCode, 2);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.name, 'ConfigError');
    assert.ok(error instanceof Error);
  });
});

void describe('formatIssue', () => {
  void test('shows path, JSON value and expectation', () => {
    const line = formatIssue(
      ['model_list', 2, 'litellm_params', 'timeout'],
      { value: 'abc' },
      'expected x',
    );
    assert.equal(line, 'model_list[2].litellm_params.timeout: got "abc"; expected x');
  });

  void test('an absent value is reported as required', () => {
    assert.equal(
      formatIssue(['a', 'model'], { value: undefined }, 'expected x'),
      'a.model: is required',
    );
  });

  void test('long values are cut to about 60 characters', () => {
    const line = formatIssue(['k'], { value: 'x'.repeat(200) }, 'expected y');
    const shown = line.slice('k: got '.length, line.indexOf('; expected'));
    assert.equal(shown.length, 60);
    assert.ok(shown.endsWith('…'));
  });

  for (const key of [
    'api_key',
    'master_key',
    'redis_password',
    'aws_secret_access_key',
    'aws_session_token',
    'Authorization',
    'redis_url',
  ]) {
    void test(`a value under ${key} is redacted`, () => {
      assert.equal(describeValue(['x', key], { value: 'sk-FAKE-SECRET-0004' }), '<redacted>');
    });
  }

  void test('a value inside a secret key is redacted', () => {
    assert.equal(describeValue(['api_keys', 0], { value: 'sk-FAKE-SECRET-0005' }), '<redacted>');
  });

  void test('a value from the environment is never shown', () => {
    assert.equal(
      describeValue(['timeout'], { value: 'sk-FAKE-SECRET-0006', envVar: 'T' }),
      'the value of os.environ/T (not shown)',
    );
  });
});

void describe('secrets', () => {
  void test('token counts and prices are not secrets', () => {
    assert.equal(isSecretKey('max_tokens'), false);
    assert.equal(isSecretKey('max_input_tokens'), false);
    assert.equal(isSecretKey('input_cost_per_token'), false);
  });

  void test('credentials are stripped from URLs', () => {
    assert.equal(stripUrlCredentials('redis://:p@ss@cache:6379/0'), 'redis://cache:6379/0');
    assert.equal(stripUrlCredentials('https://user:pw@host/v1'), 'https://host/v1');
    assert.equal(stripUrlCredentials('http://host:8000/v1'), 'http://host:8000/v1');
  });

  void test('query strings are dropped from displayed URLs', () => {
    assert.equal(stripUrlCredentials('https://host/v1?api-key=sk-FAKE'), 'https://host/v1');
  });
});

void describe('formatPath', () => {
  void test('joins keys with dots and indexes with brackets', () => {
    assert.equal(
      formatPath(['litellm_settings', 'fallbacks', 0, 'gpt-4', 1]),
      'litellm_settings.fallbacks[0].gpt-4[1]',
    );
  });

  void test('the root prints as (root)', () => {
    assert.equal(formatPath([]), '(root)');
  });
});
