import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedContentError } from './content-blocks.ts';
import { toAnthropicConversation } from './messages.ts';

const text = (value: string) => ({ type: 'text', text: value });

void test('system and developer messages are lifted into system, wherever they stand', () => {
  const { system, messages } = toAnthropicConversation([
    { role: 'system', content: 'Be terse.' },
    { role: 'user', content: 'hi' },
    { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
  ]);
  assert.deepEqual(system, [text('Be terse.'), text('Answer in French.')]);
  assert.deepEqual(messages, [{ role: 'user', content: [text('hi')] }]);
});

void test('a multi-turn conversation keeps its order and alternation', () => {
  const { messages } = toAnthropicConversation([
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Hi! How can I help?' },
    { role: 'user', content: 'Tell me a joke' },
  ]);
  assert.deepEqual(messages, [
    { role: 'user', content: [text('Hello')] },
    { role: 'assistant', content: [text('Hi! How can I help?')] },
    { role: 'user', content: [text('Tell me a joke')] },
  ]);
});

void test('consecutive messages of one role merge into one turn; empty ones are dropped', () => {
  const { messages } = toAnthropicConversation([
    { role: 'user', content: 'first' },
    { role: 'user', content: '' },
    { role: 'user', content: [{ type: 'text', text: 'second' }] },
  ]);
  assert.deepEqual(messages, [{ role: 'user', content: [text('first'), text('second')] }]);
});

void test('tool calls become tool_use blocks and consecutive tool results one user turn', () => {
  const { messages } = toAnthropicConversation([
    { role: 'user', content: 'Weather in Paris and Rome?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'toolu_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
        {
          id: 'toolu_2',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
    { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '24°C' }] },
    { role: 'user', content: 'Thanks' },
  ]);
  assert.deepEqual(messages, [
    { role: 'user', content: [text('Weather in Paris and Rome?')] },
    {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: [text('24°C')] },
        text('Thanks'),
      ],
    },
  ]);
});

void test('assistant text and tool calls share one turn; empty arguments are an empty input', () => {
  const { messages } = toAnthropicConversation([
    {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [{ id: 't', type: 'function', function: { name: 'now', arguments: '' } }],
    },
  ]);
  assert.deepEqual(messages[0]?.content, [
    text('Checking.'),
    { type: 'tool_use', id: 't', name: 'now', input: {} },
  ]);
});

void test('image parts become base64 or URL image blocks; PDFs document blocks', () => {
  const { messages } = toAnthropicConversation([
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
      ],
    },
  ]);
  assert.deepEqual(messages[0]?.content, [
    text('What is this?'),
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    {
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
    },
  ]);
});

void test('cache_control is kept on parts and on a string message', () => {
  const ephemeral = { type: 'ephemeral' };
  const { system, messages } = toAnthropicConversation([
    { role: 'system', content: [{ type: 'text', text: 'Long context', cache_control: ephemeral }] },
    { role: 'user', content: 'question', cache_control: ephemeral },
  ]);
  assert.deepEqual(system, [{ type: 'text', text: 'Long context', cache_control: ephemeral }]);
  assert.deepEqual(messages[0]?.content, [
    { type: 'text', text: 'question', cache_control: ephemeral },
  ]);
});

void test('unknown roles, part types and malformed tool messages are refused', () => {
  const refused = [
    [{ role: 'function', name: 'f', content: 'x' }],
    [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }],
    [{ role: 'tool', content: 'no id' }],
    [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }] }],
    'not a list',
  ];
  for (const messages of refused) {
    assert.throws(() => toAnthropicConversation(messages), UnsupportedContentError);
  }
});
