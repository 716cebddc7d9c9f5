/**
 * The gateway's heap policy (bin/heap-policy.js): the flag it sets, and that an operator's own
 * flag on the command line wins. What the policy does to memory is measured by `npm run bench`
 * (RSS by round), not here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { HEAP_GROWING_PERCENT, heapPolicyFlag } from '../bin/heap-policy.js';

void test('the gateway fixes how far the old generation grows between full collections', () => {
  assert.equal(HEAP_GROWING_PERCENT, 25);
  assert.equal(heapPolicyFlag([]), '--heap-growing-percent=25');
  assert.equal(heapPolicyFlag(['--enable-source-maps']), '--heap-growing-percent=25');
  // A name that only starts the same is not the flag.
  assert.equal(heapPolicyFlag(['--heap-growing-percentage=5']), '--heap-growing-percent=25');
});

void test("an operator's own growing percent on the command line wins", () => {
  assert.equal(heapPolicyFlag(['--heap-growing-percent=60']), undefined);
  assert.equal(heapPolicyFlag(['--heap_growing_percent=10']), undefined);
  assert.equal(heapPolicyFlag(['--trace-gc', '--heap-growing-percent', '40']), undefined);
});

void test('the flag is one this node accepts', () => {
  // V8 ignores an unknown flag given through setFlagsFromString without a word; on the command
  // line it is an error, which makes a renamed flag visible here.
  const run = spawnSync(process.execPath, [heapPolicyFlag([])!, '-e', '0'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const bogus = spawnSync(process.execPath, ['--heap-growing-percentx=25', '-e', '0'], {
    encoding: 'utf8',
  });
  assert.notEqual(bogus.status, 0, 'an unknown V8 flag must fail for this check to mean anything');
});
