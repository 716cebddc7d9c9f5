import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  benchKeyPattern,
  decodeBenchMessage,
  decodeStoredBench,
  deploymentIdOfKey,
  encodeBenchMessage,
  encodeStoredBench,
} from './bench-wire.ts';

const bench = { deploymentId: 'd1', until: 1_767_225_600_000, reason: 'rate limited' };

test('an announcement decodes to its origin and bench', () => {
  assert.deepEqual(decodeBenchMessage(encodeBenchMessage('i1', bench)), { origin: 'i1', bench });
});

test('a stored bench decodes under its deployment id', () => {
  assert.deepEqual(decodeStoredBench('d1', encodeStoredBench(bench)), bench);
});

test('malformed announcements and values are ignored', () => {
  for (const raw of ['', 'nope', '[]', 'null', '{"origin":"i","deploymentId":"d"}']) {
    assert.equal(decodeBenchMessage(raw), undefined, raw);
  }
  assert.equal(decodeStoredBench('d1', null), undefined);
  assert.equal(decodeStoredBench('d1', '{"until":"soon"}'), undefined);
});

test('glob characters in the key prefix are escaped for SCAN', () => {
  assert.equal(benchKeyPattern('a*b?[c]:'), 'a\\*b\\?\\[c\\]:bench:*');
  assert.equal(deploymentIdOfKey('p:', 'p:bench:d1'), 'd1');
  assert.equal(deploymentIdOfKey('p:', 'p:other'), undefined);
});
