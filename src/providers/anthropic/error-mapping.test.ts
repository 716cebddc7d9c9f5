import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorKind } from '../../errors/error-table.ts';
import { createAnthropicCodec } from './anthropic-codec.ts';
import { ANTHROPIC_TEST_KEY, anthropicDeployment, anthropicJson } from './fixtures/fixtures.ts';

const NOW_MS = Date.parse('2025-01-01T00:00:00Z');
const codec = createAnthropicCodec({ now: () => NOW_MS });
const deployment = anthropicDeployment();

function mapFixture(name: string) {
  const fixture = anthropicJson(name);
  return codec.mapError({
    status: fixture.status,
    headers: fixture.headers,
    bodyText: JSON.stringify(fixture.body),
    deployment,
  });
}

void test('each documented Anthropic error maps to its kind', () => {
  const expected: Record<string, ErrorKind> = {
    'error-400-invalid-request': 'BadRequestError',
    'error-400-prompt-too-long': 'ContextWindowExceededError',
    'error-400-context-limit': 'ContextWindowExceededError',
    'error-401-auth': 'AuthenticationError',
    'error-403-permission': 'PermissionDeniedError',
    'error-404-not-found': 'NotFoundError',
    'error-429-rate-limit': 'RateLimitError',
    'error-500-api-error': 'InternalServerError',
    'error-529-overloaded': 'ServiceUnavailableError',
  };
  for (const [name, kind] of Object.entries(expected)) {
    const error = mapFixture(name);
    assert.equal(error.kind, kind, name);
    assert.equal(error.deploymentId, 'claude-1');
  }
});

void test("529 overloaded is a retried, cooldown-counted 503 with LiteLLM's message shape", () => {
  const error = mapFixture('error-529-overloaded');
  assert.equal(error.status, 503);
  assert.equal(error.upstreamStatus, 529);
  assert.equal(error.policy.retryable, true);
  assert.equal(error.policy.cooldown, true);
  assert.equal(error.message, 'litellm.ServiceUnavailableError: AnthropicException - Overloaded');
});

void test('the prompt-too-long message keeps its text under the refined kind', () => {
  assert.equal(
    mapFixture('error-400-prompt-too-long').message,
    'litellm.ContextWindowExceededError: AnthropicException - prompt is too long: 208310 tokens > 200000 maximum',
  );
});

void test('a 429 honours retry-after, in seconds or as an HTTP-date', () => {
  assert.equal(mapFixture('error-429-rate-limit').retryAfterMs, 7_000);
  const dated = codec.mapError({
    status: 429,
    headers: { 'retry-after': 'Wed, 01 Jan 2025 00:00:04 GMT' },
    bodyText: '{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}',
    deployment,
  });
  assert.equal(dated.retryAfterMs, 4_000);
});

void test('a content-filter rejection maps to ContentPolicyViolationError', () => {
  const error = codec.mapError({
    status: 400,
    headers: {},
    bodyText:
      '{"type":"error","error":{"type":"invalid_request_error","message":"Output blocked by content filtering policy"}}',
    deployment,
  });
  assert.equal(error.kind, 'ContentPolicyViolationError');
});

void test('the api key never appears in an error message, even when the upstream echoes it', () => {
  const error = codec.mapError({
    status: 401,
    headers: {},
    bodyText: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ${ANTHROPIC_TEST_KEY}"}}`,
    deployment,
  });
  assert.equal(error.kind, 'AuthenticationError');
  assert.ok(!error.message.includes(ANTHROPIC_TEST_KEY));
  assert.match(error.message, /<redacted>/);
});

void test('a non-JSON error page keeps its status kind', () => {
  const error = codec.mapError({
    status: 502,
    headers: {},
    bodyText: '<html>Bad Gateway</html>',
    deployment,
  });
  assert.equal(error.kind, 'BadGatewayError');
});
