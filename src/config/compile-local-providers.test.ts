/** Compiling Ollama, Hugging Face (TGI) and LM Studio deployments: defaults, env, required keys. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Deployment } from '../core/deployment.ts';
import { compileConfig } from './compile.ts';
import { configError } from './config-error.test-helper.ts';
import type { Env } from './env-refs.ts';
import { parseConfig } from './load.ts';

function deployment(params: string, env: Env = {}): Deployment {
  const yaml = `model_list:\n  - model_name: g\n    litellm_params: ${params}\n`;
  const [only] = compileConfig(parseConfig(yaml, { env }), { env }).deployments.values();
  assert.ok(only);
  return only;
}

void describe('compileConfig: ollama/ and ollama_chat/', () => {
  void test('without api_base they talk to Ollama on localhost:11434', () => {
    for (const provider of ['ollama', 'ollama_chat']) {
      const d = deployment(`{ model: ${provider}/llama3.2 }`);
      assert.equal(d.provider, provider);
      assert.equal(d.upstreamModel, 'llama3.2');
      assert.equal(d.apiBase, 'http://localhost:11434');
      assert.equal(d.apiKey, undefined);
    }
  });

  void test('take OLLAMA_API_BASE and OLLAMA_API_KEY from the environment', () => {
    const env = { OLLAMA_API_BASE: 'http://gpu-box:11434/', OLLAMA_API_KEY: 'ok' };
    const d = deployment('{ model: ollama_chat/qwen2.5:7b }', env);
    assert.equal(d.apiBase, 'http://gpu-box:11434');
    assert.equal(d.apiKey, 'ok');
    assert.equal(d.upstreamModel, 'qwen2.5:7b');
  });

  void test('api_base in the config wins over the environment', () => {
    const d = deployment('{ model: ollama/llama3.2, api_base: "http://other:11434" }', {
      OLLAMA_API_BASE: 'http://gpu-box:11434',
    });
    assert.equal(d.apiBase, 'http://other:11434');
  });
});

void describe('compileConfig: huggingface/ (TGI)', () => {
  void test('without api_base names the missing key', () => {
    const error = configError(() => deployment('{ model: huggingface/meta-llama/Llama-3-8B }'));
    assert.deepEqual(error.issues, [
      'model_list[0].litellm_params.api_base: is required for huggingface/ models (or set HF_API_BASE in the environment)',
    ]);
  });

  void test('keeps the Hugging Face model id whole and takes HF_TOKEN before HUGGINGFACE_API_KEY', () => {
    const d = deployment(
      '{ model: huggingface/meta-llama/Llama-3-8B, api_base: "http://tgi:8080" }',
      {
        HF_TOKEN: 'hf-token',
        HUGGINGFACE_API_KEY: 'hf-key',
      },
    );
    assert.equal(d.upstreamModel, 'meta-llama/Llama-3-8B');
    assert.equal(d.apiKey, 'hf-token');
    assert.equal(
      deployment('{ model: huggingface/x, api_base: "http://tgi:8080" }', {
        HUGGINGFACE_API_KEY: 'hf-key',
      }).apiKey,
      'hf-key',
    );
  });

  void test('HF_API_BASE in the environment supplies the endpoint', () => {
    const d = deployment('{ model: huggingface/x }', {
      HF_API_BASE: 'https://e.endpoints.huggingface.cloud',
    });
    assert.equal(d.apiBase, 'https://e.endpoints.huggingface.cloud');
  });
});

void describe('compileConfig: OpenAI-compatible presets', () => {
  void test('lm_studio/ has no public endpoint, so api_base is required', () => {
    const error = configError(() => deployment('{ model: lm_studio/qwen }'));
    assert.match(
      error.issues[0] ?? '',
      /api_base: is required for lm_studio\/ models \(or set LM_STUDIO_API_BASE/,
    );
  });

  void test("a preset's environment key never goes to another api_base", () => {
    const env = { GROQ_API_KEY: 'gsk-env' };
    assert.equal(deployment('{ model: groq/llama-3.1-8b-instant }', env).apiKey, 'gsk-env');
    assert.equal(
      deployment(
        '{ model: groq/llama-3.1-8b-instant, api_base: "https://api.groq.com/openai/v1/" }',
        env,
      ).apiKey,
      'gsk-env',
    );
    assert.equal(
      deployment('{ model: groq/llama-3.1-8b-instant, api_base: "http://evil.test/v1" }', env)
        .apiKey,
      undefined,
    );
    assert.equal(
      deployment('{ model: groq/x, api_base: "http://proxy.test/v1", api_key: own }', env).apiKey,
      'own',
    );
  });

  void test("a preset's *_API_BASE variable is its default, and its key goes there", () => {
    const env = { GROQ_API_KEY: 'gsk-env', GROQ_API_BASE: 'https://groq-proxy.test/v1' };
    const d = deployment('{ model: groq/x }', env);
    assert.equal(d.apiBase, 'https://groq-proxy.test/v1');
    assert.equal(d.apiKey, 'gsk-env');
  });
});
