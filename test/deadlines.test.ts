/**
 * Retry policies and the timeouts of streams and of whole requests, through the real proxy.
 * Time moves only on a fake clock; the tests wait for real events (a request held upstream).
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import type { StreamChunk } from '../src/core/openai-types.ts';
import { Router } from '../src/index.ts';
import { createFakeClock, startMockUpstream, type MockUpstream } from '../src/testing/index.ts';
import { advanceUntil } from './helpers/fake-time.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import {
  chat,
  chatContent,
  expectOpenAiError,
  readUntilError,
  sseData,
  streamedText,
  waitFor,
} from './helpers/http.ts';

const start = useGateways();

function one(a: MockUpstream, settings: string, params = ''): string {
  return `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k${params} }
router_settings:
${settings}`;
}

void describe('retry policy', E2E_SUITE, () => {
  void test('retry_policy gives a kind of error its own retry count', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => one(a, '  num_retries: 3\n  retry_policy: { BadRequestErrorRetries: 1 }'),
    });
    // A 400 is not retried by default; the policy grants it one retry (after backoff, on the clock).
    upstreams.a.fail({ status: 400 });
    const pending = chat(url, 'chat-group');
    await advanceUntil(clock, () => upstreams.a.hits().total === 2);
    const response = await pending;
    await expectOpenAiError(response, 400);
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '1');
    assert.equal(upstreams.a.hits().total, 2);
  });

  void test('model_group_retry_policy wins over retry_policy for its group', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a'],
      config: ({ a }) =>
        one(
          a,
          '  retry_policy: { RateLimitErrorRetries: 5 }\n  model_group_retry_policy: { chat-group: { RateLimitErrorRetries: 0 } }',
        ),
    });
    upstreams.a.fail({ status: 429 });
    await expectOpenAiError(await chat(url, 'chat-group'), 429);
    assert.equal(upstreams.a.hits().total, 1);
  });
});

void describe('stream timeouts', E2E_SUITE, () => {
  void test('no first chunk within stream_timeout is a retryable timeout before the commit point', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: () => 0,
      config: ({ a, b }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k, stream_timeout: 2 }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
`,
    });
    upstreams.a.fail({ hang: true, times: 1 });
    const pending = chat(url, 'chat-group', { stream: true });
    await waitFor(() => upstreams.a.hanging() === 1);
    await clock.advanceAsync(2_000);
    const response = await pending;
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /Hello/);
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    assert.equal(upstreams.b.hits().total, 1);
    await waitFor(() => upstreams.a.hanging() === 0);
  });

  void test('a client that stops reading is cut after stream_idle_timeout, with no verdict on the deployment', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => one(a, '  stream_idle_timeout: 3\n  allowed_fails: 0\n  num_retries: 0'),
    });
    // ~24 MB: more than the loopback socket buffers on both sides hold, so the gateway is soon
    // waiting for its client.
    upstreams.a.setReply('word '.repeat(4_800_000));
    const message = await openStream(url);
    try {
      const head = await firstBytes(message);
      assert.match(head, /^data: /);
      // The stream's idle deadline, then the writer's wait for its client once it is behind.
      await waitFor(() => clock.pendingTimers() === 2);
      await clock.advanceAsync(2_999);
      assert.equal(clock.pendingTimers(), 2, 'not cut before stream_idle_timeout');
      await clock.advanceAsync(1);
      // What the client had not read is still on its side; then the answer ends, cut.
      const { text, error } = await readRest(message);
      assert.match(error?.message ?? '', /aborted/);
      assert.ok(!text.endsWith('data: [DONE]\n\n'), 'the stream was cut, not finished');
    } finally {
      message.destroy();
    }
    // The deployment was not held responsible: with allowed_fails 0 a failure would bench it.
    upstreams.a.setReply('ok');
    const response = await chat(url, 'chat-group');
    assert.equal(response.status, 200);
    assert.equal(upstreams.a.hits().total, 2);
  });

  void test('a stream that ended leaves no idle deadline behind', async () => {
    const clock = createFakeClock();
    const { url } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => one(a, '  stream_idle_timeout: 3'),
    });
    const response = await chat(url, 'chat-group', { stream: true });
    assert.equal(response.status, 200);
    // The mock sends the whole stream at once, so its end reaches the writer without an await.
    assert.ok((await response.text()).endsWith('data: [DONE]\n\n'));
    await waitFor(() => clock.pendingTimers() === 0);
    assert.equal(clock.pendingTimers(), 0);
  });

  void test('a stream that stalls past stream_idle_timeout ends with an error event and no [DONE]', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => one(a, '  stream_idle_timeout: 3'),
    });
    upstreams.a.fail({ streamStallAfter: 1 });
    const response = await chat(url, 'chat-group', { stream: true });
    assert.equal(response.status, 200);
    const reading = readUntilError(response);
    await waitFor(() => upstreams.a.hanging() === 1);
    await clock.advanceAsync(3_000);
    const events = sseData((await reading).text);
    assert.match(events.at(-1) ?? '', /"error".*stalled/i);
    assert.ok(!events.includes('[DONE]'));
  });
});

void describe('overall_timeout', E2E_SUITE, () => {
  void test('bounds retries and fallbacks together: no attempt starts after it passes', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      config: ({ a, b }) => `
model_list:
  - model_name: slow
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k, timeout: 10 }
  - model_name: spare
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
router_settings: { num_retries: 3, overall_timeout: 4, fallbacks: [{ slow: [spare] }] }
`,
    });
    upstreams.a.fail({ hang: true });
    const pending = chat(url, 'slow');
    await waitFor(() => upstreams.a.hanging() === 1);
    // The attempt's own timeout is 10 s, but only 4 s of the request's budget remain.
    await clock.advanceAsync(4_000);
    const error = await expectOpenAiError(await pending, 408);
    assert.match(error.message, /timed out/i);
    assert.equal(upstreams.a.hits().total, 1);
    assert.equal(upstreams.b.hits().total, 0);
  });

  void test('a request may set its own overall_timeout, and it is not forwarded upstream', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => one(a, '  num_retries: 0'),
    });
    upstreams.a.fail({ hang: true, times: 1 });
    const pending = chat(url, 'chat-group', { overall_timeout: 1 });
    await waitFor(() => upstreams.a.hanging() === 1);
    await clock.advanceAsync(1_000);
    await expectOpenAiError(await pending, 408);
    const ok = await chat(url, 'chat-group', { overall_timeout: 1 });
    assert.equal(await chatContent(ok), 'Hello from a');
    const sent = upstreams.a.requests().at(-1)?.body as Record<string, unknown>;
    assert.equal('overall_timeout' in sent, false);
  });
});

void describe('a slow consumer of a stream', () => {
  void test('is not an idle upstream: the stream goes on and the deployment gets no failure', async (t) => {
    const clock = createFakeClock();
    // ~2 MB of text: more than the transport queues and the loopback socket hold, so the
    // upstream is still sending when the consumer stops pulling.
    const upstream = await startMockUpstream({ reply: 'word '.repeat(400_000) });
    const router = new Router(
      {
        model_list: [
          {
            model_name: 'chat-group',
            litellm_params: {
              model: 'openai/gpt-4o-mini',
              api_base: upstream.baseUrl,
              api_key: 'k',
            },
            model_info: { id: 'dep-a' },
          },
        ],
        router_settings: { stream_idle_timeout: 3, allowed_fails: 0, num_retries: 0 },
      },
      { clock },
    );
    t.after(async () => {
      await router.close();
      await upstream.close();
    });
    const benched: unknown[] = [];
    router.events.on('cooldown', (event) => benched.push(event));
    const ended: (string | undefined)[] = [];
    router.events.on('request:end', (event) => ended.push(event.error?.kind));

    const stream = await router.routeStream('chat', {
      model: 'chat-group',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const chunks = stream[Symbol.asyncIterator]();
    let text = streamedText([(await chunks.next()).value as StreamChunk]);
    // The consumer stops pulling for longer than stream_idle_timeout: the gateway is not
    // waiting on the upstream, whose socket is paused by back-pressure.
    await clock.advanceAsync(10_000);
    for (;;) {
      const result = await chunks.next();
      if (result.done === true) break;
      text += streamedText([result.value]);
    }
    assert.equal(text.length, 'word '.repeat(400_000).length);
    assert.deepEqual(benched, []);
    assert.deepEqual(ended, [undefined]);
  });
});

/** A streamed chat request over its own connection; resolves at the response's headers. */
function openStream(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end(
      JSON.stringify({
        model: 'chat-group',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
  });
}

/** The first bytes of `message`, which is then left paused: the client stops reading. */
function firstBytes(message: IncomingMessage): Promise<string> {
  message.setEncoding('utf8');
  return new Promise((resolve) => {
    message.once('data', (text: string) => {
      message.pause();
      resolve(text);
    });
  });
}

/** Reads what is left of `message` to its end, or to the error that ends it. */
function readRest(message: IncomingMessage): Promise<{ text: string; error?: Error }> {
  return new Promise((resolve) => {
    let text = '';
    message.on('data', (piece: string) => (text += piece));
    message.once('end', () => resolve({ text }));
    message.once('error', (error) => resolve({ text, error }));
    message.resume();
  });
}
