import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorKind } from '../../errors/error-table.ts';
import { mapBedrockError } from './error-mapping.ts';
import {
  bedrockDeployment,
  bodyText,
  jsonFixture,
  TEST_SECRET_ACCESS_KEY,
  TEST_SESSION_TOKEN,
} from './fixtures/fixtures.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');

function mapFixture(name: string) {
  const fixture = jsonFixture(name);
  return mapBedrockError(
    {
      status: fixture.status,
      headers: fixture.headers,
      bodyText: bodyText(fixture),
      deployment: bedrockDeployment(),
    },
    NOW,
  );
}

const EXPECTED: Record<string, ErrorKind> = {
  'error-429-throttling': 'RateLimitError',
  'error-503-service-unavailable': 'ServiceUnavailableError',
  'error-408-model-timeout': 'Timeout',
  'error-400-input-too-long': 'ContextWindowExceededError',
  'error-400-validation': 'BadRequestError',
  'error-403-access-denied': 'PermissionDeniedError',
  'error-403-unrecognized-client': 'AuthenticationError',
  'error-403-invalid-signature': 'AuthenticationError',
  'error-404-resource-not-found': 'NotFoundError',
};

for (const [name, kind] of Object.entries(EXPECTED)) {
  void test(`${name} maps to ${kind}`, () => {
    const error = mapFixture(name);
    assert.equal(error.kind, kind);
    assert.equal(error.deploymentId, 'bedrock-1');
    assert.equal(error.upstreamStatus, jsonFixture(name).status);
    assert.match(error.message, new RegExp(`^litellm\\.${kind}: BedrockException - `));
  });
}

void test('the message quotes Bedrock message, or Message as some AWS front ends write it', () => {
  assert.equal(
    mapFixture('error-429-throttling').message,
    'litellm.RateLimitError: BedrockException - Too many requests, please wait before trying again.',
  );
  assert.match(mapFixture('error-403-access-denied').message, /don't have access to the model/);
});

void test('secret keys and session tokens echoed by the upstream are redacted', () => {
  const error = mapFixture('error-403-invalid-signature');
  assert.ok(!error.message.includes(TEST_SECRET_ACCESS_KEY), error.message);
  assert.match(error.message, /<redacted>/);
  const echo = mapBedrockError(
    {
      status: 400,
      headers: {},
      bodyText: JSON.stringify({ message: `bad token ${TEST_SESSION_TOKEN}` }),
      deployment: bedrockDeployment(),
    },
    NOW,
  );
  assert.ok(!echo.message.includes(TEST_SESSION_TOKEN));
});

void test('Retry-After is honoured when Bedrock or a proxy in front of it sends one', () => {
  const fixture = jsonFixture('error-429-throttling');
  const error = mapBedrockError(
    {
      status: 429,
      headers: { ...fixture.headers, 'retry-after': '7' },
      bodyText: bodyText(fixture),
      deployment: bedrockDeployment(),
    },
    NOW,
  );
  assert.equal(error.retryAfterMs, 7_000);
});

void test('the error name may come as a __type body field', () => {
  const error = mapBedrockError(
    {
      status: 400,
      headers: {},
      bodyText: JSON.stringify({
        __type: 'com.amazon.coral.service#ExpiredTokenException',
        message: 'The security token included in the request is expired',
      }),
      deployment: bedrockDeployment(),
    },
    NOW,
  );
  assert.equal(error.kind, 'AuthenticationError');
});

void test('an unknown error name falls back on the status; a non-JSON body is quoted', () => {
  const error = mapBedrockError(
    {
      status: 502,
      headers: {},
      bodyText: '<html>Bad Gateway</html>',
      deployment: bedrockDeployment(),
    },
    NOW,
  );
  assert.equal(error.kind, 'BadGatewayError');
  assert.match(error.message, /<html>Bad Gateway<\/html>/);
  const quota = mapBedrockError(
    {
      status: 400,
      headers: { 'x-amzn-errortype': 'ServiceQuotaExceededException:http://internal.amazon.com/' },
      bodyText: '{"message":"quota"}',
      deployment: bedrockDeployment(),
    },
    NOW,
  );
  assert.equal(quota.kind, 'RateLimitError');
});
