import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { compileConfig } from './compile.ts';
import { ConfigError } from './errors.ts';
import { loadConfigFile, parseConfig } from './load.ts';
import type { RouterPlan } from './plan.ts';

const DIR = fileURLToPath(new URL('../../test/fixtures/configs/', import.meta.url));

/** Every variable the fixtures reference, with recognisable fake values. */
const ENV = {
  AZURE_API_KEY: 'fake-azure-key',
  AZURE_API_KEY_1: 'fake-azure-key-1',
  AZURE_API_KEY_2: 'fake-azure-key-2',
  AZURE_API_BASE_2: 'https://region2.openai.azure.com',
  OPENAI_API_KEY: 'fake-openai-key',
  LITELLM_MASTER_KEY: 'sk-fake-master',
  REDIS_PASSWORD: 'fake-redis-password',
  REDIS_SENTINEL_HOST: 'sentinel',
  DATABASE_URL: 'postgres://fake',
};

function load(name: string): RouterPlan {
  return compileConfig(loadConfigFile(DIR + name, { env: ENV }), { env: ENV });
}

void describe('fixture configs', () => {
  for (const name of readdirSync(DIR).filter((file) => file.endsWith('.yaml'))) {
    void test(`${name} parses and compiles without warnings`, () => {
      const plan = load(name);
      assert.ok(plan.deployments.size > 0);
      assert.deepEqual(plan.warnings, []);
    });
  }

  void test('azure-env-refs.yaml resolves keys and endpoints from the environment', () => {
    const plan = load('azure-env-refs.yaml');
    const [first, second] = plan.groups.get('gpt-4')?.deployments ?? [];
    assert.equal(first?.apiBase, 'https://region1.openai.azure.com');
    assert.equal(first?.apiKey, 'fake-azure-key-1');
    assert.equal(second?.apiBase, 'https://region2.openai.azure.com');
    assert.equal(second?.region, 'eu');
    assert.equal(plan.general.masterKey, 'sk-fake-master');
    assert.equal(plan.settings.timeoutMs, 30_000);
    assert.deepEqual(plan.settings.fallbacks.get('gpt-4'), ['gpt-4o']);
    const gpt4o = plan.groups.get('gpt-4o')?.deployments[0];
    assert.equal(gpt4o?.timeoutMs, 100);
    assert.equal(gpt4o?.streamTimeoutMs, 10);
  });

  void test('redis-fallbacks.yaml has shared state and both fallback chains', () => {
    const { settings } = load('redis-fallbacks.yaml');
    assert.equal(settings.redis?.host, 'redis-master');
    assert.equal(settings.redis?.password, 'fake-redis-password');
    assert.deepEqual(settings.fallbacks.get('gpt-4'), ['gpt-4-turbo', 'gpt-3.5-turbo']);
    assert.deepEqual(settings.contextWindowFallbacks.get('gpt-3.5-turbo'), ['gpt-4-32k']);
    assert.equal(settings.numRetries, 2);
    assert.equal(settings.maxFallbacks, 3);
    assert.equal(settings.routingStrategy, 'usage-based-routing-v2');
  });

  void test('model-info-order.yaml keeps ids, tiers, weights and metadata', () => {
    const plan = load('model-info-order.yaml');
    const group = plan.groups.get('llama-3-8b')?.deployments ?? [];
    assert.deepEqual(
      group.map((d) => [d.provider, d.order, d.weight]),
      [
        ['hosted_vllm', 1, 3],
        ['openai', 1, 1],
        ['azure', 2, undefined],
      ],
    );
    assert.equal(plan.deployments.get('vllm-a')?.info.team, 'research');
    assert.equal(group[2]?.apiVersion, '2024-06-01');
    assert.equal(group[2]?.info.base_model, 'azure/gpt-4-1106-preview');
  });

  void test('litellm-docs-retries.yaml takes its settings from litellm_settings', () => {
    const { settings } = load('litellm-docs-retries.yaml');
    assert.equal(settings.numRetries, 3);
    assert.equal(settings.timeoutMs, 10_000);
    assert.equal(settings.allowedFails, 3);
    assert.equal(settings.contextWindowFallbacks.size, 2);
  });

  void test('sentinel-mock.yaml uses mock deployments and Sentinel', () => {
    const plan = load('sentinel-mock.yaml');
    const claude = plan.groups.get('claude-opus')?.deployments[0];
    assert.equal(claude?.provider, 'anthropic');
    assert.equal(claude?.mockResponse, 'Hi from claude');
    assert.deepEqual(plan.settings.redis?.sentinelNodes, [{ host: 'sentinel', port: 26379 }]);
    assert.equal(plan.settings.redis?.keyPrefix, 'ha:');
    assert.deepEqual(plan.settings.defaultFallbacks, ['safe', 'claude-opus']);
    assert.equal(plan.general.maxRequestBodyBytes, 2 * 1024 * 1024);
  });

  void test('a LiteLLM config naming providers this build lacks fails on each of them', () => {
    const yaml = `
model_list:
  - model_name: claude-sonnet-4
    litellm_params:
      model: replicate/anthropic/claude-4-sonnet
      api_key: os.environ/REPLICATE_API_KEY
  - model_name: claude-sonnet-4
    litellm_params:
      model: sagemaker/jumpstart-dft-meta-textgeneration-llama-2-7b
      aws_profile_name: os.environ/AWS_PROFILE
      aws_region_name: us-east-1
`;
    const env = { REPLICATE_API_KEY: 'a', AWS_PROFILE: 'b' };
    const loaded = parseConfig(yaml, { env });
    assert.deepEqual(loaded.warnings, [
      'unknown keys (ignored): model_list[1].litellm_params.aws_profile_name',
    ]);
    let error: unknown;
    try {
      compileConfig(loaded, { env });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.issues.length, 2);
    assert.match(
      error.issues[0] ?? '',
      /^model_list\[0\]\.litellm_params\.model: unknown provider in "replicate\//,
    );
    assert.match(
      error.issues[1] ?? '',
      /^model_list\[1\]\.litellm_params\.model: unknown provider in "sagemaker\//,
    );
  });
});
