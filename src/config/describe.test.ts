import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConfig } from './compile.ts';
import { describePlan } from './describe.ts';
import { parseConfig } from './load.ts';

const SECRET = 'sk-FAKE-SECRET-9999';

const YAML = `
model_list:
  - model_name: gpt-4
    litellm_params:
      model: azure/gpt-4-east
      api_base: https://user:${SECRET}@east.openai.azure.com/
      api_key: os.environ/AZURE_KEY
      rpm: 60
    model_info: { id: east }
  - model_name: gpt-4
    litellm_params:
      model: azure/gpt-4-west
      api_base: https://west.openai.azure.com
      api_key: ${SECRET}
      weight: 2
      order: 2
    model_info: { id: west }
  - model_name: small
    litellm_params: { model: mock/small, mock_response: hi, tpm: 1000 }
    model_info: { id: small-1 }
router_settings:
  routing_strategy: least-busy
  num_retries: 3
  timeout: 30
  cooldown_time: 10
  allowed_fails: 2
  redis_url: redis://:${SECRET}@cache:6379
  redis_password: ${SECRET}
  fallbacks: [{gpt-4: [small]}]
  context_window_fallbacks: [{small: [gpt-4]}]
  default_fallbacks: [small]
general_settings:
  master_key: ${SECRET}
`;

function text(): string {
  const env = { AZURE_KEY: SECRET };
  return describePlan(compileConfig(parseConfig(YAML, { env }), { env }));
}

void describe('describePlan', () => {
  void test('lists each group with its deployments', () => {
    const out = text();
    assert.match(out, /^2 groups, 3 deployments/);
    assert.match(out, /^ {2}gpt-4$/m);
    assert.match(
      out,
      /^ {4}- east {2}azure\/gpt-4-east {2}https:\/\/east\.openai\.azure\.com {2}order 1 {2}rpm 60$/m,
    );
    assert.match(
      out,
      /^ {4}- west {2}azure\/gpt-4-west {2}https:\/\/west\.openai\.azure\.com {2}order 2 {2}weight 2$/m,
    );
    assert.match(
      out,
      /- small-1 {2}mock\/small {2}\(no api_base\) {2}order 1 {2}tpm 1000 {2}mock_response/,
    );
  });

  void test('shows every fallback chain', () => {
    const out = text();
    assert.match(out, /generic:\n {4}gpt-4 → small/);
    assert.match(out, /context window:\n {4}small → gpt-4/);
    assert.match(out, /content policy: none/);
    assert.match(out, /default: small/);
  });

  void test('shows the key settings', () => {
    const out = text();
    assert.match(out, /routing strategy: least-busy/);
    assert.match(out, /retries: 3/);
    assert.match(out, /timeout: 30 s/);
    assert.match(out, /cooldown: 10 s \(more than 2 fails a minute\)/);
    assert.match(out, /redis: redis:\/\/cache:6379 \(password set\), key prefix switchyard:/);
    assert.match(out, /master key: set/);
  });

  void test('never contains a secret', () => {
    assert.doesNotMatch(text(), /FAKE-SECRET/);
  });

  void test('says when there is no master key', () => {
    const plan = compileConfig(parseConfig('model_list: []\n', { env: {} }), { env: {} });
    assert.match(describePlan(plan), /master key: not set/);
  });
});
