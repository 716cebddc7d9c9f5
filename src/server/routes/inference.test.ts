import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../errors/gateway-error.ts';
import {
  CHAT_COMPLETION,
  createStubEngine,
  meta,
  result,
  useTestServer,
} from '../stub-engine.test-helper.ts';

const start = useTestServer();

const CHAT_BODY = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

const META_HEADERS = {
  'x-litellm-call-id': 'call-123',
  'x-litellm-model-id': 'dep-a',
  'x-litellm-model-api-base': 'https://api.example.com/v1',
  'x-litellm-model-group': 'gpt-4o',
  'x-litellm-attempted-retries': '0',
  'x-litellm-attempted-fallbacks': '0',
  'x-litellm-response-duration-ms': '250',
  'x-litellm-overhead-duration-ms': '50',
};

function assertHeaders(headers: Record<string, unknown>, expected: Record<string, string>): void {
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(headers[name], value, `header ${name}`);
  }
}

void describe('chat completions', () => {
  void test('answers the engine body with status 200 and every x-litellm header', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), CHAT_COMPLETION);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assertHeaders(response.headers, META_HEADERS);
    assert.equal(response.headers['x-litellm-max-retries'], undefined);
  });

  void test('hands the engine the chat operation, the parsed body, a signal and the headers', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { ...CHAT_BODY, temperature: 0.2 },
      headers: { 'x-litellm-tags': 'a' },
    });
    const [call] = engine.calls;
    assert.equal(call?.method, 'route');
    assert.equal(call?.operation, 'chat');
    assert.deepEqual(call?.body, { ...CHAT_BODY, temperature: 0.2 });
    // The connection's cancellation: not yet aborted, and listenable like an AbortSignal.
    const signal = call?.options?.signal;
    assert.equal(signal?.aborted, false);
    assert.equal(typeof signal?.addEventListener, 'function');
    assert.equal(call?.options?.headers?.['x-litellm-tags'], 'a');
  });

  void test('is also served on the unversioned path', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(engine.calls[0]?.operation, 'chat');
  });

  void test('takes the group from the Azure-style deployment path', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01',
      payload: { messages: CHAT_BODY.messages },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(engine.calls[0]?.body.model, 'gpt-4o');
  });

  void test('reports x-litellm-max-retries once a retry happened', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () =>
      Promise.resolve(
        result(CHAT_COMPLETION, {}, { attemptedRetries: 1, attemptedFallbacks: 1, maxRetries: 3 }),
      );
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assertHeaders(response.headers, {
      'x-litellm-attempted-retries': '1',
      'x-litellm-attempted-fallbacks': '1',
      'x-litellm-max-retries': '3',
    });
  });

  void test('passes upstream headers on as llm_provider-* and x-ratelimit-* as themselves', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () =>
      Promise.resolve(
        result(CHAT_COMPLETION, {
          'x-ratelimit-remaining-requests': '99',
          'openai-processing-ms': '12',
        }),
      );
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assertHeaders(response.headers, {
      'x-ratelimit-remaining-requests': '99',
      'llm_provider-x-ratelimit-remaining-requests': '99',
      'llm_provider-openai-processing-ms': '12',
    });
    assert.equal(response.headers['openai-processing-ms'], undefined);
  });

  void test('omits the model id and api base headers when the meta has none', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () =>
      Promise.resolve(result(CHAT_COMPLETION, {}, { deploymentId: undefined, apiBase: undefined }));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.headers['x-litellm-model-id'], undefined);
    assert.equal(response.headers['x-litellm-model-api-base'], undefined);
  });
});

void describe('completions', () => {
  void test('routes a legacy completion with the completion operation', async () => {
    const engine = createStubEngine();
    const completion = {
      id: 'cmpl-1',
      object: 'text_completion',
      choices: [{ text: 'x', index: 0 }],
    };
    engine.answerRoute = () => Promise.resolve(result(completion, {}, { group: 'davinci' }));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/completions',
      payload: { model: 'davinci', prompt: 'Say hi' },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), completion);
    assert.equal(engine.calls[0]?.operation, 'completion');
    assert.equal(response.headers['x-litellm-model-group'], 'davinci');
  });

  void test('is also served on /completions', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/completions',
      payload: { model: 'davinci', prompt: ['a', 'b'] },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(engine.calls[0]?.operation, 'completion');
  });
});

void describe('embeddings', () => {
  const EMBEDDING = { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }] };

  void test('routes an embedding request and answers with its headers', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () =>
      Promise.resolve(result(EMBEDDING, {}, { group: 'text-embedding-3-small' }));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/embeddings',
      payload: { model: 'text-embedding-3-small', input: 'hello' },
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), EMBEDDING);
    assert.equal(engine.calls[0]?.operation, 'embedding');
    assertHeaders(response.headers, {
      ...META_HEADERS,
      'x-litellm-model-group': 'text-embedding-3-small',
    });
  });

  void test('ignores stream: true (embeddings are never streamed)', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/embeddings',
      payload: { model: 'text-embedding-3-small', input: ['a'], stream: true },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(engine.calls[0]?.method, 'route');
  });
});

void describe('engine errors', () => {
  void test('become the OpenAI error shape with the policy type, status code string and param', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () =>
      Promise.reject(
        new GatewayError(
          'ContextWindowExceededError',
          'This model maximum context length is 8192',
          {
            param: 'messages',
          },
        ),
      );
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json(), {
      error: {
        message: 'This model maximum context length is 8192',
        type: 'invalid_request_error',
        param: 'messages',
        code: '400',
      },
    });
  });

  void test('carry retry-after in whole seconds, rounded up', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () =>
      Promise.reject(new GatewayError('RateLimitError', 'slow down', { retryAfterMs: 1_200 }));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 429);
    assert.equal(response.headers['retry-after'], '2');
    assert.equal(response.json().error.type, 'rate_limit_error');
    assert.equal(response.json().error.param, null);
  });

  void test('carry the x-litellm headers from the error meta', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () => {
      const error = new GatewayError('ServiceUnavailableError', 'upstream down');
      error.meta = meta({ attemptedRetries: 2, attemptedFallbacks: 1 });
      return Promise.reject(error);
    };
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 503);
    assertHeaders(response.headers, {
      ...META_HEADERS,
      'x-litellm-attempted-retries': '2',
      'x-litellm-attempted-fallbacks': '1',
      'x-litellm-max-retries': '2',
    });
  });

  void test('without meta still carry a call id', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () => Promise.reject(new GatewayError('Timeout', 'timed out'));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 408);
    assert.match(String(response.headers['x-litellm-call-id']), /^[0-9a-f-]{36}$/);
  });

  void test('an unknown throwable becomes a generic 500 that leaks nothing', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () => Promise.reject(new Error('secret at /srv/app.ts:12 key=sk-live'));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 500);
    const body = response.json();
    assert.equal(body.error.type, 'internal_server_error');
    assert.equal(body.error.code, '500');
    assert.doesNotMatch(response.body, /secret|sk-live|app\.ts/);
  });

  void test('a GatewayInternalError shows the generic message, not its own', async () => {
    const engine = createStubEngine();
    engine.answerRoute = () =>
      Promise.reject(new GatewayError('GatewayInternalError', 'TypeError: x is undefined'));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: CHAT_BODY,
    });
    assert.equal(response.statusCode, 500);
    assert.doesNotMatch(response.body, /TypeError/);
  });
});
