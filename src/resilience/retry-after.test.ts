import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from './retry-after.ts';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

void test('parseRetryAfterMs reads retry-after-ms as milliseconds', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': '1500' }, NOW), 1500);
});

void test('parseRetryAfterMs prefers retry-after-ms over retry-after', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, NOW), 250);
});

void test('parseRetryAfterMs falls back to retry-after when retry-after-ms is garbage', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '2' }, NOW), 2000);
});

void test('parseRetryAfterMs reads retry-after as whole seconds', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after': '20' }, NOW), 20_000);
});

void test('parseRetryAfterMs reads retry-after with decimal seconds', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after': '0.5' }, NOW), 500);
});

void test('parseRetryAfterMs reads retry-after as an HTTP-date relative to now', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' }, NOW), 30_000);
});

void test('parseRetryAfterMs reads the obsolete RFC 850 and asctime date forms', () => {
  assert.equal(
    parseRetryAfterMs({ 'retry-after': 'Wednesday, 21-Oct-15 07:28:10 GMT' }, NOW),
    10_000,
  );
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Wed Oct 21 07:28:05 2015' }, NOW), 5_000);
});

void test('parseRetryAfterMs treats an HTTP-date in the past as no wait', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }, NOW), 0);
});

void test('parseRetryAfterMs caps long waits at 60 seconds', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after': '3600' }, NOW), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': '90000' }, NOW), MAX_RETRY_AFTER_MS);
});

void test('parseRetryAfterMs ignores negative values', () => {
  assert.equal(parseRetryAfterMs({ 'retry-after': '-5' }, NOW), undefined);
  assert.equal(parseRetryAfterMs({ 'retry-after-ms': '-5' }, NOW), undefined);
});

void test('parseRetryAfterMs ignores garbage', () => {
  for (const value of ['soon', '', '12 apples', '1e3', 'NaN', 'Infinity']) {
    assert.equal(parseRetryAfterMs({ 'retry-after': value }, NOW), undefined, value);
  }
});

void test('parseRetryAfterMs returns undefined without either header', () => {
  assert.equal(parseRetryAfterMs({ 'x-request-id': 'abc' }, NOW), undefined);
});
