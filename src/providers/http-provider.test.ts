import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import type { TakeBuffered } from '../core/buffered-iterator.ts';
import type { Deployment } from '../core/deployment.ts';
import type { ChatCompletionRequest, StreamChunk } from '../core/openai-types.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { createHttpProvider } from './http-provider.ts';
import {
  bodyText,
  jsonFixture,
  sseFixture,
  TEST_API_KEY,
  testDeployment,
} from './openai/fixtures/fixtures.ts';
import { createOpenAICodec } from './openai/openai-codec.ts';
import type { Provider, ProviderRequest } from './provider.ts';
import { refusedUrl, startLoopbackServer } from './testing/loopback-server.ts';
import type { LoopbackHandler, LoopbackServer } from './testing/loopback-server.ts';
import { createHttpTransport } from './transport/http-transport.ts';
import type { HttpTransportOptions } from './transport/http-transport.ts';
import type { Transport } from './transport/transport.ts';
import { providerRequest } from './testing/provider-request.ts';

interface Setup {
  readonly provider: Provider;
  readonly server: LoopbackServer;
  readonly deployment: Deployment;
}

type TestContext = { after: (fn: () => Promise<void>) => void };

async function setup(
  t: TestContext,
  handler: LoopbackHandler,
  options: HttpTransportOptions = {},
): Promise<Setup> {
  const server = await startLoopbackServer(handler);
  const transport = createHttpTransport(options);
  t.after(async () => {
    await server.close();
    await transport.close();
  });
  const provider = createHttpProvider(createOpenAICodec(), transport);
  return { provider, server, deployment: testDeployment({ apiBase: `${server.url}/v1` }) };
}

function chatRequest(
  deployment: Deployment,
  overrides: Partial<ProviderRequest> & { stream?: boolean } = {},
): ProviderRequest {
  const { stream, ...rest } = overrides;
  const body: ChatCompletionRequest = {
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'hi' }],
    fallbacks: ['other-group'],
    ...(stream === undefined ? {} : { stream }),
  };
  return providerRequest(deployment, body, rest);
}

function sendFixture(name: string): LoopbackHandler {
  const fixture = jsonFixture(name);
  return (_req, res) => {
    res.writeHead(fixture.status, fixture.headers);
    res.end(bodyText(fixture));
  };
}

function sse(res: ServerResponse, data: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req-s' });
  res.flushHeaders();
  for (const item of data) res.write(`data: ${item}\n\n`);
}

async function collect(iterable: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

const isKind =
  (kind: string) =>
  (error: unknown): boolean =>
    error instanceof GatewayError && error.kind === kind;

void test('send returns the upstream body and only the headers worth keeping', async (t) => {
  const { provider, server, deployment } = await setup(t, sendFixture('chat-completion'));
  const result = await provider.send(chatRequest(deployment));
  assert.deepEqual(result.body, jsonFixture('chat-completion').body);
  assert.deepEqual(result.headers, {
    'x-request-id': 'req_7f3c1e0b2a9d4c8e',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
  });
  const received = server.requests[0];
  assert.ok(received);
  assert.equal(received.url, '/v1/chat/completions');
  assert.equal(received.headers.authorization, `Bearer ${TEST_API_KEY}`);
  assert.deepEqual(JSON.parse(received.body), {
    model: 'gpt-4o-2024-08-06',
    messages: [{ role: 'user', content: 'hi' }],
  });
});

/**
 * A transport as a library user might write one: its responses have `headers` only, none of
 * the optional readers (header(), pickHeaders()) the built-in transport adds.
 */
function headersOnly(inner: Transport): Transport {
  return {
    async request(call, signal) {
      const response = await inner.request(call, signal);
      return {
        status: response.status,
        headers: response.headers,
        body: response.body,
        text: (limit) => response.text(limit),
        dump: () => response.dump(),
        discard: (lingerMs) => response.discard(lingerMs),
        abort: () => response.abort(),
      };
    },
    close: () => inner.close(),
  };
}

void test('a transport with `headers` only: the same headers kept, a JSON stream answer refused', async (t) => {
  const server = await startLoopbackServer((req, res) => {
    if (req.url?.startsWith('/json/') === true) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":{"message":"no"}}');
      return;
    }
    const fixture = jsonFixture('chat-completion');
    res.writeHead(fixture.status, fixture.headers).end(bodyText(fixture));
  });
  const transport = headersOnly(createHttpTransport());
  t.after(async () => {
    await server.close();
    await transport.close();
  });
  const provider = createHttpProvider(createOpenAICodec(), transport);
  const deployment = testDeployment({ apiBase: `${server.url}/v1` });
  const result = await provider.send(chatRequest(deployment));
  assert.deepEqual(result.headers, {
    'x-request-id': 'req_7f3c1e0b2a9d4c8e',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
  });
  // A stream request answered with a JSON error object: refused before the commit point.
  const asJson = testDeployment({ apiBase: `${server.url}/json/v1` });
  await assert.rejects(
    provider.openStream(chatRequest(asJson, { stream: true })),
    (error: unknown) => error instanceof GatewayError && /no/.test(error.message),
  );
});

void test('send throws the mapped error of a non-2xx answer', async (t) => {
  const { provider, deployment } = await setup(t, sendFixture('error-429-rate-limit'));
  await assert.rejects(provider.send(chatRequest(deployment)), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'RateLimitError');
    assert.equal(error.retryAfterMs, 3000);
    assert.equal(error.upstreamStatus, 429);
    assert.equal(error.deploymentId, deployment.id);
    return true;
  });
});

void test('send reports a 2xx with invalid JSON as a bad gateway', async (t) => {
  const { provider, deployment } = await setup(t, (_req, res) => res.end('{"id": "chatcmpl-'));
  await assert.rejects(provider.send(chatRequest(deployment)), isKind('BadGatewayError'));
});

void test('send never asks the upstream to stream', async (t) => {
  const { provider, server, deployment } = await setup(t, sendFixture('chat-completion'));
  await provider.send(chatRequest(deployment, { stream: true }));
  assert.equal((JSON.parse(server.requests[0]!.body) as { stream?: boolean }).stream, undefined);
});

void test('openStream yields the recorded chunks and ends at [DONE]', async (t) => {
  const fixture = sseFixture('chat-stream');
  const { provider, server, deployment } = await setup(t, (_req, res) => {
    res.writeHead(200, fixture.headers);
    res.end(fixture.raw);
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  assert.deepEqual(stream.headers, {
    'x-request-id': 'req_5e6f7a8b9c',
    'x-ratelimit-remaining-tokens': '29990',
  });
  const chunks = await collect(stream);
  assert.equal(chunks.length, 5);
  assert.equal(chunks[0]?.object, 'chat.completion.chunk');
  assert.equal((JSON.parse(server.requests[0]!.body) as { stream?: boolean }).stream, true);
});

void test('a finished stream leaves its connection in the pool for the next request', async (t) => {
  const fixture = sseFixture('chat-stream');
  const { provider, server, deployment } = await setup(
    t,
    (_req, res) => {
      res.writeHead(200, fixture.headers);
      res.end(fixture.raw);
    },
    { connections: 1 },
  );
  for (let i = 0; i < 3; i++) {
    await collect(await provider.openStream(chatRequest(deployment, { stream: true })));
  }
  assert.equal(server.connections(), 1);
});

void test('openStream ends cleanly when the upstream closes without [DONE]', async (t) => {
  const { provider, deployment } = await setup(t, (_req, res) => {
    sse(res, ['{"choices":[]}']);
    res.end();
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  assert.deepEqual(await collect(stream), [{ choices: [] }]);
});

void test('openStream throws the mapped error of a non-2xx answer before any chunk', async (t) => {
  const { provider, deployment } = await setup(t, sendFixture('error-400-context-length'));
  await assert.rejects(
    provider.openStream(chatRequest(deployment, { stream: true })),
    isKind('ContextWindowExceededError'),
  );
});

void test('openStream throws the mapped error of a 200 JSON error answer', async (t) => {
  const { provider, deployment } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"object":"error","error":{"message":"model is loading","code":503}}');
  });
  await assert.rejects(
    provider.openStream(chatRequest(deployment, { stream: true })),
    isKind('ServiceUnavailableError'),
  );
});

void test('openStream rejects a JSON answer that is not a stream as a bad gateway', async (t) => {
  const { provider, deployment } = await setup(t, sendFixture('chat-completion'));
  await assert.rejects(
    provider.openStream(chatRequest(deployment, { stream: true })),
    isKind('BadGatewayError'),
  );
});

void test('the stream throws the mapped error of a mid-stream error event', async (t) => {
  const { provider, deployment } = await setup(t, (_req, res) => {
    sse(res, [
      '{"choices":[{"index":0,"delta":{"content":"Hel"}}]}',
      '{"error":{"message":"The server had an error","type":"server_error"}}',
    ]);
    res.end();
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  const seen: StreamChunk[] = [];
  await assert.rejects(async () => {
    for await (const chunk of stream) seen.push(chunk);
  }, isKind('InternalServerError'));
  assert.equal(seen.length, 1);
});

void test('chunks that came in one read are handed over without a promise, in order', async (t) => {
  const { provider, deployment } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(['{"n":1}', '{"n":2}', '{"n":3}', '[DONE]'].map((d) => `data: ${d}\n\n`).join(''));
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<StreamChunk> &
    Required<TakeBuffered<StreamChunk>>;
  assert.deepEqual(await chunks.next(), { done: false, value: { n: 1 } });
  assert.equal(chunks.takeEnd(), false, 'not the end while chunks are left');
  assert.deepEqual(chunks.takeBuffered(), { n: 2 });
  assert.deepEqual(chunks.takeBuffered(), { n: 3 });
  assert.equal(chunks.takeBuffered(), undefined);
  // The terminator came in the same read: the end is reported without a promise too.
  assert.equal(chunks.takeEnd(), true);
  assert.deepEqual(await chunks.next(), { done: true, value: undefined });
  assert.equal(chunks.takeEnd(), true, 'still the end');
});

void test('the end is left to next() until the terminator has arrived', async (t) => {
  let finish: (() => void) | undefined;
  const { provider, deployment } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"n":1}\n\n');
    finish = () => res.end('data: [DONE]\n\n');
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<StreamChunk> &
    Required<TakeBuffered<StreamChunk>>;
  assert.deepEqual(await chunks.next(), { done: false, value: { n: 1 } });
  assert.equal(chunks.takeBuffered(), undefined);
  assert.equal(chunks.takeEnd(), false, 'the upstream has not ended yet');
  const ended = chunks.next();
  finish?.();
  assert.deepEqual(await ended, { done: true, value: undefined });
});

void test('an error event met without a promise is thrown by the next call, after the chunks before it', async (t) => {
  const events = [
    '{"choices":[{"index":0,"delta":{"content":"Hel"}}]}',
    '{"choices":[{"index":0,"delta":{"content":"lo"}}]}',
    '{"error":{"message":"The server had an error","type":"server_error"}}',
  ];
  const { provider, deployment } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    // One write: the error event is decoded by takeBuffered(), not by next().
    res.end(events.map((d) => `data: ${d}\n\n`).join(''));
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<StreamChunk> & {
    takeBuffered(): StreamChunk | undefined;
  };
  const seen: StreamChunk[] = [];
  let taken: StreamChunk | undefined;
  await assert.rejects(async () => {
    for (;;) {
      while ((taken = chunks.takeBuffered()) !== undefined) seen.push(taken);
      const result = await chunks.next();
      if (result.done === true) return;
      seen.push(result.value);
    }
  }, isKind('InternalServerError'));
  assert.deepEqual(
    seen.map((chunk) => (chunk.choices as { delta: { content: string } }[])[0]?.delta.content),
    ['Hel', 'lo'],
  );
  assert.equal(chunks.takeBuffered(), undefined, 'nothing more once it failed');
  assert.deepEqual(await chunks.next(), { done: true, value: undefined });
});

void test('the stream throws APIConnectionError when the upstream cuts the connection', async (t) => {
  const { provider, deployment } = await setup(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"choices":[]}\n\n', () => res.socket?.destroy());
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  const seen: StreamChunk[] = [];
  await assert.rejects(
    async () => {
      for await (const chunk of stream) seen.push(chunk);
    },
    (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.kind, 'APIConnectionError');
      assert.match(error.message, /^litellm\.APIConnectionError: OpenAIException - /);
      assert.equal(error.deploymentId, deployment.id);
      return true;
    },
  );
  assert.equal(seen.length, 1);
});

void test('send reports a refused connection as APIConnectionError', async (t) => {
  const transport = createHttpTransport();
  t.after(() => transport.close());
  const provider = createHttpProvider(createOpenAICodec(), transport);
  const deployment = testDeployment({ apiBase: `${await refusedUrl()}/v1` });
  await assert.rejects(provider.send(chatRequest(deployment)), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'APIConnectionError');
    assert.ok(!error.message.includes(TEST_API_KEY));
    return true;
  });
});

void test('send rejects with the Timeout error the signal was aborted with', async (t) => {
  let received!: () => void;
  const arrived = new Promise<void>((resolve) => (received = resolve));
  const { provider, deployment } = await setup(t, () => received());
  const controller = new AbortController();
  const pending = provider.send(chatRequest(deployment, { signal: controller.signal }));
  await arrived;
  const timeout = new GatewayError('Timeout', 'litellm.Timeout: attempt took longer than 10ms');
  controller.abort(timeout);
  await assert.rejects(pending, (error: unknown) => {
    assert.equal(error, timeout);
    return true;
  });
});

void test('the stream throws the Timeout error when aborted between chunks', async (t) => {
  const { provider, deployment } = await setup(t, (_req, res) => sse(res, ['{"choices":[]}']));
  const controller = new AbortController();
  const stream = await provider.openStream(
    chatRequest(deployment, { stream: true, signal: controller.signal }),
  );
  const iterator = stream[Symbol.asyncIterator]();
  await iterator.next();
  const timeout = new GatewayError('Timeout', 'litellm.Timeout: stream stalled');
  controller.abort(timeout);
  await assert.rejects(iterator.next(), (error: unknown) => {
    assert.equal(error, timeout);
    return true;
  });
});

void test('breaking out of the stream early closes the upstream response', async (t) => {
  let closed!: () => void;
  const upstreamClosed = new Promise<void>((resolve) => (closed = resolve));
  const { provider, deployment } = await setup(t, (_req, res) => {
    res.on('close', closed);
    sse(res, ['{"choices":[{"index":0,"delta":{"content":"a"}}]}']);
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  for await (const chunk of stream) {
    assert.ok(chunk);
    break;
  }
  await upstreamClosed;
});

void test('returning an unread stream closes the upstream response', async (t) => {
  let closed!: () => void;
  const upstreamClosed = new Promise<void>((resolve) => (closed = resolve));
  const { provider, deployment } = await setup(t, (_req, res) => {
    res.on('close', closed);
    sse(res, []);
  });
  const stream = await provider.openStream(chatRequest(deployment, { stream: true }));
  await stream[Symbol.asyncIterator]().return?.();
  await upstreamClosed;
});
