/** Compiling `anthropic/` deployments: prefixes, environment defaults and the required key. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileConfig } from './compile.ts';
import { configError } from './config-error.test-helper.ts';
import type { Env } from './env-refs.ts';
import { parseConfig } from './load.ts';

function deployment(params: string, env: Env = {}) {
  const yaml = `model_list:\n  - model_name: claude\n    litellm_params: { ${params} }\n`;
  const plan = compileConfig(parseConfig(yaml, { env }), { env });
  const [only] = plan.deployments.values();
  assert.ok(only);
  return only;
}

void test('anthropic/<model> and bare claude- names are served by anthropic', () => {
  for (const model of ['anthropic/claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20241022']) {
    const d = deployment(`model: ${model}, api_key: k`);
    assert.equal(d.provider, 'anthropic');
    assert.equal(d.upstreamModel, 'claude-3-5-sonnet-20241022');
    assert.equal(d.apiBase, 'https://api.anthropic.com');
  }
});

void test('ANTHROPIC_API_KEY and ANTHROPIC_API_BASE (else ANTHROPIC_BASE_URL) are read like LiteLLM', () => {
  const d = deployment('model: anthropic/claude-3-haiku-20240307', {
    ANTHROPIC_API_KEY: 'sk-ant-env',
    ANTHROPIC_BASE_URL: 'https://proxy.internal/',
  });
  assert.equal(d.apiKey, 'sk-ant-env');
  assert.equal(d.apiBase, 'https://proxy.internal');
  const both = deployment('model: anthropic/claude-3-haiku-20240307', {
    ANTHROPIC_API_KEY: 'sk-ant-env',
    ANTHROPIC_API_BASE: 'https://a.internal',
    ANTHROPIC_BASE_URL: 'https://b.internal',
  });
  assert.equal(both.apiBase, 'https://a.internal');
});

void test('anthropic/ without any key fails at start-up naming api_key and the variable', () => {
  const error = configError(() => deployment('model: anthropic/claude-3-opus-20240229'));
  assert.deepEqual(error.issues, [
    'model_list[0].litellm_params.api_key: is required for anthropic/ models (or set ANTHROPIC_API_KEY in the environment)',
  ]);
});

void test('ANTHROPIC_API_KEY is not sent to an api_base the entry sets itself', () => {
  const error = configError(() =>
    deployment('model: anthropic/claude-3-opus-20240229, api_base: https://third-party.example', {
      ANTHROPIC_API_KEY: 'sk-ant-env',
    }),
  );
  assert.match(
    error.issues[0] ?? '',
    /api_key: is required for anthropic\/ models with their own api_base/,
  );
  const own = deployment(
    'model: anthropic/claude-3-opus-20240229, api_base: https://third-party.example, api_key: own',
    { ANTHROPIC_API_KEY: 'sk-ant-env' },
  );
  assert.equal(own.apiKey, 'own');
});

void test('an anthropic/ deployment with mock_response needs no key', () => {
  const d = deployment('model: anthropic/claude-3-opus-20240229, mock_response: hi');
  assert.equal(d.provider, 'anthropic');
  assert.equal(d.mockResponse, 'hi');
});
