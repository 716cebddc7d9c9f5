import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  forgetSourceText,
  forwardedChunk,
  rememberSourceText,
  sourceTextOf,
} from './source-text.ts';

void test('a remembered text is found again, and nothing else can see it', () => {
  const text = '{"id":"chatcmpl-1","choices":[]}';
  const answer = JSON.parse(text) as Record<string, unknown>;
  rememberSourceText(answer, text);
  assert.equal(sourceTextOf(answer), text);
  // Invisible to serialisation, reflection, copies and deep equality.
  assert.equal(JSON.stringify(answer), text);
  assert.deepEqual(Reflect.ownKeys(answer), ['id', 'choices']);
  const copy = { ...answer };
  assert.equal(sourceTextOf(copy), undefined);
  assert.equal(sourceTextOf(structuredClone(answer)), undefined);
  assert.deepStrictEqual(answer, JSON.parse(text));
});

void test('remembering again replaces the text; forgetting clears it', () => {
  const answer = { id: 'a' };
  rememberSourceText(answer, '{"id":"a"}');
  rememberSourceText(answer, '{"id": "a"}');
  assert.equal(sourceTextOf(answer), '{"id": "a"}');
  forgetSourceText(answer);
  assert.equal(sourceTextOf(answer), undefined);
  // Forgetting what was never remembered is harmless.
  const plain = { id: 'b' };
  forgetSourceText(plain);
  assert.equal(sourceTextOf(plain), undefined);
});

void test('a forwarded chunk carries only its text', () => {
  const chunk = forwardedChunk('{"id":"chunk-1"}');
  assert.equal(sourceTextOf(chunk), '{"id":"chunk-1"}');
  assert.deepEqual(Reflect.ownKeys(chunk), []);
});

void test('values that are not objects have no source text', () => {
  for (const value of [undefined, null, 'text', 42, true]) {
    assert.equal(sourceTextOf(value), undefined);
  }
});
