import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../core/openai-types.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { finishReasonOf, fromConverseResponse } from './converse-response.ts';
import { jsonFixture, TEST_MODEL_ID } from './fixtures/fixtures.ts';

const STAMP = { id: 'chatcmpl-test', created: 1_700_000_000, model: TEST_MODEL_ID };

function decode(name: string) {
  return fromConverseResponse(jsonFixture(name).body, STAMP);
}

void test('a text answer decodes to an OpenAI chat completion with usage', () => {
  assert.deepEqual(decode('converse-text'), {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: TEST_MODEL_ID,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Paris is the capital of France.' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 25, completion_tokens: 9, total_tokens: 34 },
  });
});

void test('toolUse blocks decode to tool_calls with JSON-text arguments', () => {
  const completion = decode('converse-tool-use');
  const choice = completion.choices[0]!;
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.content, "I'll look up the weather in Paris.");
  const calls = choice.message.tool_calls as JsonObject[];
  assert.deepEqual(calls, [
    {
      id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
    },
  ]);
});

void test('max_tokens reads as length, and cached prompt tokens are reported', () => {
  const completion = decode('converse-max-tokens');
  assert.equal(completion.choices[0]?.finish_reason, 'length');
  assert.deepEqual(completion.usage, {
    prompt_tokens: 12,
    completion_tokens: 3,
    total_tokens: 15,
    prompt_tokens_details: { cached_tokens: 8 },
  });
});

void test('a guardrail intervention reads as content_filter', () => {
  assert.equal(decode('converse-guardrail').choices[0]?.finish_reason, 'content_filter');
});

void test('every documented stop reason has its OpenAI finish reason', () => {
  const expected: Record<string, string> = {
    end_turn: 'stop',
    stop_sequence: 'stop',
    max_tokens: 'length',
    tool_use: 'tool_calls',
    guardrail_intervened: 'content_filter',
    content_filtered: 'content_filter',
    something_new: 'stop',
  };
  for (const [reason, finish] of Object.entries(expected)) {
    assert.equal(finishReasonOf(reason), finish, reason);
  }
});

void test('reasoning blocks decode to reasoning_content', () => {
  const completion = fromConverseResponse(
    {
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Think first.', signature: 'sig' } } },
            { text: 'Done.' },
          ],
        },
      },
      stopReason: 'end_turn',
    },
    STAMP,
  );
  const message = completion.choices[0]!.message;
  assert.equal(message.content, 'Done.');
  assert.equal(message.reasoning_content, 'Think first.');
  assert.equal(completion.usage, undefined);
});

void test('a body that is not a Converse answer is a bad gateway', () => {
  for (const payload of [null, { message: 'oops' }, { output: { message: {} } }]) {
    assert.throws(
      () => fromConverseResponse(payload, STAMP),
      (error) => error instanceof GatewayError && error.kind === 'BadGatewayError',
    );
  }
});
