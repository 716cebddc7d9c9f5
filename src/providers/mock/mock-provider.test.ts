import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../../core/deployment.ts';
import type { GatewayRequestBody, Operation, StreamChunk } from '../../core/openai-types.ts';
import { Cancellation } from '../../core/cancellation.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { createFakeClock } from '../../testing/fake-clock.ts';
import { testDeployment } from '../openai/fixtures/fixtures.ts';
import type { ProviderRequest } from '../provider.ts';
import { createMockProvider, DEFAULT_MOCK_RESPONSE } from './mock-provider.ts';
import { MOCK_EMBEDDING_DIMENSIONS } from './mock-responses.ts';

const START = Date.UTC(2026, 0, 1);

function mockDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return testDeployment({
    provider: 'mock',
    upstreamModel: 'mock-gpt',
    apiKey: undefined,
    ...overrides,
  });
}

function request(
  operation: Operation,
  body: Partial<GatewayRequestBody> = {},
  deployment: Deployment = mockDeployment(),
  signal: AbortSignal = new AbortController().signal,
): ProviderRequest {
  const base: GatewayRequestBody =
    operation === 'embedding'
      ? { model: 'g', input: 'hello' }
      : operation === 'completion'
        ? { model: 'g', prompt: 'Say hi' }
        : { model: 'g', messages: [{ role: 'user', content: 'Say hi' }] };
  return { operation, deployment, body: { ...base, ...body }, signal };
}

function provider(random?: () => number) {
  const clock = createFakeClock(START);
  return {
    clock,
    mock: createMockProvider(random === undefined ? { clock } : { clock, random }),
  };
}

async function collect(iterable: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

type Delta = { role?: string; content?: string };
const deltaOf = (chunk: StreamChunk): Delta | undefined =>
  (chunk.choices as { delta: Delta }[])[0]?.delta;

void test('mock chat answers with the default text in a chat.completion', async () => {
  const { mock } = provider();
  const { body } = await mock.send(request('chat'));
  assert.match(String(body.id), /^chatcmpl-mock-/);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.created, START / 1000);
  assert.equal(body.model, 'mock-gpt');
  assert.deepEqual(body.choices, [
    {
      index: 0,
      message: { role: 'assistant', content: DEFAULT_MOCK_RESPONSE },
      finish_reason: 'stop',
    },
  ]);
});

void test('mock chat estimates usage at about four characters a token', async () => {
  const { mock } = provider();
  const { body } = await mock.send(request('chat'));
  // "Say hi" = 6 chars → 2 tokens; the default answer is 40 chars → 10 tokens.
  assert.deepEqual(body.usage, { prompt_tokens: 2, completion_tokens: 10, total_tokens: 12 });
});

void test("mock answers with the deployment's mock_response", async () => {
  const { mock } = provider();
  const { body } = await mock.send(
    request('chat', {}, mockDeployment({ mockResponse: 'from config' })),
  );
  assert.equal(
    (body.choices as { message: { content: string } }[])[0]?.message.content,
    'from config',
  );
});

void test('a request mock_response overrides the deployment text', async () => {
  const { mock } = provider();
  const { body } = await mock.send(
    request('chat', { mock_response: 'from request' }, mockDeployment({ mockResponse: 'config' })),
  );
  assert.equal(
    (body.choices as { message: { content: string } }[])[0]?.message.content,
    'from request',
  );
});

void test('a mock_response naming litellm.RateLimitError raises that error', async () => {
  const { mock } = provider();
  await assert.rejects(
    mock.send(request('chat', { mock_response: 'litellm.RateLimitError' })),
    (error: unknown) => error instanceof GatewayError && error.kind === 'RateLimitError',
  );
});

void test('mock completion answers with a text_completion', async () => {
  const { mock } = provider();
  const { body } = await mock.send(request('completion'));
  assert.equal(body.object, 'text_completion');
  assert.deepEqual(body.choices, [
    { text: DEFAULT_MOCK_RESPONSE, index: 0, logprobs: null, finish_reason: 'stop' },
  ]);
});

void test('mock embedding returns one deterministic vector per input string', async () => {
  const { mock } = provider();
  const first = await mock.send(request('embedding', { input: ['alpha', 'beta', 'alpha'] }));
  const data = first.body.data as { object: string; index: number; embedding: number[] }[];
  assert.equal(first.body.object, 'list');
  assert.deepEqual(
    data.map((item) => [item.object, item.index, item.embedding.length]),
    [
      ['embedding', 0, MOCK_EMBEDDING_DIMENSIONS],
      ['embedding', 1, MOCK_EMBEDDING_DIMENSIONS],
      ['embedding', 2, MOCK_EMBEDDING_DIMENSIONS],
    ],
  );
  assert.deepEqual(data[0]?.embedding, data[2]?.embedding);
  assert.notDeepEqual(data[0]?.embedding, data[1]?.embedding);
  const again = await mock.send(request('embedding', { input: 'alpha' }));
  assert.deepEqual(
    (again.body.data as { embedding: number[] }[])[0]?.embedding,
    data[0]?.embedding,
  );
});

void test('mock chat stream sends a role chunk, word pieces, then a stop chunk', async () => {
  const { mock } = provider();
  const stream = await mock.openStream(
    request('chat', { stream: true, mock_response: 'Hello there, world' }),
  );
  const chunks = await collect(stream);
  assert.deepEqual(deltaOf(chunks[0]!), { role: 'assistant', content: '' });
  assert.deepEqual(
    chunks.slice(1, -1).map((chunk) => deltaOf(chunk)?.content),
    ['Hello ', 'there, ', 'world'],
  );
  const last = chunks.at(-1)!;
  assert.deepEqual(last.choices, [{ index: 0, delta: {}, finish_reason: 'stop' }]);
  assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'));
  assert.ok(chunks.every((chunk) => !('usage' in chunk)));
});

void test('mock chat stream ends with a usage chunk when include_usage is set', async () => {
  const { mock } = provider();
  const stream = await mock.openStream(
    request('chat', { stream: true, stream_options: { include_usage: true }, mock_response: 'ab' }),
  );
  const chunks = await collect(stream);
  const last = chunks.at(-1)!;
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 });
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
});

void test('mock completion stream sends text_completion pieces then a stop chunk', async () => {
  const { mock } = provider();
  const chunks = await collect(
    await mock.openStream(request('completion', { stream: true, mock_response: 'a b' })),
  );
  assert.deepEqual(
    chunks.map((chunk) => (chunk.choices as { text: string; finish_reason: string | null }[])[0]),
    [
      { text: 'a ', index: 0, logprobs: null, finish_reason: null },
      { text: 'b', index: 0, logprobs: null, finish_reason: null },
      { text: '', index: 0, logprobs: null, finish_reason: 'stop' },
    ],
  );
});

void test('mock refuses to stream embeddings', async () => {
  const { mock } = provider();
  await assert.rejects(
    mock.openStream(request('embedding', { stream: true })),
    (error: unknown) => error instanceof GatewayError && error.kind === 'BadRequestError',
  );
});

void test('mock_latency_ms holds the answer until the clock has moved that far', async () => {
  const { mock, clock } = provider();
  let answered = false;
  const pending = mock
    .send(request('chat', {}, mockDeployment({ extra: { mock_latency_ms: 2000 } })))
    .then((result) => {
      answered = true;
      return result;
    });
  await clock.advanceAsync(1999);
  assert.equal(answered, false);
  await clock.advanceAsync(1);
  assert.equal(answered, true);
  assert.equal((await pending).body.created, START / 1000 + 2);
});

void test('mock latency gives way to an abort with its reason', async () => {
  const { mock, clock } = provider();
  const controller = new AbortController();
  const pending = mock.send(
    request('chat', {}, mockDeployment({ extra: { mock_latency_ms: 1000 } }), controller.signal),
  );
  const timeout = new GatewayError('Timeout', 'litellm.Timeout: too slow');
  controller.abort(timeout);
  await assert.rejects(pending, (error: unknown) => error === timeout);
  assert.equal(clock.pendingTimers(), 0);
});

/** A request as the router makes it: `signal` is built only when read (AttemptRequest). */
function routedRequest(deployment: Deployment, cancel: Cancellation): ProviderRequest {
  return {
    ...request('chat', {}, deployment),
    cancel,
    get signal(): AbortSignal {
      throw new Error('signal was read');
    },
  };
}

void test('the mock takes the cheap cancellation when the router offers one, not the AbortSignal', async () => {
  const { mock, clock } = provider();
  const cancellation = new Cancellation();
  const slow = mockDeployment({ extra: { mock_latency_ms: 1000 } });
  const pending = mock.send(routedRequest(slow, cancellation));
  const timeout = new GatewayError('Timeout', 'litellm.Timeout: too slow');
  cancellation.abort(timeout);
  await assert.rejects(pending, (error: unknown) => error === timeout);
  assert.equal(clock.pendingTimers(), 0);

  const stream = await mock.openStream(routedRequest(mockDeployment(), new Cancellation()));
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length > 1);
});

void test('mock_failure_rate fails the calls the random source picks', async () => {
  const values = [0.1, 0.7, 0.2, 0.9];
  const { mock } = provider(() => values.shift() ?? 1);
  const deployment = mockDeployment({ extra: { mock_failure_rate: 0.5 } });
  const outcomes: string[] = [];
  for (let i = 0; i < 4; i++) {
    try {
      await mock.send(request('chat', {}, deployment));
      outcomes.push('ok');
    } catch (error) {
      assert.ok(error instanceof GatewayError);
      outcomes.push(error.kind);
    }
  }
  assert.deepEqual(outcomes, ['InternalServerError', 'ok', 'InternalServerError', 'ok']);
});

void test('an injected failure uses mock_failure_status and a LiteLLM-style message', async () => {
  const { mock } = provider(() => 0);
  const deployment = mockDeployment({
    extra: { mock_failure_rate: 1, mock_failure_status: 429 },
  });
  await assert.rejects(mock.send(request('chat', {}, deployment)), (error: unknown) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.kind, 'RateLimitError');
    assert.equal(error.message, 'litellm.RateLimitError: MockException - injected failure');
    assert.equal(error.upstreamStatus, 429);
    assert.equal(error.deploymentId, deployment.id);
    return true;
  });
});

void test('an injected stream failure rejects openStream before any chunk', async () => {
  const { mock } = provider(() => 0);
  const deployment = mockDeployment({ extra: { mock_failure_rate: 1 } });
  await assert.rejects(
    mock.openStream(request('chat', { stream: true }, deployment)),
    (error: unknown) => error instanceof GatewayError && error.kind === 'InternalServerError',
  );
});
