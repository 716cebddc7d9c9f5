import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forwardedEvents } from '../core/source-text.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import {
  chunk,
  createStubEngine,
  scriptedStream,
  sseData,
  useTestServer,
} from './stub-engine.test-helper.ts';

const start = useTestServer();

const STREAM_BODY = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true };

void describe('streaming', () => {
  void test('frames each chunk as an SSE data event and ends with [DONE]', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: STREAM_BODY,
    });
    assert.equal(response.statusCode, 200);
    assert.equal(
      response.body,
      `data: ${JSON.stringify(chunk('Hel'))}\n\ndata: ${JSON.stringify(chunk('lo'))}\n\ndata: [DONE]\n\n`,
    );
    assert.equal(engine.calls[0]?.method, 'routeStream');
  });

  void test('sends the SSE headers and the x-litellm headers', async () => {
    const engine = createStubEngine();
    engine.answerStream = () =>
      Promise.resolve(
        scriptedStream({
          chunks: [chunk('a')],
          upstreamHeaders: { 'x-ratelimit-remaining-tokens': '10' },
        }),
      );
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: STREAM_BODY,
    });
    const expected: Record<string, string> = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-litellm-call-id': 'call-123',
      'x-litellm-model-id': 'dep-a',
      'x-litellm-model-api-base': 'https://api.example.com/v1',
      'x-litellm-model-group': 'gpt-4o',
      'x-litellm-attempted-retries': '0',
      'x-litellm-attempted-fallbacks': '0',
      'x-litellm-response-duration-ms': '250',
      'x-litellm-overhead-duration-ms': '50',
      'x-ratelimit-remaining-tokens': '10',
      'llm_provider-x-ratelimit-remaining-tokens': '10',
    };
    for (const [name, value] of Object.entries(expected))
      assert.equal(response.headers[name], value, name);
  });

  void test('streams legacy completions too', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/completions',
      payload: { model: 'davinci', prompt: 'x', stream: true },
    });
    assert.equal(engine.calls[0]?.operation, 'completion');
    assert.equal(sseData(response.body).at(-1), '[DONE]');
  });

  void test('a GatewayError mid-stream ends with an error event and no [DONE]', async () => {
    const engine = createStubEngine();
    engine.answerStream = () =>
      Promise.resolve(
        scriptedStream({
          chunks: [chunk('Hel')],
          failWith: new GatewayError('Timeout', 'Stream stalled for 60000 ms'),
        }),
      );
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: STREAM_BODY,
    });
    const events = sseData(response.body);
    assert.equal(events.length, 2);
    assert.deepEqual(JSON.parse(events[1]!), {
      error: { message: 'Stream stalled for 60000 ms', type: 'timeout', param: null, code: '408' },
    });
    assert.ok(!response.body.includes('[DONE]'));
  });

  void test('an unknown error mid-stream ends with a generic error event', async () => {
    const engine = createStubEngine();
    engine.answerStream = () =>
      Promise.resolve(
        scriptedStream({ chunks: [chunk('a')], failWith: new Error('bug at secret.ts') }),
      );
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: STREAM_BODY,
    });
    const last = JSON.parse(sseData(response.body).at(-1)!);
    assert.equal(last.error.code, '500');
    assert.doesNotMatch(response.body, /secret/);
  });

  void test('a failure before the commit point is an ordinary error response', async () => {
    const engine = createStubEngine();
    engine.answerStream = () =>
      Promise.reject(
        new GatewayError('NoDeploymentsAvailableError', 'No deployments available', {
          retryAfterMs: 5_000,
        }),
      );
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: STREAM_BODY,
    });
    assert.equal(response.statusCode, 429);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    assert.equal(response.headers['retry-after'], '5');
  });

  void test('stream: false is served as a plain JSON answer', async () => {
    const engine = createStubEngine();
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { ...STREAM_BODY, stream: false },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(engine.calls[0]?.method, 'route');
  });
});

void describe('events forwarded as they came', () => {
  void test('are written as their bytes, in order with chunks framed here, non-ASCII text intact', async () => {
    const engine = createStubEngine();
    const forwarded = 'data: {"choices":[{"delta":{"content":"grüße 👋"}}]}\n\n';
    // As readSseEvents holds them: the bytes, one latin1 character each.
    const wire = Buffer.from(forwarded, 'utf8').toString('latin1');
    engine.answerStream = () =>
      Promise.resolve(scriptedStream({ chunks: [chunk('a'), forwardedEvents(wire), chunk('é')] }));
    const { app } = start(engine);
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: STREAM_BODY,
    });
    assert.equal(
      response.body,
      `data: ${JSON.stringify(chunk('a'))}\n\n${forwarded}data: ${JSON.stringify(chunk('é'))}\n\ndata: [DONE]\n\n`,
    );
  });
});
