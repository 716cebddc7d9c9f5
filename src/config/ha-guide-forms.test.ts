/**
 * The HA deployment guide's config shapes, which differ from LiteLLM's reference ones: they
 * must run unchanged (users copy that guide), meaning the same as the reference shapes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileConfig } from './compile.ts';
import { configError } from './config-error.test-helper.ts';
import { parseConfig } from './load.ts';
import type { RouterPlan } from './plan.ts';

const MODELS = `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: gpt-4o, api_key: k }
  - model_name: gpt-4o
    litellm_params: { model: azure/gpt-4o, api_key: k, api_base: https://x.example }
  - model_name: claude-sonnet-4
    litellm_params: { model: mock/claude, mock_response: hi }
`;

function compile(routerSettings: string): RouterPlan {
  const yaml = `${MODELS}router_settings:\n${routerSettings}`;
  return compileConfig(parseConfig(yaml, { env: {} }), { env: {} });
}

void test('fallbacks as {model, fallback_models} entries mean {model: [fallbacks]}', () => {
  const plan = compile(`
  fallbacks:
    - model: gpt-4o
      fallback_models: ["azure/gpt-4o", "claude-sonnet-4"]
`);
  assert.deepEqual(plan.settings.fallbacks.get('gpt-4o'), ['azure/gpt-4o', 'claude-sonnet-4']);
});

void test("a fallback may name a deployment's model; an unknown model is still fatal", () => {
  assert.deepEqual(
    compile(`  fallbacks: [{claude-sonnet-4: [openai/gpt-4o]}]\n`).settings.fallbacks.get(
      'claude-sonnet-4',
    ),
    ['openai/gpt-4o'],
  );
  const error = configError(() => compile(`  fallbacks: [{gpt-4o: [azure/gpt-5]}]\n`));
  assert.match(
    error.issues.join('\n'),
    /fallbacks\[0\]\.gpt-4o\[0\]: "azure\/gpt-5" is not a model_name/,
  );
});

void test('retry_policy as a list of {status_code, retry_after} becomes per-status rules', () => {
  const plan = compile(`
  retry_policy:
    - status_code: 429
      retry_after: 60
    - status_code: 500
`);
  const byStatus = plan.settings.retryPolicy?.byStatus;
  assert.deepEqual(
    [...(byStatus ?? [])],
    [
      [429, { retryAfterMs: 60_000 }],
      [500, { retryAfterMs: undefined }],
    ],
  );
});

void test('a list-form retry_policy entry that is not an error status names the key', () => {
  const error = configError(() => compile(`  retry_policy: [{status_code: 200}]\n`));
  assert.match(error.issues.join('\n'), /router_settings\.retry_policy/);
});
