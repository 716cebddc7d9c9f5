import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configError } from './config-error.test-helper.ts';
import { loadConfigFile, parseConfig } from './load.ts';

const MINIMAL = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
`;

function withParams(params: string): string {
  return `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
${params
  .trim()
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
}

void describe('parseConfig', () => {
  void test('parses a minimal config without warnings', () => {
    const loaded = parseConfig(MINIMAL, { env: {} });
    assert.equal(loaded.config.model_list?.[0]?.litellm_params.model, 'openai/gpt-4o');
    assert.deepEqual(loaded.warnings, []);
  });

  void test('a YAML syntax error names the line and column', () => {
    const error = configError(() => parseConfig('model_list:\n  - model_name: "x\n', { env: {} }));
    assert.match(error.issues[0] ?? '', /^YAML syntax error at line \d+, column \d+: /);
  });

  void test('a YAML syntax error does not echo the offending line', () => {
    const error = configError(() =>
      parseConfig('general_settings:\n  master_key: "sk-FAKE-SECRET-0001\n  x: 1', { env: {} }),
    );
    assert.doesNotMatch(error.message, /sk-FAKE-SECRET-0001/);
  });

  void test('a duplicate key is a YAML error', () => {
    const error = configError(() => parseConfig(`${MINIMAL}model_list: []\n`, { env: {} }));
    assert.match(error.issues[0] ?? '', /unique/);
  });

  void test('an empty file is a clear error', () => {
    const error = configError(() => parseConfig('', { env: {} }));
    assert.match(error.issues[0] ?? '', /^the config is empty: expected a mapping with model_list/);
  });

  void test('a file with only comments is an empty config', () => {
    const error = configError(() => parseConfig('# nothing yet\n', { env: {} }));
    assert.match(error.message, /the config is empty/);
  });

  void test('a list at the root is rejected', () => {
    const error = configError(() => parseConfig('- model_name: a\n', { env: {} }));
    assert.match(error.issues[0] ?? '', /must be a mapping with model_list.*; got a list$/);
  });

  void test('a scalar at the root is rejected', () => {
    const error = configError(() => parseConfig('just text', { env: {} }));
    assert.match(error.issues[0] ?? '', /got a string$/);
  });

  void test('the error carries exit code 2 and the source', () => {
    const error = configError(() => parseConfig('', { env: {}, source: 'conf.yaml' }));
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^conf\.yaml: /);
  });

  void test('unknown keys become one warning listing their paths', () => {
    const yaml = `${withParams('bar: 1')}
general_settings:
  foo: true
`;
    const { warnings } = parseConfig(yaml, { env: {} });
    assert.deepEqual(warnings, [
      'unknown keys (ignored): model_list[0].litellm_params.bar, general_settings.foo',
    ]);
  });

  void test('unknown keys are dropped from the validated config', () => {
    const { config } = parseConfig(withParams('aws_profile_name: prod'), { env: {} });
    assert.equal(
      Object.hasOwn(config.model_list?.[0]?.litellm_params ?? {}, 'aws_profile_name'),
      false,
    );
  });

  void test('unknown top-level keys such as environment_variables are warned, not fatal', () => {
    const { warnings } = parseConfig(`${MINIMAL}environment_variables:\n  A: b\n`, { env: {} });
    assert.deepEqual(warnings, ['unknown keys (ignored): environment_variables']);
  });

  void test('free-form maps are not checked for unknown keys', () => {
    const yaml = `
model_list:
  - model_name: a
    litellm_params:
      model: openai/gpt-4o
      extra_headers: { X-Team: research }
    model_info: { team: research, anything: [1, 2] }
router_settings:
  routing_strategy_args: { ttl: 60, lowest_latency_buffer: 0.5 }
`;
    assert.deepEqual(parseConfig(yaml, { env: {} }).warnings, []);
  });

  void test('ignored keys may reference unset environment variables', () => {
    const yaml = `${MINIMAL}general_settings:\n  database_url: os.environ/DATABASE_URL\n`;
    assert.deepEqual(parseConfig(yaml, { env: {} }).warnings, []);
  });

  void test('unknown keys may reference unset environment variables', () => {
    const { warnings } = parseConfig(withParams('aws_web_identity_token: os.environ/AWS_TOKEN'), {
      env: {},
    });
    assert.deepEqual(warnings, [
      'unknown keys (ignored): model_list[0].litellm_params.aws_web_identity_token',
    ]);
  });

  void test('keys real LiteLLM configs carry are accepted silently', () => {
    const yaml = `${MINIMAL}
litellm_settings:
  drop_params: true
  set_verbose: false
  json_logs: true
  callbacks: [prometheus]
  success_callback: [langfuse]
  cache: true
  cache_params: { type: redis }
general_settings:
  database_url: postgres://x
  store_model_in_db: true
`;
    assert.deepEqual(parseConfig(yaml, { env: {} }).warnings, []);
  });

  void test('an unknown key next to a wrong value still fails on the value', () => {
    const error = configError(() => parseConfig(withParams('bar: 1\ntimeout: abc'), { env: {} }));
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.timeout: got "abc"; expected a positive number (seconds)',
    ]);
  });

  void test('a wrong type names the path, the value and what is allowed', () => {
    const error = configError(() => parseConfig(withParams('timeout: -5'), { env: {} }));
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.timeout: got -5; expected a positive number (seconds)',
    ]);
  });

  void test('an unknown routing strategy lists the allowed ones', () => {
    const error = configError(() =>
      parseConfig(`${MINIMAL}router_settings:\n  routing_strategy: fastest\n`, { env: {} }),
    );
    assert.equal(
      error.issues[0],
      'router_settings.routing_strategy: got "fastest"; expected one of: simple-shuffle, least-busy, ' +
        'usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing, ' +
        'power-of-two-choices',
    );
  });

  void test('a missing required key is reported as required', () => {
    const error = configError(() =>
      parseConfig('model_list:\n  - model_name: a\n    litellm_params: {api_base: "http://x"}\n', {
        env: {},
      }),
    );
    assert.deepEqual(error.issues, ['model_list[0].litellm_params.model: is required']);
  });

  void test('every problem is reported at once', () => {
    const yaml = `${withParams('rpm: 1.5\norder: 0')}
router_settings:
  num_retries: many
general_settings:
  background_health_checks: maybe
`;
    const error = configError(() => parseConfig(yaml, { env: {} }));
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.rpm: got 1.5; expected a positive integer',
      'model_list[0].litellm_params.order: got 0; expected a positive integer',
      'router_settings.num_retries: got "many"; expected an integer ≥ 0',
      'general_settings.background_health_checks: got "maybe"; expected true or false',
    ]);
    assert.match(error.message, /invalid config \(4 problems\)/);
  });

  void test('numbers and booleans written as strings are coerced', () => {
    const yaml = `${withParams('timeout: "30"\nrpm: " 60 "')}
router_settings:
  enable_pre_call_checks: "TRUE"
  disable_cooldowns: "false"
`;
    const { config } = parseConfig(yaml, { env: {} });
    assert.equal(config.model_list?.[0]?.litellm_params.timeout, 30);
    assert.equal(config.model_list?.[0]?.litellm_params.rpm, 60);
    assert.equal(config.router_settings?.enable_pre_call_checks, true);
    assert.equal(config.router_settings?.disable_cooldowns, false);
  });

  void test('numbers and booleans from environment variables are coerced', () => {
    const yaml = `${withParams('timeout: os.environ/TIMEOUT')}
router_settings:
  mid_stream_fallback: os.environ/MID_STREAM
`;
    const { config } = parseConfig(yaml, { env: { TIMEOUT: '12.5', MID_STREAM: 'true' } });
    assert.equal(config.model_list?.[0]?.litellm_params.timeout, 12.5);
    assert.equal(config.router_settings?.mid_stream_fallback, true);
  });

  void test('an invalid value from the environment names the variable, not its value', () => {
    const error = configError(() =>
      parseConfig(withParams('timeout: os.environ/TIMEOUT'), { env: { TIMEOUT: 'soon-ish-42' } }),
    );
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.timeout: got the value of os.environ/TIMEOUT (not shown); ' +
        'expected a positive number (seconds)',
    ]);
  });

  void test('a value under a secret key is redacted', () => {
    const yaml = `${MINIMAL}general_settings:\n  master_key: [sk-FAKE-SECRET-0002]\n`;
    const error = configError(() => parseConfig(yaml, { env: {} }));
    assert.deepEqual(error.issues, [
      'general_settings.master_key: got <redacted>; expected a string',
    ]);
  });

  void test('secrets inside a rejected mapping are redacted', () => {
    const yaml = `
model_list:
  - model_name: a
    litellm_params:
      - model: openai/gpt-4o
        api_key: sk-FAKE-SECRET-0003
`;
    const error = configError(() => parseConfig(yaml, { env: {} }));
    assert.doesNotMatch(error.message, /sk-FAKE-SECRET-0003/);
    assert.match(error.issues[0] ?? '', /^model_list\[0\]\.litellm_params: got \[\{"model":/);
  });

  void test('a missing environment variable names the variable and the path', () => {
    const error = configError(() =>
      parseConfig(withParams('api_key: os.environ/MY_KEY'), { env: {} }),
    );
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.api_key: environment variable MY_KEY is not set (os.environ/MY_KEY)',
    ]);
  });

  void test('an empty value is treated as absent', () => {
    const { config } = parseConfig(withParams('api_key:\ntimeout:'), { env: {} });
    assert.equal(config.model_list?.[0]?.litellm_params.api_key, undefined);
  });

  void test('an empty section is treated as absent', () => {
    const { config } = parseConfig(`${MINIMAL}router_settings:\n`, { env: {} });
    assert.equal(config.router_settings, undefined);
  });

  void test('a plain mapping of fallbacks is accepted', () => {
    const yaml = `${MINIMAL}litellm_settings:\n  fallbacks: { gpt-4o: [gpt-4o] }\n`;
    const { config } = parseConfig(yaml, { env: {} });
    assert.deepEqual(config.litellm_settings?.fallbacks, [{ 'gpt-4o': ['gpt-4o'] }]);
  });

  void test('a fallback list in the wrong shape says what is expected', () => {
    // The HA guide's {model, fallback_models} shape is accepted (ha-guide-forms.test.ts); a
    // half-written one is not.
    const yaml = `${MINIMAL}router_settings:\n  fallbacks:\n    - model: gpt-4o\n      fallback_model: [a]\n`;
    const error = configError(() => parseConfig(yaml, { env: {} }));
    assert.deepEqual(error.issues, [
      'router_settings.fallbacks[0].model: got "gpt-4o"; expected a list of model names',
    ]);
  });

  void test('"host:port" sentinel nodes are parsed', () => {
    const yaml = `${MINIMAL}router_settings:\n  redis_sentinel_nodes: ["s1:26379", {host: s2, port: "26380"}]\n`;
    const { config } = parseConfig(yaml, { env: {} });
    assert.deepEqual(config.router_settings?.redis_sentinel_nodes, [
      { host: 's1', port: 26379 },
      { host: 's2', port: 26380 },
    ]);
  });

  void test('YAML anchors and merge keys work', () => {
    const yaml = `
x-common: &common
  api_base: http://vllm:8000/v1
model_list:
  - model_name: a
    litellm_params:
      <<: *common
      model: openai/llama
`;
    const { config, warnings } = parseConfig(yaml, { env: {} });
    assert.equal(config.model_list?.[0]?.litellm_params.api_base, 'http://vllm:8000/v1');
    assert.deepEqual(warnings, ['unknown keys (ignored): x-common']);
  });

  void test('an empty model_list is a warning', () => {
    const { warnings } = parseConfig('model_list: []\n', { env: {} });
    assert.deepEqual(warnings, [
      'model_list is empty: every request will fail until deployments are added',
    ]);
  });

  void test('a model_info mode outside LiteLLM modes is rejected', () => {
    const yaml = `${MINIMAL}    model_info:\n      mode: telepathy\n`;
    const error = configError(() => parseConfig(yaml, { env: {} }));
    assert.match(
      error.issues[0] ?? '',
      /^model_list\[0\]\.model_info\.mode: got "telepathy"; expected one of: chat, /,
    );
  });
});

void describe('loadConfigFile', () => {
  void test('a missing file is a ConfigError naming the path', () => {
    const error = configError(() => loadConfigFile('/nonexistent/switchyard.yaml', { env: {} }));
    assert.match(error.issues[0] ?? '', /^cannot read \/nonexistent\/switchyard\.yaml: /);
  });
});
