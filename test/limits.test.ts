/**
 * rpm/tpm limits, max_parallel_requests and the x-ratelimit-* headers through the proxy. The
 * fake clock drives the minute windows and the wait for a slot.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFakeClock, seededRandom } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, waitFor, type ErrorBody } from './helpers/http.ts';
import { chatGroupConfig } from './helpers/model-list.ts';

const start = useGateways();

/** A fake clock 10 s into a minute window. */
function midMinuteClock() {
  return createFakeClock(Date.UTC(2026, 0, 1, 0, 0, 10));
}

void describe('rpm limits', E2E_SUITE, () => {
  void test('with enable_pre_call_checks, deployments over their rpm are skipped; all over is a 429 until the minute turns', async () => {
    const clock = midMinuteClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: seededRandom(1),
      config: ({ a, b }) =>
        chatGroupConfig([a, b], ['rpm: 2', 'rpm: 1'], '  enable_pre_call_checks: true\n'),
    });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await chat(url, 'chat-group');
      assert.equal(response.status, 200);
      await response.body?.cancel();
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '3');
      remaining.push(response.headers.get('x-ratelimit-remaining-requests') ?? '?');
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    assert.equal(upstreams.a.hits().total, 2);
    assert.equal(upstreams.b.hits().total, 1);

    const refused = await chat(url, 'chat-group');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '50');
    assert.equal(refused.headers.get('x-ratelimit-remaining-requests'), '0');
    const body = (await refused.json()) as ErrorBody;
    assert.match(body.error.message, /No deployments available for selected model/);
    assert.equal(upstreams.a.hits().total + upstreams.b.hits().total, 3, 'no upstream was called');

    clock.advance(50_000);
    const next = await chat(url, 'chat-group');
    assert.equal(next.status, 200);
    await next.body?.cancel();
  });

  void test('when the rpm limit and the context window together leave nothing, the 429 says when rpm frees', async () => {
    const clock = midMinuteClock();
    const { url, upstreams } = await start({
      upstreams: ['small', 'large'],
      clock,
      config: ({ small, large }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${small.baseUrl}, api_key: k }
    model_info: { id: small, max_input_tokens: 1000 }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${large.baseUrl}, api_key: k, rpm: 1 }
    model_info: { id: large, max_input_tokens: 100000 }
router_settings:
  enable_pre_call_checks: true
`,
    });
    // Too big for `small`: only `large` fits, and its rpm allows one a minute.
    const big = { messages: [{ role: 'user', content: 'word '.repeat(3000) }] };
    const first = await chat(url, 'chat-group', big);
    assert.equal(first.status, 200);
    await first.body?.cancel();
    // Neither filter refuses both deployments alone; together they leave none.
    const refused = await chat(url, 'chat-group', big);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '50');
    await refused.body?.cancel();
    assert.equal(upstreams.small.hits().total, 0);
    assert.equal(upstreams.large.hits().total, 1);
  });

  void test('without enforcement, rpm only weighs traffic, but the headers still report it', async () => {
    const clock = midMinuteClock();
    const { url } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => chatGroupConfig([a], ['rpm: 1'], '  routing_strategy: simple-shuffle\n'),
    });
    for (const expected of ['0', '0']) {
      const response = await chat(url, 'chat-group');
      assert.equal(response.status, 200);
      await response.body?.cancel();
      assert.equal(response.headers.get('x-ratelimit-remaining-requests'), expected);
    }
  });

  void test('enforce_model_rate_limits applies rpm whatever the strategy', async () => {
    const { url } = await start({
      upstreams: ['a'],
      clock: midMinuteClock(),
      config: ({ a }) =>
        chatGroupConfig(
          [a],
          ['rpm: 1'],
          '  routing_strategy: least-busy\n  enforce_model_rate_limits: true\n',
        ),
    });
    assert.equal((await chat(url, 'chat-group')).status, 200);
    assert.equal((await chat(url, 'chat-group')).status, 429);
  });

  void test('a group without limits sends no x-ratelimit headers of its own', async () => {
    const { url } = await start({
      upstreams: ['a'],
      config: ({ a }) => chatGroupConfig([a], [''], '  enable_pre_call_checks: true\n'),
    });
    const response = await chat(url, 'chat-group');
    await response.body?.cancel();
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), null);
    assert.equal(response.headers.get('x-ratelimit-limit-tokens'), null);
  });
});

void describe('tpm limits', E2E_SUITE, () => {
  void test('usage-based routing counts input tokens up front and output tokens on completion', async () => {
    const clock = midMinuteClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) =>
        chatGroupConfig([a], ['tpm: 60'], '  routing_strategy: usage-based-routing-v2\n'),
    });
    const first = await chat(url, 'chat-group');
    assert.equal(first.status, 200);
    const answer = (await first.json()) as {
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    assert.equal(first.headers.get('x-ratelimit-limit-tokens'), '60');
    const afterFirst = Number(first.headers.get('x-ratelimit-remaining-tokens'));
    // The gateway's own count of the prompt may differ from the mock's; the answer's is exact.
    const used = 60 - afterFirst;
    assert.ok(used > answer.usage.completion_tokens, `used ${used}`);

    // Keep going until the next request's input no longer fits: then a 429, no upstream call.
    let status = 200;
    let sent = 1;
    while (status === 200 && sent < 20) {
      const response = await chat(url, 'chat-group');
      status = response.status;
      await response.body?.cancel();
      sent += 1;
    }
    assert.equal(status, 429);
    assert.equal(upstreams.a.hits().total, sent - 1);
    assert.ok(sent - 1 <= Math.ceil(60 / used), `served ${sent - 1} of ${used} tokens each`);
  });

  void test('a stream adds the output tokens of its final usage chunk', async () => {
    const clock = midMinuteClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) =>
        chatGroupConfig([a], ['tpm: 1000'], '  routing_strategy: usage-based-routing\n'),
    });
    // An answer far longer than any request's input, so the check below fails unless the
    // stream's output tokens were counted.
    upstreams.a.setReply(Array.from({ length: 80 }, (_, i) => `word${i}`).join(' '));
    const streamed = await chat(url, 'chat-group', {
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = await streamed.text();
    const usage = /"completion_tokens":(\d+)/.exec(text);
    assert.ok(usage, text);
    const atCommit = Number(streamed.headers.get('x-ratelimit-remaining-tokens'));
    // A short answer this time: what the next request costs itself stays far below the stream's.
    upstreams.a.setReply('ok');
    const next = await chat(url, 'chat-group');
    await next.body?.cancel();
    const later = Number(next.headers.get('x-ratelimit-remaining-tokens'));
    // Between the two: the stream's output tokens and the second request's input tokens.
    assert.ok(atCommit - later > Number(usage[1]), `${atCommit} → ${later}`);
  });
});

void describe('max_parallel_requests', E2E_SUITE, () => {
  void test('a full deployment is skipped for one with room; all full waits briefly, then 429', async () => {
    const clock = midMinuteClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: seededRandom(2),
      config: ({ a, b }) =>
        chatGroupConfig(
          [a, b],
          ['max_parallel_requests: 1', ''],
          '  default_max_parallel_requests: 1\n',
        ),
    });
    upstreams.a.fail({ hang: true, times: 1 });
    upstreams.b.fail({ hang: true, times: 1 });
    const first = new AbortController();
    const second = new AbortController();
    const held = [
      chat(url, 'chat-group', {}, { signal: first.signal }).catch(() => undefined),
      chat(url, 'chat-group', {}, { signal: second.signal }).catch(() => undefined),
    ];
    // Not an error while the other had room: each took one deployment.
    await waitFor(() => upstreams.a.hanging() === 1 && upstreams.b.hanging() === 1);

    const queued = chat(url, 'chat-group');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await clock.advanceAsync(1_000);
    const refused = await queued;
    assert.equal(refused.status, 429);
    assert.match(((await refused.json()) as ErrorBody).error.message, /No deployments available/);
    assert.equal(upstreams.a.hits().total + upstreams.b.hits().total, 2);

    // A waiter gets the slot the moment a request leaves its deployment.
    const waiting = chat(url, 'chat-group');
    await new Promise((resolve) => setTimeout(resolve, 20));
    first.abort();
    second.abort();
    await Promise.all(held);
    const served = await waiting;
    assert.equal(served.status, 200);
    await served.body?.cancel();
    assert.equal(upstreams.a.hits().total + upstreams.b.hits().total, 3);
  });

  void test('the wait for a slot ends when the client leaves', async () => {
    const clock = midMinuteClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) =>
        chatGroupConfig([a], ['max_parallel_requests: 1'], '  routing_strategy: simple-shuffle\n'),
    });
    upstreams.a.fail({ hang: true, times: 1 });
    const holder = new AbortController();
    const held = chat(url, 'chat-group', {}, { signal: holder.signal }).catch(() => undefined);
    await waitFor(() => upstreams.a.hanging() === 1);
    const leaver = new AbortController();
    const leaving = chat(url, 'chat-group', {}, { signal: leaver.signal }).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    leaver.abort();
    assert.ok((await leaving) instanceof Error);
    holder.abort();
    await held;
    await waitFor(() => upstreams.a.hanging() === 0);
    // Neither left a slot taken.
    const response = await chat(url, 'chat-group');
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});
