import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorKind } from '../../errors/error-table.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { createAzureCodec } from '../azure/azure-codec.ts';
import { bodyText, jsonFixture, TEST_API_KEY, testDeployment } from './fixtures/fixtures.ts';
import { createOpenAICodec } from './openai-codec.ts';

const NOW = Date.parse('2025-03-10T12:00:00Z');
const openai = createOpenAICodec({ now: () => NOW });
const azure = createAzureCodec({ now: () => NOW });

function mapFixture(name: string, codec = openai): GatewayError {
  const fixture = jsonFixture(name);
  return codec.mapError({
    status: fixture.status,
    headers: fixture.headers,
    bodyText: bodyText(fixture),
    deployment: testDeployment(),
  });
}

function mapRaw(status: number, text: string, headers: Record<string, string> = {}): GatewayError {
  return openai.mapError({ status, headers, bodyText: text, deployment: testDeployment() });
}

const openaiError = (message: string, code: string | null = null): string =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });

void test('mapError reads a recorded 429 as a rate limit with its retry-after', () => {
  const error = mapFixture('error-429-rate-limit');
  assert.equal(error.kind, 'RateLimitError');
  assert.equal(error.retryAfterMs, 3000);
  assert.equal(error.upstreamStatus, 429);
  assert.equal(error.deploymentId, 'dep-1');
  assert.match(
    error.message,
    /^litellm\.RateLimitError: OpenAIException - Rate limit reached for gpt-4o/,
  );
});

void test('mapError reads a recorded context_length_exceeded 400 as a context-window error', () => {
  const error = mapFixture('error-400-context-length');
  assert.equal(error.kind, 'ContextWindowExceededError');
  assert.equal(error.param, 'messages');
  assert.equal(error.status, 400);
});

void test('mapError reads a recorded Azure content_filter 400 as a content-policy violation', () => {
  const error = mapFixture('error-400-azure-content-filter', azure);
  assert.equal(error.kind, 'ContentPolicyViolationError');
  assert.match(
    error.message,
    /^litellm\.ContentPolicyViolationError: AzureException - The response was filtered/,
  );
});

void test('mapError reads a recorded 401 as an authentication error with the key redacted', () => {
  const error = mapFixture('error-401-invalid-key');
  assert.equal(error.kind, 'AuthenticationError');
  assert.ok(!error.message.includes(TEST_API_KEY), error.message);
  assert.match(error.message, /Incorrect API key provided: <redacted>\./);
});

void test('mapError reads a recorded 500 as an internal server error', () => {
  const error = mapFixture('error-500-server');
  assert.equal(error.kind, 'InternalServerError');
  assert.equal(
    error.message,
    'litellm.InternalServerError: OpenAIException - The server had an error while processing your request. Sorry about that!',
  );
});

const STATUS_TABLE: [number, ErrorKind][] = [
  [400, 'BadRequestError'],
  [401, 'AuthenticationError'],
  [403, 'PermissionDeniedError'],
  [404, 'NotFoundError'],
  [408, 'Timeout'],
  [409, 'ConflictError'],
  [422, 'UnprocessableEntityError'],
  [429, 'RateLimitError'],
  [500, 'InternalServerError'],
  [502, 'BadGatewayError'],
  [503, 'ServiceUnavailableError'],
  [504, 'InternalServerError'],
];

for (const [status, kind] of STATUS_TABLE) {
  void test(`mapError maps a plain ${status} to ${kind}`, () => {
    const error = mapRaw(status, openaiError('something went wrong'));
    assert.equal(error.kind, kind);
    assert.equal(error.upstreamStatus, status);
  });
}

const CONTEXT_PHRASES = [
  "This model's maximum context length is 8192 tokens",
  'context_length_exceeded',
  'Input exceeds the context window of this model',
  'Too many tokens in the request',
  'Please reduce the length of the messages',
  'prompt is too long: 210000 tokens > 200000 maximum',
  'Input is too long for requested model',
];

for (const phrase of CONTEXT_PHRASES) {
  void test(`mapError reads a 400 saying "${phrase}" as a context-window error`, () => {
    assert.equal(mapRaw(400, openaiError(phrase)).kind, 'ContextWindowExceededError');
  });
}

const POLICY_PHRASES = [
  'content_policy_violation',
  "triggering Azure OpenAI's content management policy",
  'content_filter',
  'blocked by Responsible AI policy',
  'Your request was rejected as a result of our safety system',
  'Your prompt was flagged as potentially violating our usage policy',
];

for (const phrase of POLICY_PHRASES) {
  void test(`mapError reads a 400 saying "${phrase}" as a content-policy violation`, () => {
    assert.equal(mapRaw(400, openaiError(phrase)).kind, 'ContentPolicyViolationError');
  });
}

void test('mapError keeps a 429 a rate limit even when its text mentions tokens', () => {
  assert.equal(mapRaw(429, openaiError('too many tokens per minute')).kind, 'RateLimitError');
});

void test('mapError keeps a 500 a server error even when its text says flagged', () => {
  assert.equal(mapRaw(500, openaiError('request flagged for retry')).kind, 'InternalServerError');
});

void test('mapError quotes a non-JSON body truncated to 500 characters', () => {
  const error = mapRaw(502, `<html>${'x'.repeat(1000)}</html>`);
  assert.equal(
    error.message,
    `litellm.BadGatewayError: OpenAIException - <html>${'x'.repeat(494)}…`,
  );
});

void test('mapError names the status when the body is empty', () => {
  assert.equal(
    mapRaw(503, '').message,
    'litellm.ServiceUnavailableError: OpenAIException - upstream answered HTTP 503',
  );
});

void test('mapError reads vLLM and FastAPI error shapes', () => {
  assert.match(
    mapRaw(400, '{"object":"error","message":"bad top_p","code":400}').message,
    /bad top_p$/,
  );
  assert.match(mapRaw(422, '{"detail":"field required"}').message, /field required$/);
});

void test('mapError redacts a key echoed anywhere in a raw body', () => {
  const error = mapRaw(401, `key ${TEST_API_KEY} rejected`);
  assert.equal(
    error.message,
    'litellm.AuthenticationError: OpenAIException - key <redacted> rejected',
  );
});

void test('mapError honours retry-after-ms', () => {
  assert.equal(
    mapRaw(429, openaiError('slow down'), { 'retry-after-ms': '750' }).retryAfterMs,
    750,
  );
});

void test('mapError measures an HTTP-date retry-after against the upstream Date header', () => {
  const error = mapRaw(503, '', {
    date: 'Mon, 10 Mar 2025 11:00:00 GMT',
    'retry-after': 'Mon, 10 Mar 2025 11:00:05 GMT',
  });
  assert.equal(error.retryAfterMs, 5000);
});

void test('mapError leaves retryAfterMs undefined without a retry header', () => {
  assert.equal(mapRaw(429, openaiError('slow down')).retryAfterMs, undefined);
});
