/**
 * Cooldowns through the real proxy: which failures bench a deployment, how long, the half-open
 * probe, and what the client sees when a whole group is benched. Time moves on a fake clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFakeClock, type MockUpstream } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, chatContent, expectOpenAiError, readUntilError, waitFor } from './helpers/http.ts';

const start = useGateways();

/** Two deployments of `chat-group` (dep-a on upstream a, dep-b on b) plus any extra YAML. */
function pair(a: MockUpstream, b: MockUpstream, extra = '', paramsA = ''): string {
  return `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k${paramsA} }
    model_info: { id: dep-a }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
    model_info: { id: dep-b }
${extra}`;
}

/** random() = 0: simple-shuffle offers dep-a first whenever it is available. */
const A_FIRST = (): number => 0;

async function contents(url: string, count: number): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < count; i += 1)
    answers.push((await chatContent(await chat(url, 'chat-group'))) ?? '');
  return answers;
}

void describe('cooldowns', E2E_SUITE, () => {
  void test('a 429 benches the deployment for cooldown_time; the group keeps answering from the other', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { cooldown_time: 10 }'),
    });
    upstreams.a.fail({ status: 429, times: 1 });
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from b');
    assert.deepEqual(await contents(url, 3), ['Hello from b', 'Hello from b', 'Hello from b']);
    assert.equal(upstreams.a.hits().total, 1);
    clock.advance(10_000);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
  });

  void test("a Retry-After longer than cooldown_time sets the bench's length", async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { cooldown_time: 5 }'),
    });
    upstreams.a.fail({ status: 429, headers: { 'retry-after': '20' }, times: 1 });
    await chat(url, 'chat-group');
    clock.advance(19_000);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from b');
    clock.advance(1_000);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
  });

  void test('a failed half-open probe benches the deployment again', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { cooldown_time: 5 }'),
    });
    // Faults apply in order: a 429 first, then a 500 for good.
    upstreams.a.fail({ status: 429, times: 1 });
    upstreams.a.fail({ status: 500 });
    await chat(url, 'chat-group');
    clock.advance(5_000);
    // The probe goes to dep-a, fails with 500, and the retry is answered by dep-b.
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from b');
    assert.equal(upstreams.a.hits().total, 2);
    assert.deepEqual(await contents(url, 2), ['Hello from b', 'Hello from b']);
    assert.equal(upstreams.a.hits().total, 2);
  });

  void test('a 401 benches even a lone deployment; the client then gets 429 with retry-after', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      clock,
      config: ({ a }) => `
model_list:
  - model_name: solo
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
router_settings: { cooldown_time: 30, num_retries: 0 }
`,
    });
    upstreams.a.fail({ kind: 'auth', times: 1 });
    await expectOpenAiError(await chat(url, 'solo'), 401);
    const response = await chat(url, 'solo');
    const error = await expectOpenAiError(response, 429);
    assert.match(
      error.message,
      /No deployments available for selected model, Try again in 30 seconds/,
    );
    assert.equal(response.headers.get('retry-after'), '30');
    assert.equal(upstreams.a.hits().total, 1);
  });

  void test('a group whose deployments are all benched is served by its fallback', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'spare'],
      clock,
      config: ({ a, spare }) => `
model_list:
  - model_name: solo
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
  - model_name: spare
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${spare.baseUrl}, api_key: k }
router_settings: { num_retries: 0, fallbacks: [{ solo: [spare] }] }
`,
    });
    upstreams.a.fail({ status: 404, times: 1 });
    assert.equal(await chatContent(await chat(url, 'solo')), 'Hello from spare');
    assert.equal(await chatContent(await chat(url, 'solo')), 'Hello from spare');
    assert.equal(upstreams.a.hits().total, 1);
  });

  void test('allowed_fails: 1 tolerates one failure and benches on the second', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { allowed_fails: 1, num_retries: 0 }'),
    });
    upstreams.a.fail({ status: 500, times: 2 });
    await expectOpenAiError(await chat(url, 'chat-group'), 500);
    await expectOpenAiError(await chat(url, 'chat-group'), 500);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from b');
    assert.equal(upstreams.a.hits().total, 2);
  });

  void test('a 400 never benches a deployment', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { allowed_fails: 0 }'),
    });
    upstreams.a.fail({ status: 400, times: 3 });
    for (let i = 0; i < 3; i += 1) await expectOpenAiError(await chat(url, 'chat-group'), 400);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
  });

  void test("a deployment's cooldown_time: 0 keeps it in rotation whatever it returns", async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, '', ', cooldown_time: 0'),
    });
    upstreams.a.fail({ status: 429, times: 1 });
    await chat(url, 'chat-group');
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
  });

  void test('disable_cooldowns keeps every deployment in rotation', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { disable_cooldowns: true }'),
    });
    upstreams.a.fail({ status: 429, times: 1 });
    await chat(url, 'chat-group');
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
  });

  void test('the next order tier serves while the first tier is benched', async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      config: ({ a, b }) => `
model_list:
  - model_name: tiered
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k, order: 1 }
  - model_name: tiered
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k, order: 2 }
router_settings: { num_retries: 0, fallbacks: [] }
`,
    });
    upstreams.a.fail({ status: 403, times: 1 });
    await expectOpenAiError(await chat(url, 'tiered'), 403);
    assert.equal(await chatContent(await chat(url, 'tiered')), 'Hello from b');
  });

  void test('a stream that breaks after its first chunk counts against its deployment', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { allowed_fails: 0 }'),
    });
    upstreams.a.fail({ streamCutAfter: 2, times: 1 });
    const response = await chat(url, 'chat-group', { stream: true });
    await readUntilError(response);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from b');
  });

  void test('more than half of at least 5 calls failing within a minute benches a deployment', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b),
    });
    upstreams.a.fail({ status: 500 });
    // Each request fails on dep-a and is retried on dep-b; the 5th failure benches dep-a.
    assert.deepEqual(await contents(url, 5), Array(5).fill('Hello from b'));
    assert.equal(upstreams.a.hits().total, 5);
    await contents(url, 2);
    assert.equal(upstreams.a.hits().total, 5);
  });

  void test("a client's mock_response error passes no verdict on the real deployment", async () => {
    const { url } = await start({
      upstreams: ['a', 'b'],
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { allowed_fails: 0, num_retries: 0 }'),
    });
    await expectOpenAiError(
      await chat(url, 'chat-group', { mock_response: 'litellm.RateLimitError' }),
      429,
    );
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
  });

  void test('streams that always break after their first chunk bench a lone deployment (counted once each)', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a'],
      config: ({ a }) => `
model_list:
  - model_name: solo
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
router_settings: { num_retries: 0 }
`,
    });
    upstreams.a.fail({ streamCutAfter: 2 });
    for (let i = 0; i < 5; i += 1) {
      const response = await chat(url, 'solo', { stream: true });
      await readUntilError(response);
    }
    await expectOpenAiError(await chat(url, 'solo'), 429);
    assert.equal(upstreams.a.hits().total, 5);
  });

  void test("an attempt cut by the request's own overall_timeout does not count against the deployment", async () => {
    const clock = createFakeClock();
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      clock,
      random: A_FIRST,
      config: ({ a, b }) => pair(a, b, 'router_settings: { allowed_fails: 0, num_retries: 0 }'),
    });
    upstreams.a.fail({ hang: true, times: 1 });
    const pending = chat(url, 'chat-group', { overall_timeout: 1 });
    await waitFor(() => upstreams.a.hanging() === 1);
    await clock.advanceAsync(1_000);
    await expectOpenAiError(await pending, 408);
    assert.equal(await chatContent(await chat(url, 'chat-group')), 'Hello from a');
  });
});
