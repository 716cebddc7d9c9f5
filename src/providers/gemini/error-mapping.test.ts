import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ErrorKind } from '../../errors/error-table.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { geminiDeployment, jsonFixture, TEST_GEMINI_KEY } from './fixtures/fixtures.ts';
import { createGoogleCodec } from './google-codec.ts';
import { createVertexCodec } from './vertex-codec.ts';
import { createHttpTransport } from '../transport/http-transport.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const codec = createGoogleCodec(undefined, { now: () => NOW });
const deployment = geminiDeployment();

function mapFixture(name: string, headers: Record<string, string> = {}): GatewayError {
  const fixture = jsonFixture(name);
  return codec.mapError({
    status: fixture.status,
    headers: { ...fixture.headers, ...headers },
    bodyText: JSON.stringify(fixture.body),
    deployment,
  });
}

void describe('google error mapping', () => {
  const cases: [string, ErrorKind][] = [
    ['error-429-resource-exhausted', 'RateLimitError'],
    ['error-503-unavailable', 'ServiceUnavailableError'],
    ['error-500-internal', 'InternalServerError'],
    ['error-400-context', 'ContextWindowExceededError'],
    ['error-400-api-key', 'AuthenticationError'],
    ['error-401-unauthenticated', 'AuthenticationError'],
    ['error-403-permission', 'PermissionDeniedError'],
    ['error-404-model', 'NotFoundError'],
  ];
  for (const [name, kind] of cases) {
    void test(`${name} maps to ${kind}`, () => {
      const error = mapFixture(name);
      assert.equal(error.kind, kind);
      assert.equal(error.deploymentId, deployment.id);
      assert.ok(error.message.startsWith(`litellm.${kind}: GeminiException - `), error.message);
    });
  }

  void test("the message quotes Google's message and never the API key", () => {
    const error = mapFixture('error-400-api-key');
    assert.ok(error.message.includes('API key not valid'));
    assert.ok(!error.message.includes(TEST_GEMINI_KEY));
    assert.ok(error.message.includes('<redacted>'));
  });

  void test('Retry-After is honoured', () => {
    assert.equal(mapFixture('error-503-unavailable').retryAfterMs, 3000);
  });

  void test("without Retry-After, a 429's RetryInfo.retryDelay is honoured", () => {
    assert.equal(mapFixture('error-429-resource-exhausted').retryAfterMs, 37_000);
    assert.equal(
      mapFixture('error-429-resource-exhausted', { 'retry-after': '2' }).retryAfterMs,
      2000,
    );
  });

  void test('a non-JSON error body keeps the status kind and quotes the text', () => {
    const error = codec.mapError({ status: 502, headers: {}, bodyText: 'Bad Gateway', deployment });
    assert.equal(error.kind, 'BadGatewayError');
    assert.ok(error.message.endsWith('GeminiException - Bad Gateway'));
  });

  void test('an error list (as streaming endpoints send) is read too', () => {
    const body = JSON.stringify([jsonFixture('error-429-resource-exhausted').body]);
    assert.equal(
      codec.mapError({ status: 429, headers: {}, bodyText: body, deployment }).kind,
      'RateLimitError',
    );
  });

  void test('Vertex AI errors carry the VertexAIException label', async () => {
    const transport = createHttpTransport();
    try {
      const vertex = createVertexCodec({ transport });
      const fixture = jsonFixture('error-429-resource-exhausted');
      const error = vertex.mapError({
        status: 429,
        headers: {},
        bodyText: JSON.stringify(fixture.body),
        deployment,
      });
      assert.ok(error.message.startsWith('litellm.RateLimitError: VertexAIException - '));
    } finally {
      await transport.close();
    }
  });
});
