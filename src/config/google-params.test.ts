import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createTestServiceAccount } from '../testing/google-service-account.ts';
import { compileConfig } from './compile.ts';
import { configError } from './config-error.test-helper.ts';
import type { Env } from './env-refs.ts';
import { parseConfig } from './load.ts';

function deployment(params: string, env: Env = {}) {
  const yaml = `model_list:\n  - model_name: g\n    litellm_params:\n${params
    .trim()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n')}\n`;
  const [only] = compileConfig(parseConfig(yaml, { env }), { env }).deployments.values();
  assert.ok(only);
  return only;
}

const account = createTestServiceAccount('https://oauth2.googleapis.com/token', 'sa-project');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-vertex-'));
const keyFile = join(dir, 'sa.json');
writeFileSync(keyFile, account.json);
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('compileConfig: gemini/ and vertex_ai/', () => {
  void test('gemini/ takes its key from GEMINI_API_KEY and calls Google AI Studio', () => {
    const d = deployment('model: gemini/gemini-2.0-flash', { GEMINI_API_KEY: 'AIza-env' });
    assert.equal(d.provider, 'gemini');
    assert.equal(d.upstreamModel, 'gemini-2.0-flash');
    assert.equal(d.apiKey, 'AIza-env');
    assert.equal(d.apiBase, 'https://generativelanguage.googleapis.com');
  });

  void test('gemini/ without any key names the key and the variables', () => {
    const error = configError(() => deployment('model: gemini/gemini-2.0-flash'));
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.api_key: is required for gemini/ models (or set GEMINI_API_KEY or GOOGLE_API_KEY in the environment)',
    ]);
  });

  void test('vertex_ai/ reads a credentials file; the location becomes region and host', () => {
    const d = deployment(
      `model: vertex_ai/gemini-2.0-flash\nvertex_project: p1\nvertex_location: europe-west4\nvertex_credentials: ${keyFile}`,
    );
    assert.equal(d.provider, 'vertex_ai');
    assert.equal(d.region, 'europe-west4');
    assert.equal(d.apiBase, 'https://europe-west4-aiplatform.googleapis.com');
    assert.equal(d.extra.vertex_project, 'p1');
    assert.equal(d.extra.vertex_credentials, account.json);
  });

  void test('vertex_ai/ takes everything from the environment, the project from the key file', () => {
    const d = deployment('model: vertex_ai/gemini-2.0-flash', {
      VERTEXAI_LOCATION: 'global',
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
    });
    assert.equal(d.extra.vertex_project, 'sa-project');
    assert.equal(d.apiBase, 'https://aiplatform.googleapis.com');
    assert.equal(d.region, 'global');
  });

  void test('vertex_ai/ accepts the JSON itself, and an explicit region_name wins', () => {
    const d = deployment(
      `model: vertex_ai/gemini-2.0-flash\nvertex_location: us-central1\nregion_name: us\nvertex_credentials: '${account.json}'`,
    );
    assert.equal(d.region, 'us');
    assert.equal(d.extra.vertex_project, 'sa-project');
  });

  void test('vertex_ai/ without location or credentials names every missing key', () => {
    const error = configError(() => deployment('model: vertex_ai/gemini-2.0-flash'));
    assert.deepEqual(error.issues, [
      "model_list[0].litellm_params.vertex_credentials: is required for vertex_ai/ models: a service-account JSON file's path or its JSON (or set VERTEXAI_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS in the environment)",
      'model_list[0].litellm_params.vertex_location: is required for vertex_ai/ models, e.g. us-central1 (or set VERTEXAI_LOCATION in the environment)',
    ]);
  });

  void test('a missing credentials file is named by path; its content never appears in errors', () => {
    const missing = configError(() =>
      deployment(
        `model: vertex_ai/g\nvertex_location: us-central1\nvertex_credentials: ${join(dir, 'nope.json')}`,
      ),
    );
    assert.match(
      missing.issues[0] ?? '',
      /vertex_credentials: cannot read the credentials file .*nope\.json \(ENOENT\)$/,
    );
    const bad = configError(() =>
      deployment(
        `model: vertex_ai/g\nvertex_location: us-central1\nvertex_credentials: '{"type": "service_account", "private_key": "SECRET-PEM"'`,
      ),
    );
    assert.deepEqual(bad.issues, [
      'model_list[0].litellm_params.vertex_credentials: is not valid JSON',
    ]);
    assert.ok(!bad.message.includes('SECRET-PEM') && !bad.issues.join('').includes('SECRET-PEM'));
  });

  void test('a service account with a malformed key or of another type is refused at start-up', () => {
    const broken = JSON.stringify({ ...JSON.parse(account.json), private_key: 'not a key' });
    const error = configError(() =>
      deployment(
        `model: vertex_ai/g\nvertex_location: us-central1\nvertex_credentials: '${broken}'`,
      ),
    );
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.vertex_credentials: private_key is not a valid PEM private key',
    ]);
    const external = configError(() =>
      deployment(
        `model: vertex_ai/g\nvertex_location: us-central1\nvertex_credentials: '{"type": "external_account"}'`,
      ),
    );
    assert.match(external.issues[0] ?? '', /unsupported credentials type "external_account"/);
  });

  void test('a project is required when neither config, environment nor key file has one', () => {
    const withoutProject = JSON.stringify({ ...JSON.parse(account.json), project_id: undefined });
    const error = configError(() =>
      deployment(
        `model: vertex_ai/g\nvertex_location: us-central1\nvertex_credentials: '${withoutProject}'`,
      ),
    );
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.vertex_project: is required for vertex_ai/ models (or set VERTEXAI_PROJECT in the environment)',
    ]);
  });
});
