import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeUrl } from './redact.ts';

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
