import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countInputTokens, countTextTokens, inputTokenCeiling } from './count-tokens.ts';
import { encodingFor, isExactFor } from './encodings.ts';

void test('GPT-4o generation models count with o200k_base, GPT-4 and others with cl100k_base', () => {
  assert.deepEqual(
    ['gpt-4o-mini', 'openai/gpt-4.1', 'o3-mini', 'gpt-4', 'gpt-3.5-turbo', 'claude-3-5-sonnet'].map(
      encodingFor,
    ),
    ['o200k_base', 'o200k_base', 'o200k_base', 'cl100k_base', 'cl100k_base', 'cl100k_base'],
  );
});

void test('counts are exact only for OpenAI models', () => {
  assert.deepEqual(
    ['gpt-4o', 'azure/gpt-4', 'text-embedding-3-small', 'llama3', 'claude-3-haiku'].map(isExactFor),
    [true, true, true, false, false],
  );
});

void test('counts text with the real encoding', () => {
  assert.equal(countTextTokens('Hello world', 'gpt-4o'), 2);
  assert.equal(countTextTokens('', 'gpt-4o'), 0);
});

void test('a chat counts OpenAI framing: 3 per message, the role, the content, 3 for the reply', () => {
  const body = { model: 'g', messages: [{ role: 'user', content: 'Hello world' }] };
  // 3 (priming) + 3 (message) + 1 ("user") + 2 ("Hello world")
  assert.equal(countInputTokens('chat', body, 'gpt-4o'), 9);
});

void test('a chat counts text parts, names, tool calls and tool definitions', () => {
  const plain = countInputTokens(
    'chat',
    { model: 'g', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello world' }] }] },
    'gpt-4o',
  );
  assert.equal(plain, 9);
  const withName = countInputTokens(
    'chat',
    { model: 'g', messages: [{ role: 'user', name: 'bob', content: 'Hello world' }] },
    'gpt-4o',
  );
  assert.equal(withName, 9 + 1 + countTextTokens('bob', 'gpt-4o'));
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: {} } }];
  const withTools = countInputTokens(
    'chat',
    { model: 'g', messages: [{ role: 'user', content: 'Hello world' }], tools },
    'gpt-4o',
  );
  assert.equal(withTools, 9 + countTextTokens(JSON.stringify(tools), 'gpt-4o'));
});

void test('completion prompts and embedding inputs count strings, lists and token ids', () => {
  assert.equal(countInputTokens('completion', { model: 'g', prompt: 'Hello world' }, 'gpt-4o'), 2);
  assert.equal(
    countInputTokens('embedding', { model: 'g', input: ['Hello world', 'Hello world'] }, 'gpt-4o'),
    4,
  );
  assert.equal(countInputTokens('embedding', { model: 'g', input: [1, 2, 3] }, 'gpt-4o'), 3);
  assert.equal(countInputTokens('embedding', { model: 'g', input: [[1, 2], [3]] }, 'gpt-4o'), 3);
});

void test('odd shapes count as nothing instead of throwing', () => {
  assert.equal(countInputTokens('chat', { model: 'g', messages: 'nope' }, 'gpt-4o'), 3);
  assert.equal(countInputTokens('chat', { model: 'g', messages: [null, 7] }, 'gpt-4o'), 3);
});

void test('the ceiling (bytes, no tokenizer) is never below the real count', () => {
  const texts = ['Hello world', 'naïve café — 東京 🚀🚀', 'a'.repeat(500), ''];
  for (const text of texts) {
    const body = { model: 'g', messages: [{ role: 'user', name: 'bob', content: text }] };
    for (const model of ['gpt-4o', 'gpt-4']) {
      assert.ok(inputTokenCeiling('chat', body) >= countInputTokens('chat', body, model), text);
    }
  }
  assert.equal(inputTokenCeiling('completion', { model: 'g', prompt: 'héllo' }), 6);
});
