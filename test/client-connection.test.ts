/**
 * One abort signal per client connection (src/server/client-abort.ts): a keep-alive connection
 * carries request after request without piling listeners on that signal, and a client that
 * hangs up mid-request still cancels the upstream call, on a fresh connection or a reused one.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { Pool } from 'undici';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chatBody, waitFor } from './helpers/http.ts';
import { captureLogs } from './helpers/log-capture.ts';

const start = useGateways();

/** Two deployments on one upstream: a retry switches deployment, so it waits no backoff. */
const SOLO = (baseUrl: string): string => `
model_list:
  - model_name: solo
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${baseUrl}, api_key: k }
    model_info: { id: first }
  - model_name: solo
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${baseUrl}, api_key: k }
    model_info: { id: second }
router_settings: { num_retries: 2, allowed_fails: 100 }
`;

/** Node warns once more than 10 listeners wait on one EventTarget event: a leak per request. */
function collectWarnings(): { readonly names: string[]; stop(): void } {
  const names: string[] = [];
  const onWarning = (warning: Error): void => {
    names.push(warning.name);
  };
  process.on('warning', onWarning);
  return { names, stop: () => process.off('warning', onWarning) };
}

void describe('client connections', E2E_SUITE, () => {
  const pools: Pool[] = [];
  // Registered after useGateways' hook, so it runs first: an open keep-alive connection would
  // hold the gateway's drain for its whole timeout.
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.destroy()));
  });

  /** One keep-alive connection to the gateway: every request goes over the same socket. */
  function oneConnection(url: string): Pool {
    const pool = new Pool(url, { connections: 1 });
    pools.push(pool);
    return pool;
  }

  function post(pool: Pool, body: Record<string, unknown>, signal?: AbortSignal) {
    return pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  }

  void test('many requests on one connection, JSON, streams and retries, leave no listener behind', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a'],
      config: ({ a }) => SOLO(a.baseUrl),
    });
    const pool = oneConnection(url);
    const warnings = collectWarnings();
    try {
      for (let i = 0; i < 15; i += 1) {
        // Every third request fails once upstream and is retried: two attempts, two deadlines.
        if (i % 3 === 0) upstreams.a.fail({ status: 500, times: 1 });
        const answer = await post(pool, chatBody('solo', { stream: i % 2 === 1 }));
        assert.equal(answer.statusCode, 200);
        await answer.body.text();
      }
      // Let a late warning (emitted on the next tick) arrive before looking.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      warnings.stop();
    }
    assert.deepEqual(warnings.names, []);
    assert.equal(upstreams.a.hits().total, 20);
  });

  void test('a client hanging up on a reused connection cancels the upstream call', async () => {
    const logs = captureLogs();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      logger: logs.logger,
      config: ({ a }) => SOLO(a.baseUrl),
    });
    const pool = oneConnection(url);
    for (let i = 0; i < 3; i += 1) {
      const answer = await post(pool, chatBody('solo'));
      assert.equal(answer.statusCode, 200);
      await answer.body.text();
    }
    upstreams.a.fail({ hang: true, times: 1 });
    const client = new AbortController();
    const pending = post(pool, chatBody('solo'), client.signal).then(
      () => 'answered',
      () => 'aborted',
    );
    await waitFor(() => upstreams.a.hanging() === 1);
    client.abort();
    assert.equal(await pending, 'aborted');
    // The gateway saw its client go and dropped the upstream call instead of waiting on it.
    await waitFor(() => upstreams.a.hanging() === 0);
    assert.equal(upstreams.a.hits().total, 4);
    // Logged as a cancelled request (nginx's 499), not as a failure of the gateway.
    await waitFor(() => logs.lines().filter((line) => line.msg === 'request').length === 4);
    const last = logs.lines().filter((line) => line.msg === 'request')[3];
    assert.equal(last?.status, 499);
    assert.equal(last?.error_kind, 'ClientClosedRequest');
    assert.deepEqual(
      logs.lines().filter((line) => Number(line.level) >= 50),
      [],
      'no error-level line for a client that left',
    );
  });

  void test('a client leaving a stream midway cancels the upstream stream and is logged as 499', async () => {
    const logs = captureLogs();
    const { url, upstreams } = await start({
      upstreams: ['a'],
      logger: logs.logger,
      config: ({ a }) => SOLO(a.baseUrl),
    });
    // Two chunks, then the upstream goes quiet with its stream open.
    upstreams.a.fail({ streamStallAfter: 2, times: 1 });
    const pool = oneConnection(url);
    const client = new AbortController();
    const answer = await post(pool, chatBody('solo', { stream: true }), client.signal);
    assert.equal(answer.statusCode, 200);
    const reader = answer.body[Symbol.asyncIterator]();
    assert.equal((await reader.next()).done, false);
    await waitFor(() => upstreams.a.hanging() === 1);
    client.abort();
    await reader.next().catch(() => undefined);
    await waitFor(() => upstreams.a.hanging() === 0);
    await waitFor(() => logs.lines().some((line) => line.msg === 'request'));
    const line = logs.lines().find((each) => each.msg === 'request');
    assert.equal(line?.stream, true);
    assert.equal(line?.status, 499);
    assert.equal(line?.error_kind, 'ClientClosedRequest');
  });
});
