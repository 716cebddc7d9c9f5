import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorKind } from '../../errors/error-table.ts';
import { testDeployment, TEST_API_KEY } from '../openai/fixtures/fixtures.ts';
import { createHuggingfaceCodec, huggingfaceUrl } from './huggingface-preset.ts';
import { bodyText, fixtureReader, type JsonFixture } from '../testing/fixture-loader.ts';

function tgi(apiBase: string) {
  return testDeployment({ provider: 'huggingface', upstreamModel: 'tgi', apiBase });
}

void test('the chat URL is built from the api_base as LiteLLM builds it', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['http://tgi:8080', 'http://tgi:8080/v1/chat/completions'],
    ['http://tgi:8080/v1', 'http://tgi:8080/v1/chat/completions'],
    ['http://tgi:8080/v1/chat/completions', 'http://tgi:8080/v1/chat/completions'],
    [
      'https://xyz.us-east-1.aws.endpoints.huggingface.cloud',
      'https://xyz.us-east-1.aws.endpoints.huggingface.cloud/v1/chat/completions',
    ],
  ];
  for (const [base, url] of cases)
    assert.equal(huggingfaceUrl(tgi(base), '/chat/completions'), url);
});

void test('sends the key as a bearer token and the body in OpenAI format', () => {
  const call = createHuggingfaceCodec().encode({
    operation: 'chat',
    deployment: tgi('http://tgi:8080'),
    body: { model: 'g', messages: [{ role: 'user', content: 'hi' }], num_retries: 2 },
    signal: new AbortController().signal,
  });
  assert.equal(call.headers.authorization, `Bearer ${TEST_API_KEY}`);
  assert.deepEqual(JSON.parse(call.body ?? '{}'), {
    model: 'tgi',
    messages: [{ role: 'user', content: 'hi' }],
  });
});

const readFixture = fixtureReader(new URL('./fixtures/', import.meta.url));

function mapFixture(name: string) {
  const fixture = readFixture(name) as JsonFixture;
  return createHuggingfaceCodec().mapError({
    status: fixture.status,
    headers: fixture.headers,
    bodyText: bodyText(fixture),
    deployment: tgi('http://tgi:8080'),
  });
}

const ERRORS: readonly (readonly [string, ErrorKind, string])[] = [
  [
    'error-422-input-too-long',
    'ContextWindowExceededError',
    'Input validation error: `inputs` must have less than 4096 tokens. Given: 5120',
  ],
  ['error-429-overloaded', 'RateLimitError', 'Model is overloaded'],
];

for (const [fixture, kind, text] of ERRORS) {
  void test(`TGI's ${fixture} maps to ${kind}`, () => {
    const error = mapFixture(fixture);
    assert.equal(error.kind, kind);
    assert.equal(error.message, `litellm.${kind}: HuggingfaceException - ${text}`);
  });
}
