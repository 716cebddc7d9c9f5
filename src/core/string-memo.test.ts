import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoizeString } from './string-memo.ts';

test('a memoized transform runs once per input while the memo holds it', () => {
  const seen: string[] = [];
  const upper = memoizeString((value) => {
    seen.push(value);
    return value.toUpperCase();
  }, 2);
  assert.equal(upper('a'), 'A');
  assert.equal(upper('a'), 'A');
  assert.equal(upper('b'), 'B');
  assert.deepEqual(seen, ['a', 'b']);
  // Full: the next new input starts the memo over, and the results stay right.
  assert.equal(upper('c'), 'C');
  assert.equal(upper('a'), 'A');
  assert.deepEqual(seen, ['a', 'b', 'c', 'a']);
});

test('inputs longer than the limit are transformed every time, never kept', () => {
  let calls = 0;
  const same = memoizeString(
    (value) => {
      calls += 1;
      return value;
    },
    10,
    4,
  );
  same('12345');
  same('12345');
  same('1234');
  same('1234');
  assert.equal(calls, 3);
});
