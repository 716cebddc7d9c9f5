import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bareModelName, knownContextWindow } from './context-windows.ts';

void test('known families across providers and naming schemes', () => {
  const cases: [string, number | undefined][] = [
    ['gpt-4o', 128_000],
    ['azure/gpt-4o-mini-2024-07-18', 128_000],
    ['gpt-4.1-nano', 1_047_576],
    ['gpt-5-mini', 272_000],
    ['gpt-4', 8_192],
    ['gpt-4-0613', 8_192],
    ['gpt-4-1106-preview', 128_000],
    ['gpt-35-turbo', 16_385],
    ['o3-mini', 200_000],
    ['o1-mini', 128_000],
    ['anthropic/claude-3-5-sonnet-20241022', 200_000],
    ['bedrock/us.anthropic.claude-3-haiku-20240307-v1:0', 200_000],
    ['claude-sonnet-4-20250514', 200_000],
    ['gemini/gemini-1.5-pro-002', 2_097_152],
    ['vertex_ai/gemini-2.0-flash', 1_048_576],
    ['mistral/mistral-large-latest', 131_072],
    ['hosted_vllm/meta-llama/Meta-Llama-3.1-8B-Instruct', 131_072],
    ['ollama/llama3.2:3b', 131_072],
    ['meta-llama/Meta-Llama-3-8B-Instruct', 8_192],
    ['my-own-model', undefined],
  ];
  for (const [model, window] of cases) assert.equal(knownContextWindow(model), window, model);
});

void test('the bare name drops provider, organisation and Bedrock prefixes', () => {
  assert.equal(bareModelName('bedrock/eu.anthropic.claude-3-haiku'), 'claude-3-haiku');
  assert.equal(bareModelName('hosted_vllm/Org/Model-X'), 'model-x');
});
