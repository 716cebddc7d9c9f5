import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerNameOf } from './header-names.ts';

const bytes = (name: string): Buffer => Buffer.from(name, 'latin1');

void test('a raw header name gives its lower-case name, the same the second time', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(headerNameOf(bytes('Content-Type')), 'content-type');
    assert.equal(
      headerNameOf(bytes('X-RateLimit-Remaining-Tokens')),
      'x-ratelimit-remaining-tokens',
    );
    assert.equal(headerNameOf(new Uint8Array(bytes('x-request-id'))), 'x-request-id');
  }
});

void test('hop-by-hop headers and __proto__ are left out', () => {
  for (const name of ['Connection', 'keep-alive', 'Transfer-Encoding', 'TE', '__proto__']) {
    assert.equal(headerNameOf(bytes(name)), '', name);
  }
});

void test('two names whose bytes hash alike are still told apart', () => {
  // Found by search: both hash to 815736875 (FNV-1a, 30 bits).
  for (let round = 0; round < 2; round++) {
    assert.equal(headerNameOf(bytes('x-h-12vu')), 'x-h-12vu');
    assert.equal(headerNameOf(bytes('x-h-cuea')), 'x-h-cuea');
  }
});

void test('a name read from a larger buffer is remembered by its own bytes only', () => {
  const read = bytes('xxX-Served-By: a\r\n');
  const view = read.subarray(2, 13);
  assert.equal(headerNameOf(view), 'x-served-by');
  read.fill(0x41);
  assert.equal(headerNameOf(bytes('X-Served-By')), 'x-served-by');
});
