import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorKind } from '../../errors/error-table.ts';
import { createOllamaCodec } from './ollama-codec.ts';
import { ollamaDeployment, ollamaJson, OLLAMA_TEST_KEY } from './fixtures/fixtures.ts';

const NOW = Date.UTC(2025, 0, 1);

function mapFixture(name: string, headers: Record<string, string> = {}) {
  const fixture = ollamaJson(name);
  return createOllamaCodec({ mode: 'chat', now: () => NOW }).mapError({
    status: fixture.status,
    headers: { ...fixture.headers, ...headers },
    bodyText: JSON.stringify(fixture.body),
    deployment: ollamaDeployment(),
  });
}

const CASES: readonly (readonly [string, ErrorKind, string])[] = [
  ['error-404-model-not-found', 'NotFoundError', "model 'llama9' not found, try pulling it first"],
  [
    'error-400-context-length',
    'ContextWindowExceededError',
    'the input length exceeds the context length',
  ],
  [
    'error-500-runner',
    'InternalServerError',
    'llama runner process has terminated: signal: killed',
  ],
  ['error-429-proxy', 'RateLimitError', 'too many requests'],
];

for (const [fixture, kind, text] of CASES) {
  void test(`${fixture} maps to ${kind} with LiteLLM's message`, () => {
    const error = mapFixture(fixture);
    assert.equal(error.kind, kind);
    assert.equal(error.message, `litellm.${kind}: OllamaException - ${text}`);
    assert.equal(error.deploymentId, 'ollama-1');
    assert.equal(error.upstreamStatus, ollamaJson(fixture).status);
  });
}

void test('a 401 from an auth proxy is an AuthenticationError without the key', () => {
  const error = mapFixture('error-401-proxy');
  assert.equal(error.kind, 'AuthenticationError');
  assert.ok(!error.message.includes(OLLAMA_TEST_KEY));
  assert.ok(error.message.includes('<redacted>'));
});

void test('Retry-After is honoured, in seconds or as an HTTP date', () => {
  assert.equal(mapFixture('error-429-proxy').retryAfterMs, 7_000);
  const date = new Date(NOW + 3_000).toUTCString();
  assert.equal(mapFixture('error-429-proxy', { 'retry-after': date }).retryAfterMs, 3_000);
});

void test('a 503 from Ollama (queue full) is a ServiceUnavailableError', () => {
  const error = createOllamaCodec({ mode: 'generate' }).mapError({
    status: 503,
    headers: {},
    bodyText: '{"error":"server busy, please try again.  maximum pending requests exceeded"}',
    deployment: ollamaDeployment(),
  });
  assert.equal(error.kind, 'ServiceUnavailableError');
});

void test('a body that is not JSON is quoted as text', () => {
  const error = createOllamaCodec({ mode: 'chat' }).mapError({
    status: 502,
    headers: {},
    bodyText: '<html>Bad Gateway</html>',
    deployment: ollamaDeployment(),
  });
  assert.equal(error.kind, 'BadGatewayError');
  assert.equal(
    error.message,
    'litellm.BadGatewayError: OllamaException - <html>Bad Gateway</html>',
  );
});
