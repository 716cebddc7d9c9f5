import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCallId } from './call-id.ts';

/** RFC 9562's version 4 layout: version nibble 4, variant bits 10. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('call ids are version 4 UUIDs, all different, across many batches', () => {
  const seen = new Set<string>();
  for (let index = 0; index < 2_000; index++) {
    const id = newCallId();
    assert.match(id, UUID_V4);
    seen.add(id);
  }
  assert.equal(seen.size, 2_000);
});

test('every hex digit and both variant halves occur: the bits come from the random bytes', () => {
  const digits = new Set<string>();
  const variants = new Set<string>();
  for (let index = 0; index < 1_000; index++) {
    const id = newCallId();
    for (const digit of id.replaceAll('-', '')) digits.add(digit);
    variants.add(id[19]!);
  }
  assert.equal(digits.size, 16);
  assert.deepEqual([...variants].sort(), ['8', '9', 'a', 'b']);
});
