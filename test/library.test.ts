/**
 * The in-process library: `new Router(config)` with a LiteLLM config object behaves like the
 * proxy (same retries, fallbacks and errors), against real mock upstreams on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, GatewayError, Router } from '../src/index.ts';
import type { Provider } from '../src/providers/provider.ts';
import { createFakeClock, startMockUpstream, type MockUpstream } from '../src/testing/index.ts';
import { waitFor } from './helpers/http.ts';

void describe('new Router(config)', () => {
  let primary: MockUpstream;
  let backup: MockUpstream;
  let router: Router;

  before(async () => {
    primary = await startMockUpstream({ name: 'primary' });
    backup = await startMockUpstream({ name: 'backup' });
    router = new Router({
      model_list: [
        {
          model_name: 'main',
          litellm_params: { model: 'openai/gpt-4o', api_base: primary.baseUrl, api_key: 'k' },
        },
        {
          model_name: 'spare',
          litellm_params: { model: 'openai/gpt-4o', api_base: backup.baseUrl, api_key: 'k' },
        },
      ],
      router_settings: { num_retries: 0, fallbacks: [{ main: ['spare'] }] },
    });
  });

  after(async () => {
    await router.close();
    await Promise.all([primary.close(), backup.close()]);
  });

  void test('answers a chat completion with its meta', async () => {
    primary.reset();
    const { body, meta } = await router.chatCompletion({
      model: 'main',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(
      (body.choices as { message: { content: string } }[])[0]?.message.content,
      'Hello from primary',
    );
    assert.equal(meta.group, 'main');
  });

  void test('falls back exactly as the proxy does', async () => {
    primary.reset();
    primary.fail({ status: 503, times: 1 });
    const { body, meta } = await router.chatCompletion({
      model: 'main',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(
      (body.choices as { message: { content: string } }[])[0]?.message.content,
      'Hello from backup',
    );
    assert.equal(meta.attemptedFallbacks, 1);
  });

  void test('streams chunks to the caller', async () => {
    primary.reset();
    const stream = await router.routeStream('chat', {
      model: 'main',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    // What a caller sees of it: the stream's headers and meta, not the router's state.
    assert.deepEqual(Object.keys(stream), ['upstreamHeaders', 'meta']);
    let text = '';
    for await (const chunk of stream) {
      const delta = (chunk.choices as { delta?: { content?: string } }[] | undefined)?.[0]?.delta;
      text += delta?.content ?? '';
    }
    assert.equal(text, 'Hello from primary');
  });

  void test('rejects with a GatewayError carrying the status a client would see', async () => {
    await assert.rejects(
      router.chatCompletion({ model: 'nope', messages: [] }),
      (error: unknown) =>
        error instanceof GatewayError && error.status === 400 && error.param === 'model',
    );
  });

  // Bounded: a signal that went unheard would leave the call hanging on the held request.
  void test(
    "a caller's AbortSignal cancels the upstream call at once, without a fallback",
    {
      timeout: 10_000,
    },
    async () => {
      primary.reset();
      backup.reset();
      primary.fail({ hang: true });
      const controller = new AbortController();
      const pending = router.chatCompletion(
        { model: 'main', messages: [{ role: 'user', content: 'hi' }] },
        { signal: controller.signal },
      );
      await waitFor(() => primary.hanging() === 1);
      controller.abort();
      await assert.rejects(pending, (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.kind, 'ClientClosedRequest');
        return true;
      });
      // The upstream request was cut, and the caller who left was not served by the fallback.
      await waitFor(() => primary.hanging() === 0);
      assert.equal(backup.requests().length, 0);
      primary.reset();
    },
  );

  void test('a bad config object throws a ConfigError naming the key', () => {
    assert.throws(
      () =>
        new Router({
          model_list: [{ model_name: 'x', litellm_params: { model: 'openai/x', timeout: 'soon' } }],
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.issues.some((issue) => issue.includes('model_list[0].litellm_params.timeout')),
    );
  });
});

void describe('custom providers (RouterOptions.providers)', () => {
  void test("a provider that copies the request still gets a signal that carries the attempt's deadline", async () => {
    const clock = createFakeClock(0);
    let copied: Record<string, unknown> | undefined;
    // Wraps nothing: it only waits for the attempt's signal, on a copy of the request.
    const waiting: Provider = {
      name: 'openai',
      send(request) {
        const copy = { ...request, body: { ...request.body } };
        copied = copy;
        return new Promise((_resolve, reject) => {
          copy.signal.addEventListener('abort', () => reject(copy.signal.reason as Error), {
            once: true,
          });
        });
      },
      openStream: () => Promise.reject(new Error('not used')),
    };
    const router = new Router(
      {
        model_list: [
          {
            model_name: 'slow',
            litellm_params: { model: 'openai/gpt-4o', api_key: 'k', timeout: 2 },
          },
        ],
        router_settings: { num_retries: 0 },
      },
      { clock, providers: { get: () => waiting } },
    );
    try {
      const pending = router.chatCompletion({
        model: 'slow',
        messages: [{ role: 'user', content: 'hi' }],
      });
      await waitFor(() => copied !== undefined);
      assert.ok(copied?.signal instanceof AbortSignal);
      clock.advance(2_000);
      await assert.rejects(
        pending,
        (error: unknown) => error instanceof GatewayError && error.kind === 'Timeout',
      );
    } finally {
      await router.close();
    }
  });
});
