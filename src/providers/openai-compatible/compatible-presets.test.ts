/** Every OpenAI-compatible preset, from config to wire: base URL, key header and error label. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConfig } from '../../config/compile.ts';
import type { Env } from '../../config/env-refs.ts';
import { parseConfig } from '../../config/load.ts';
import type { Deployment } from '../../core/deployment.ts';
import { createProviderRegistry } from '../registry.ts';
import { PROVIDER_NAMES } from '../model-name.ts';
import { createCompatibleCodecs } from './compatible-codecs.ts';
import { COMPATIBLE_PROVIDERS, type CompatibleProviderSpec } from './compatible-presets.ts';
import { createFakeClock } from '../../testing/fake-clock.ts';

function compile(spec: CompatibleProviderSpec, params: string, env: Env): Deployment {
  const yaml = `model_list:\n  - model_name: g\n    litellm_params: { model: ${spec.name}/some-model${params} }\n`;
  const [only] = compileConfig(parseConfig(yaml, { env }), { env }).deployments.values();
  assert.ok(only);
  return only;
}

const codecs = createCompatibleCodecs();
const LOCAL_BASE = 'http://127.0.0.1:1234/v1';

for (const spec of COMPATIBLE_PROVIDERS) {
  void describe(`preset ${spec.name}`, () => {
    const params = spec.apiBase === undefined ? `, api_base: "${LOCAL_BASE}"` : '';
    const expectedBase = spec.apiBase ?? LOCAL_BASE;

    void test('resolves to its base URL with the key from its environment variable', () => {
      for (const variable of spec.apiKeyEnv) {
        const deployment = compile(spec, params, { [variable]: `key-of-${variable}` });
        assert.equal(deployment.provider, spec.name);
        assert.equal(deployment.upstreamModel, 'some-model');
        assert.equal(deployment.apiBase, expectedBase);
        const call = codecs[spec.name].encode({
          operation: 'chat',
          deployment,
          body: { model: 'g', messages: [{ role: 'user', content: 'hi' }] },
          signal: new AbortController().signal,
        });
        assert.equal(call.url, `${expectedBase}/chat/completions`);
        assert.equal(call.headers.authorization, `Bearer key-of-${variable}`, variable);
        assert.equal(JSON.parse(call.body ?? '{}').model, 'some-model');
      }
    });

    void test(`names itself ${spec.errorLabel} in errors`, () => {
      const error = codecs[spec.name].mapError({
        status: 429,
        headers: {},
        bodyText: '{"error":{"message":"slow down"}}',
        deployment: compile(spec, params, {}),
      });
      assert.equal(error.kind, 'RateLimitError');
      assert.equal(error.message, `litellm.RateLimitError: ${spec.errorLabel} - slow down`);
    });

    void test('the api_base in the config wins over the default', () => {
      const deployment = compile(spec, `, api_base: "http://proxy.test/v1/"`, {});
      assert.equal(deployment.apiBase, 'http://proxy.test/v1');
    });
  });
}

void test('every preset is a provider name and has a provider in the registry', async () => {
  const registry = createProviderRegistry({ clock: createFakeClock() });
  try {
    for (const spec of COMPATIBLE_PROVIDERS) {
      assert.ok((PROVIDER_NAMES as readonly string[]).includes(spec.name), spec.name);
      assert.equal(registry.get(spec.name)?.name, spec.name);
    }
  } finally {
    await registry.close();
  }
});

void test('every label is the provider name capitalised, as LiteLLM builds it', () => {
  for (const spec of COMPATIBLE_PROVIDERS) {
    assert.equal(spec.errorLabel, `${spec.name[0]!.toUpperCase()}${spec.name.slice(1)}Exception`);
  }
});
