import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileConfig } from './compile.ts';
import { configError } from './config-error.test-helper.ts';
import type { Env } from './env-refs.ts';
import { parseConfig } from './load.ts';

const MODEL = 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0';

function deployment(params: string, env: Env = {}) {
  const yaml = `model_list:\n  - model_name: claude\n    litellm_params: ${params}\n`;
  const plan = compileConfig(parseConfig(yaml, { env }), { env });
  const [only] = plan.deployments.values();
  assert.ok(only);
  return only;
}

const KEYS = 'aws_access_key_id: AKIACONFIG, aws_secret_access_key: config-secret';

void test('bedrock/ takes region and keys from litellm_params and records the region', () => {
  const d = deployment(
    `{ model: ${MODEL}, aws_region_name: eu-west-1, ${KEYS}, aws_session_token: tok-1 }`,
  );
  assert.equal(d.provider, 'bedrock');
  assert.equal(d.upstreamModel, 'anthropic.claude-3-5-sonnet-20240620-v1:0');
  assert.equal(d.region, 'eu-west-1');
  assert.equal(d.apiBase, 'https://bedrock-runtime.eu-west-1.amazonaws.com');
  assert.deepEqual(d.extra, {
    aws_region_name: 'eu-west-1',
    aws_access_key_id: 'AKIACONFIG',
    aws_secret_access_key: 'config-secret',
    aws_session_token: 'tok-1',
  });
});

void test('bedrock/ falls back on the standard AWS environment variables', () => {
  const d = deployment(`{ model: ${MODEL} }`, {
    AWS_ACCESS_KEY_ID: 'AKIAENV',
    AWS_SECRET_ACCESS_KEY: 'env-secret',
    AWS_SESSION_TOKEN: 'env-token',
    AWS_DEFAULT_REGION: 'us-west-2',
  });
  assert.equal(d.region, 'us-west-2');
  assert.equal(d.extra.aws_access_key_id, 'AKIAENV');
  assert.equal(d.extra.aws_session_token, 'env-token');
  const named = deployment(`{ model: ${MODEL} }`, {
    AWS_ACCESS_KEY_ID: 'AKIAENV',
    AWS_SECRET_ACCESS_KEY: 'env-secret',
    AWS_REGION_NAME: 'ap-south-1',
    AWS_REGION: 'us-east-2',
  });
  assert.equal(named.region, 'ap-south-1', 'AWS_REGION_NAME wins, as in LiteLLM');
});

void test('keys in litellm_params never take the session token from the environment', () => {
  const d = deployment(`{ model: ${MODEL}, aws_region_name: us-east-1, ${KEYS} }`, {
    AWS_SESSION_TOKEN: 'someone-elses-token',
  });
  assert.equal(d.extra.aws_session_token, undefined);
});

void test('region_name tags the deployment while aws_region_name signs', () => {
  const d = deployment(`{ model: ${MODEL}, aws_region_name: us-east-1, region_name: us, ${KEYS} }`);
  assert.equal(d.region, 'us');
  assert.equal(d.extra.aws_region_name, 'us-east-1');
});

void test('an endpoint override is the api_base; api_base wins over it', () => {
  const endpoint = deployment(
    `{ model: ${MODEL}, aws_region_name: us-east-1, ${KEYS}, aws_bedrock_runtime_endpoint: "http://127.0.0.1:9999/" }`,
  );
  assert.equal(endpoint.apiBase, 'http://127.0.0.1:9999');
  const fromEnv = deployment(`{ model: ${MODEL}, aws_region_name: us-east-1, ${KEYS} }`, {
    AWS_BEDROCK_RUNTIME_ENDPOINT: 'https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com',
  });
  assert.equal(fromEnv.apiBase, 'https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com');
  const both = deployment(
    `{ model: ${MODEL}, aws_region_name: us-east-1, ${KEYS}, aws_bedrock_runtime_endpoint: "http://a:1", api_base: "http://b:2" }`,
  );
  assert.equal(both.apiBase, 'http://b:2');
});

void test('a Bedrock API key stands in for SigV4 keys', () => {
  const d = deployment(`{ model: ${MODEL}, aws_region_name: us-east-1 }`, {
    AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key',
  });
  assert.equal(d.apiKey, 'bedrock-api-key');
  assert.equal(d.extra.aws_access_key_id, undefined);
});

void test('a missing region fails at start-up naming the key and the variables', () => {
  const error = configError(() => deployment(`{ model: ${MODEL}, ${KEYS} }`));
  assert.deepEqual(error.issues, [
    'model_list[0].litellm_params.aws_region_name: is required for bedrock/ models (or set AWS_REGION_NAME, AWS_REGION, AWS_DEFAULT_REGION in the environment)',
  ]);
});

void test('missing credentials fail at start-up naming the keys', () => {
  const error = configError(() => deployment(`{ model: ${MODEL}, aws_region_name: us-east-1 }`));
  assert.equal(error.issues.length, 1);
  const [issue] = error.issues;
  assert.match(issue ?? '', /^model_list\[0\]\.litellm_params\.aws_access_key_id: /);
  for (const name of [
    'aws_secret_access_key',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'api_key',
  ]) {
    assert.ok(issue?.includes(name), `${name} is not named`);
  }
});

void test('half a key pair fails naming the missing half, whatever the environment holds', () => {
  const error = configError(() =>
    deployment(`{ model: ${MODEL}, aws_region_name: us-east-1, aws_access_key_id: AKIA1 }`, {
      AWS_SECRET_ACCESS_KEY: 'env-secret',
    }),
  );
  assert.deepEqual(error.issues, [
    'model_list[0].litellm_params.aws_secret_access_key: is required with aws_access_key_id',
  ]);
});

void test('the secret key never appears in a config error', () => {
  const error = configError(() =>
    deployment(`{ model: ${MODEL}, aws_secret_access_key: planted-secret-9f3c, timeout: -1 }`),
  );
  assert.ok(!error.message.includes('planted-secret-9f3c'), error.message);
});

void test('a bedrock/ deployment with mock_response needs no AWS settings', () => {
  const d = deployment(`{ model: ${MODEL}, mock_response: hi }`);
  assert.equal(d.mockResponse, 'hi');
});
