import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentSecrets, redactSecrets, safeUrl } from './redact.ts';

test('safeUrl strips userinfo and query string', () => {
  assert.equal(
    safeUrl('https://bob:s3cret@api.example.com/v1?key=abc'),
    'https://api.example.com/v1',
  );
});

test('safeUrl keeps a plain base intact', () => {
  assert.equal(safeUrl('http://127.0.0.1:8080/v1'), 'http://127.0.0.1:8080/v1');
});

test('safeUrl never echoes an unparsable value', () => {
  assert.equal(safeUrl('not a url with secret'), '<invalid url>');
});

test('deploymentSecrets lists the api key and credential-keyed extras, not other extras', () => {
  const secrets = deploymentSecrets({
    apiKey: 'sk-key',
    extra: {
      aws_secret_access_key: 'wJalrXUtnFEMI',
      aws_session_token: 'FwoGZXIvYXdz',
      aws_region_name: 'us-east-1',
      organization: 'org-1',
    },
  });
  assert.deepEqual(secrets, ['sk-key', 'wJalrXUtnFEMI', 'FwoGZXIvYXdz']);
});

test('redactSecrets replaces every occurrence and leaves short values alone', () => {
  assert.equal(
    redactSecrets('a wJalr b wJalr c ab', ['wJalr', 'ab']),
    'a <redacted> b <redacted> c ab',
  );
});
