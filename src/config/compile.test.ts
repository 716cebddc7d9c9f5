import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PROVIDER_NAMES } from '../providers/model-name.ts';
import { compileConfig } from './compile.ts';
import type { Env } from './env-refs.ts';
import { configError } from './config-error.test-helper.ts';
import { parseConfig } from './load.ts';
import type { RouterPlan } from './plan.ts';

function compile(yaml: string, env: Env = {}): RouterPlan {
  return compileConfig(parseConfig(yaml, { env }), { env });
}

function only<T>(items: Iterable<T>): T {
  const list = [...items];
  assert.equal(list.length, 1);
  return list[0] as T;
}

function deployment(params: string, env: Env = {}) {
  const indented = params
    .trim()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
  return only(
    compile(
      `model_list:\n  - model_name: g\n    litellm_params:\n${indented}\n`,
      env,
    ).deployments.values(),
  );
}

const GROUPS = `
model_list:
  - model_name: a
    litellm_params: { model: mock/a }
  - model_name: b
    litellm_params: { model: mock/b }
  - model_name: c
    litellm_params: { model: mock/c }
`;

void describe('compileConfig: deployments', () => {
  void test('azure/ deployments keep the deployment name upstream', () => {
    const d = deployment(
      'model: azure/my-gpt4\napi_base: https://x.openai.azure.com\napi_version: "2024-06-01"',
    );
    assert.equal(d.provider, 'azure');
    assert.equal(d.upstreamModel, 'my-gpt4');
    assert.equal(d.apiVersion, '2024-06-01');
  });

  void test('a bare OpenAI model name uses OpenAI and its public endpoint', () => {
    const d = deployment('model: gpt-4o');
    assert.equal(d.provider, 'openai');
    assert.equal(d.upstreamModel, 'gpt-4o');
    assert.equal(d.apiBase, 'https://api.openai.com/v1');
  });

  void test('hosted_vllm/ keeps a Hugging Face model id whole', () => {
    const d = deployment('model: hosted_vllm/meta-llama/Llama-3-8B\napi_base: http://vllm:8000/v1');
    assert.equal(d.provider, 'hosted_vllm');
    assert.equal(d.upstreamModel, 'meta-llama/Llama-3-8B');
  });

  void test('an unknown provider names the key and lists the supported ones', () => {
    const error = configError(() =>
      compile(`${GROUPS}  - model_name: d\n    litellm_params: { model: foo/bar }\n`),
    );
    assert.deepEqual(error.issues, [
      `model_list[3].litellm_params.model: unknown provider in "foo/bar"; supported: ${PROVIDER_NAMES.join(', ')} ` +
        '(use openai/<model> with api_base for any OpenAI-compatible server such as ' +
        'vLLM, Ollama or TGI)',
    ]);
  });

  void test('a deployment with mock_response may use any model name', () => {
    const d = deployment('model: anthropic/claude-3-opus\nmock_response: hi');
    assert.equal(d.provider, 'mock');
    assert.equal(d.upstreamModel, 'anthropic/claude-3-opus');
    assert.equal(d.mockResponse, 'hi');
  });

  void test('a deployment with mock_response and a known prefix keeps its provider', () => {
    const d = deployment('model: openai/gpt-4o\nmock_response: hi');
    assert.equal(d.provider, 'openai');
  });

  void test('azure/ without api_base names the missing key', () => {
    const error = configError(() => deployment('model: azure/gpt-4'));
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.api_base: is required for azure/ models (or set AZURE_API_BASE in the environment)',
    ]);
  });

  void test('hosted_vllm/ without api_base names the missing key', () => {
    const error = configError(() => deployment('model: hosted_vllm/llama'));
    assert.match(
      error.issues[0] ?? '',
      /^model_list\[0\]\.litellm_params\.api_base: is required for hosted_vllm\//,
    );
  });

  void test('azure/ takes api_base, api_key and api_version from the environment like LiteLLM', () => {
    const d = deployment('model: azure/gpt-4', {
      AZURE_API_BASE: 'https://env.openai.azure.com/',
      AZURE_API_KEY: 'k',
      AZURE_API_VERSION: '2024-06-01',
    });
    assert.equal(d.apiBase, 'https://env.openai.azure.com');
    assert.equal(d.apiKey, 'k');
    assert.equal(d.apiVersion, '2024-06-01');
  });

  void test('OPENAI_API_KEY is never sent to an OpenAI-compatible server with its own api_base', () => {
    const env = { OPENAI_API_KEY: 'env-key' };
    assert.equal(
      deployment('model: openai/llama3\napi_base: http://127.0.0.1:8000/v1', env).apiKey,
      undefined,
    );
    assert.equal(
      deployment('model: openai/gpt-4o\napi_base: https://api.openai.com/v1/', env).apiKey,
      'env-key',
    );
  });

  void test('openai/ takes OPENAI_API_KEY from the environment when api_key is absent', () => {
    assert.equal(
      deployment('model: openai/gpt-4o', { OPENAI_API_KEY: 'env-key' }).apiKey,
      'env-key',
    );
  });

  void test('an api_base that is not a URL is rejected', () => {
    const error = configError(() => deployment('model: openai/x\napi_base: localhost:8000'));
    assert.match(
      error.issues[0] ?? '',
      /^model_list\[0\]\.litellm_params\.api_base: expected an http\(s\) URL/,
    );
  });

  void test('trailing slashes are stripped from api_base', () => {
    assert.equal(
      deployment('model: openai/x\napi_base: http://vllm:8000/v1//').apiBase,
      'http://vllm:8000/v1',
    );
  });

  void test('deployment durations are converted from seconds to ms', () => {
    const d = deployment('model: mock/x\ntimeout: 1.5\nstream_timeout: 0.25\ncooldown_time: 30');
    assert.equal(d.timeoutMs, 1500);
    assert.equal(d.streamTimeoutMs, 250);
    assert.equal(d.cooldownTimeMs, 30_000);
  });

  void test('order defaults to 1 and unset limits stay undefined', () => {
    const d = deployment('model: mock/x');
    assert.equal(d.order, 1);
    assert.equal(d.rpm, undefined);
    assert.equal(d.weight, undefined);
    assert.equal(d.timeoutMs, undefined);
  });

  void test('provider extras go to Deployment.extra', () => {
    const d = deployment(`
model: openai/gpt-4o
organization: org-1
extra_headers: { X-Team: research }
mock_latency_ms: 5
mock_failure_rate: 0.5
mock_failure_status: 503`);
    assert.deepEqual(d.extra, {
      organization: 'org-1',
      extra_headers: { 'X-Team': 'research' },
      mock_latency_ms: 5,
      mock_failure_rate: 0.5,
      mock_failure_status: 503,
    });
  });

  void test('model_info is kept whole, including free-form keys', () => {
    const plan = compile(
      'model_list:\n  - model_name: g\n    litellm_params: { model: mock/x }\n    model_info: { base_model: azure/gpt-4, max_input_tokens: 8192, team: r }\n',
    );
    assert.deepEqual(only(plan.deployments.values()).info, {
      base_model: 'azure/gpt-4',
      max_input_tokens: 8192,
      team: 'r',
    });
  });
});

void describe('compileConfig: ids', () => {
  const TWO_KEYS = `
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY }
`;

  void test('model_info.id is the deployment id', () => {
    const plan = compile(
      'model_list:\n  - model_name: g\n    litellm_params: { model: mock/x }\n    model_info: { id: my-id }\n',
    );
    assert.deepEqual([...plan.deployments.keys()], ['my-id']);
  });

  void test('automatic ids are stable across compiles', () => {
    const first = compile(TWO_KEYS, { OPENAI_API_KEY: 'one' });
    const second = compile(TWO_KEYS, { OPENAI_API_KEY: 'one' });
    assert.deepEqual([...first.deployments.keys()], [...second.deployments.keys()]);
  });

  void test('automatic ids do not depend on the value of an api_key variable', () => {
    const before = compile(TWO_KEYS, { OPENAI_API_KEY: 'sk-old' });
    const after = compile(TWO_KEYS, { OPENAI_API_KEY: 'sk-rotated' });
    assert.deepEqual([...before.deployments.keys()], [...after.deployments.keys()]);
  });

  void test('automatic ids are 16 hex characters', () => {
    assert.match(
      only(compile(TWO_KEYS, { OPENAI_API_KEY: 'x' }).deployments.keys()),
      /^[0-9a-f]{16}$/,
    );
  });

  void test('deployments that differ upstream get different ids', () => {
    const plan = compile(`
model_list:
  - model_name: g
    litellm_params: { model: openai/x, api_base: "http://a:1" }
  - model_name: g
    litellm_params: { model: openai/x, api_base: "http://b:1" }
`);
    assert.equal(plan.deployments.size, 2);
  });

  void test('a duplicate model_info.id names both positions', () => {
    const error = configError(() =>
      compile(`
model_list:
  - model_name: a
    litellm_params: { model: mock/a }
    model_info: { id: same }
  - model_name: b
    litellm_params: { model: mock/b }
    model_info: { id: same }
`),
    );
    assert.deepEqual(error.issues, [
      'model_list[1]: id "same" is already used by model_list[0]; model_info.id must be unique (shared cooldowns are keyed by it)',
    ]);
  });

  void test('entries differing only in a literal key get distinct ids that do not reveal the key', () => {
    const plan = compile(`
model_list:
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_key: sk-FAKE-SECRET-1111 }
  - model_name: g
    litellm_params: { model: openai/gpt-4o, api_key: sk-FAKE-SECRET-2222 }
`);
    const ids = [...plan.deployments.keys()];
    assert.equal(new Set(ids).size, 2);
    for (const id of ids) assert.doesNotMatch(id, /FAKE|1111|2222/);
  });
});

void describe('compileConfig: settings', () => {
  void test('defaults apply when no settings are given', () => {
    const { settings, general } = compile(GROUPS);
    assert.equal(settings.routingStrategy, 'simple-shuffle');
    assert.equal(settings.numRetries, 2);
    assert.equal(settings.retryAfterMs, 0);
    assert.equal(settings.timeoutMs, 600_000);
    assert.equal(settings.streamTimeoutMs, undefined);
    assert.equal(settings.streamIdleTimeoutMs, 60_000);
    assert.equal(settings.cooldownTimeMs, 5_000);
    assert.equal(settings.maxFallbacks, 5);
    assert.equal(settings.allowedFails, undefined);
    assert.equal(settings.disableCooldowns, false);
    assert.equal(settings.redis, undefined);
    assert.equal(general.maxRequestBodyBytes, 10 * 1024 * 1024);
    assert.equal(general.healthCheckTimeoutMs, 10_000);
    assert.equal(general.healthCheckIntervalMs, 300_000);
    assert.equal(general.drainTimeoutMs, 30_000);
    assert.equal(general.masterKey, undefined);
  });

  void test('router_settings wins over litellm_settings per key', () => {
    const { settings } = compile(`${GROUPS}
router_settings:
  num_retries: 1
litellm_settings:
  num_retries: 4
  cooldown_time: 9
`);
    assert.equal(settings.numRetries, 1);
    assert.equal(settings.cooldownTimeMs, 9_000);
  });

  void test('timeout wins over request_timeout in the same section', () => {
    const { settings } = compile(
      `${GROUPS}litellm_settings:\n  request_timeout: 10\n  timeout: 20\n`,
    );
    assert.equal(settings.timeoutMs, 20_000);
  });

  void test('request_timeout in router_settings wins over timeout in litellm_settings', () => {
    const { settings } = compile(`${GROUPS}
router_settings: { request_timeout: 7 }
litellm_settings: { timeout: 20 }
`);
    assert.equal(settings.timeoutMs, 7_000);
  });

  void test('fallbacks compile to a map by group', () => {
    const { settings } = compile(
      `${GROUPS}litellm_settings:\n  fallbacks: [{a: [b, c]}, {b: [c]}]\n`,
    );
    assert.deepEqual(
      [...settings.fallbacks],
      [
        ['a', ['b', 'c']],
        ['b', ['c']],
      ],
    );
  });

  void test('a fallback to an unknown group is fatal and lists the groups', () => {
    const error = configError(() =>
      compile(`${GROUPS}litellm_settings:\n  fallbacks:\n    - a: [b, gpt-5]\n`),
    );
    assert.deepEqual(error.issues, [
      'litellm_settings.fallbacks[0].a[1]: "gpt-5" is not a model_name in model_list (groups: a, b, c)',
    ]);
  });

  void test('a fallback from an unknown group is fatal', () => {
    const error = configError(() =>
      compile(`${GROUPS}router_settings:\n  context_window_fallbacks: [{x: [a]}]\n`),
    );
    assert.deepEqual(error.issues, [
      'router_settings.context_window_fallbacks[0].x: "x" is not a model_name in model_list (groups: a, b, c)',
    ]);
  });

  void test('a deployment id is a valid fallback target', () => {
    const { settings } = compile(`
model_list:
  - model_name: a
    litellm_params: { model: mock/a }
  - model_name: b
    litellm_params: { model: mock/b }
    model_info: { id: b-east }
router_settings:
  fallbacks: [{a: [b-east]}]
`);
    assert.deepEqual(settings.fallbacks.get('a'), ['b-east']);
  });

  void test('a "*" fallback joins default_fallbacks', () => {
    const { settings } = compile(
      `${GROUPS}router_settings:\n  default_fallbacks: [c]\n  fallbacks: [{"*": [b, c]}, {a: [b]}]\n`,
    );
    assert.deepEqual(settings.defaultFallbacks, ['c', 'b']);
    assert.equal(settings.fallbacks.has('*'), false);
  });

  void test('an unknown group in default_fallbacks is fatal', () => {
    const error = configError(() =>
      compile(`${GROUPS}router_settings:\n  default_fallbacks: [z]\n`),
    );
    assert.match(
      error.issues[0] ?? '',
      /^router_settings\.default_fallbacks\[0\]: "z" is not a model_name/,
    );
  });

  void test('an unknown group in model_group_retry_policy is fatal', () => {
    const error = configError(() =>
      compile(
        `${GROUPS}router_settings:\n  model_group_retry_policy:\n    zz: { RateLimitErrorRetries: 1 }\n`,
      ),
    );
    assert.match(
      error.issues[0] ?? '',
      /^router_settings\.model_group_retry_policy\.zz: "zz" is not a model_name/,
    );
  });

  void test('retry policies compile per group', () => {
    const { settings } = compile(`${GROUPS}
router_settings:
  retry_policy: { RateLimitErrorRetries: 5 }
  model_group_retry_policy: { a: { TimeoutErrorRetries: 0 } }
`);
    assert.deepEqual(settings.retryPolicy, { RateLimitErrorRetries: 5 });
    assert.deepEqual(settings.modelGroupRetryPolicy.get('a'), { TimeoutErrorRetries: 0 });
  });

  void test('all reference problems are reported together', () => {
    const error = configError(() =>
      compile(
        `${GROUPS}  - model_name: d\n    litellm_params: { model: foo/d }\nrouter_settings:\n  fallbacks: [{a: [q]}]\n`,
      ),
    );
    assert.equal(error.issues.length, 2);
  });

  void test('the master key falls back to LITELLM_MASTER_KEY', () => {
    assert.equal(compile(GROUPS, { LITELLM_MASTER_KEY: 'sk-env' }).general.masterKey, 'sk-env');
  });

  void test('general_settings.master_key wins over LITELLM_MASTER_KEY', () => {
    const plan = compile(`${GROUPS}general_settings: { master_key: sk-file }\n`, {
      LITELLM_MASTER_KEY: 'sk-env',
    });
    assert.equal(plan.general.masterKey, 'sk-file');
  });

  void test('an empty master_key is fatal rather than silently disabling auth', () => {
    const error = configError(() => compile(`${GROUPS}general_settings: { master_key: "" }\n`));
    assert.deepEqual(error.issues, [
      'general_settings.master_key: is empty; remove the key to run without auth',
    ]);
  });

  void test('general settings convert units', () => {
    const { general } = compile(`${GROUPS}
general_settings:
  max_request_size_mb: 2
  health_check_timeout: 3
  health_check_interval: 60
  drain_timeout: 5
  background_health_checks: true
`);
    assert.equal(general.maxRequestBodyBytes, 2 * 1024 * 1024);
    assert.equal(general.healthCheckTimeoutMs, 3_000);
    assert.equal(general.healthCheckIntervalMs, 60_000);
    assert.equal(general.drainTimeoutMs, 5_000);
    assert.equal(general.backgroundHealthChecks, true);
  });

  void test('require_auth_for_metrics_endpoint is read from litellm_settings too', () => {
    const plan = compile(
      `${GROUPS}litellm_settings: { require_auth_for_metrics_endpoint: true }\n`,
    );
    assert.equal(plan.general.requireAuthForMetrics, true);
  });
});

void describe('compileConfig: redis', () => {
  void test('redis settings come from router_settings', () => {
    const { settings } = compile(
      `${GROUPS}router_settings: { redis_host: r, redis_port: "6380", redis_password: p, redis_db: 2 }\n`,
    );
    assert.deepEqual(settings.redis, {
      url: undefined,
      host: 'r',
      port: 6380,
      password: 'p',
      db: 2,
      keyPrefix: 'switchyard:',
      sentinelNodes: undefined,
      sentinelMasterName: undefined,
      startupNodes: undefined,
    });
  });

  void test('redis falls back to REDIS_URL and REDIS_PASSWORD from the environment', () => {
    const { settings } = compile(GROUPS, { REDIS_URL: 'redis://cache:6379', REDIS_PASSWORD: 'pw' });
    assert.equal(settings.redis?.url, 'redis://cache:6379');
    assert.equal(settings.redis?.password, 'pw');
  });

  void test('REDIS_HOST and REDIS_PORT from the environment configure redis', () => {
    const { settings } = compile(GROUPS, { REDIS_HOST: 'cache', REDIS_PORT: '6390' });
    assert.equal(settings.redis?.host, 'cache');
    assert.equal(settings.redis?.port, 6390);
  });

  void test('a bad REDIS_PORT names the variable but not its value', () => {
    const error = configError(() => compile(GROUPS, { REDIS_HOST: 'cache', REDIS_PORT: 'sixty' }));
    assert.deepEqual(error.issues, [
      'environment variable REDIS_PORT: expected a port number (1-65535)',
    ]);
  });

  void test('a redis_url with another scheme is rejected without showing it', () => {
    const error = configError(() =>
      compile(`${GROUPS}router_settings: { redis_url: "http://:sk-FAKE-SECRET-0008@cache" }\n`),
    );
    assert.deepEqual(error.issues, [
      'router_settings.redis_url: expected a redis://, rediss:// or unix:// URL',
    ]);
  });

  void test('a password alone does not configure redis', () => {
    assert.equal(compile(GROUPS, { REDIS_PASSWORD: 'pw' }).settings.redis, undefined);
  });

  void test('redis_use_sentinel turns redis_host into a sentinel node', () => {
    const { settings } = compile(
      `${GROUPS}router_settings: { redis_host: s, redis_port: 26379, redis_use_sentinel: true, service_name: mymaster }\n`,
    );
    assert.deepEqual(settings.redis?.sentinelNodes, [{ host: 's', port: 26379 }]);
    assert.equal(settings.redis?.sentinelMasterName, 'mymaster');
  });

  void test('sentinel without a master name is fatal', () => {
    const error = configError(() =>
      compile(`${GROUPS}router_settings: { redis_sentinel_nodes: ["s:26379"] }\n`),
    );
    assert.deepEqual(error.issues, [
      'router_settings.redis_sentinel_master_name: is required when Redis Sentinel is used',
    ]);
  });

  void test('cluster startup nodes configure redis', () => {
    const { settings } = compile(
      `${GROUPS}router_settings: { redis_startup_nodes: ["n1:7000", "n2:7001"] }\n`,
    );
    assert.deepEqual(settings.redis?.startupNodes, [
      { host: 'n1', port: 7000 },
      { host: 'n2', port: 7001 },
    ]);
  });
});

void describe('compileConfig: the plan', () => {
  void test('groups keep config order and gather their deployments', () => {
    const plan = compile(`${GROUPS}  - model_name: a\n    litellm_params: { model: mock/a2 }\n`);
    assert.deepEqual([...plan.groups.keys()], ['a', 'b', 'c']);
    assert.deepEqual(
      plan.groups.get('a')?.deployments.map((d) => d.upstreamModel),
      ['a', 'a2'],
    );
  });

  void test('everything in the plan is frozen', () => {
    const plan = compile(`${GROUPS}router_settings: { fallbacks: [{a: [b]}] }\n`);
    const first = plan.groups.get('a')?.deployments[0];
    assert.ok(first);
    assert.ok(Object.isFrozen(plan));
    assert.ok(Object.isFrozen(plan.settings));
    assert.ok(Object.isFrozen(plan.general));
    assert.ok(Object.isFrozen(plan.warnings));
    assert.ok(Object.isFrozen(plan.groups.get('a')?.deployments));
    assert.ok(Object.isFrozen(first));
    assert.ok(Object.isFrozen(first.info));
    assert.ok(Object.isFrozen(first.extra));
    assert.ok(Object.isFrozen(plan.settings.fallbacks.get('a')));
    assert.throws(() => {
      (first as { order: number }).order = 9;
    }, TypeError);
  });

  void test('an empty model_list compiles to an empty plan with a warning', () => {
    const plan = compile('model_list: []\n');
    assert.equal(plan.groups.size, 0);
    assert.equal(plan.warnings.length, 1);
  });

  void test('the loader warnings are carried in the plan', () => {
    const plan = compile(`${GROUPS}general_settings: { foo: 1 }\n`);
    assert.deepEqual(plan.warnings, ['unknown keys (ignored): general_settings.foo']);
  });
});
