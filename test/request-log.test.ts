/** The per-request log line: one per request, how it was served, never what it said. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, readUntilError } from './helpers/http.ts';
import { captureLogs, type CapturedLogs } from './helpers/log-capture.ts';

const start = useGateways();

/**
 * `main` (two deployments on `a`, so a retry switches without a backoff wait) falls back to
 * `spare` (one deployment on `b`).
 */
async function startLogged(logs: CapturedLogs) {
  return start({
    upstreams: ['a', 'b'],
    logger: logs.logger,
    config: ({ a, b }) => `
model_list:
  - model_name: main
    litellm_params: { model: openai/gpt-4o, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
  - model_name: main
    litellm_params: { model: openai/gpt-4o, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a2 }
  - model_name: spare
    litellm_params: { model: openai/gpt-4o, api_base: ${b.baseUrl}, api_key: k }
    model_info: { id: dep-b }
router_settings:
  num_retries: 1
  retry_after: 0
  fallbacks: [{ main: [spare] }]
`,
  });
}

function requestLines(logs: CapturedLogs): Record<string, unknown>[] {
  return logs.lines().filter((line) => line.msg === 'request');
}

void describe('request log', E2E_SUITE, () => {
  void test('logs one info line per request', async () => {
    const logs = captureLogs();
    const { url } = await startLogged(logs);
    for (let index = 0; index < 3; index += 1) await (await chat(url, 'main')).text();
    const lines = requestLines(logs);
    assert.equal(lines.length, 3);
    for (const line of lines) assert.equal(line.level, 30);
  });

  void test('a success names the call, groups, deployment, status and timings', async () => {
    const logs = captureLogs();
    const { url } = await startLogged(logs);
    const response = await chat(url, 'spare');
    await response.text();
    const [line] = requestLines(logs);
    assert.ok(line);
    assert.equal(line.call_id, response.headers.get('x-litellm-call-id'));
    assert.equal(line.model_group, 'spare');
    assert.equal(line.answered_by, 'spare');
    assert.equal(line.model_id, 'dep-b');
    assert.equal(line.status, 200);
    assert.equal(line.error_kind, undefined);
    assert.equal(line.attempted_retries, 0);
    assert.equal(line.attempted_fallbacks, 0);
    assert.equal(line.stream, false);
    assert.equal(typeof line.duration_ms, 'number');
    assert.equal(typeof line.overhead_ms, 'number');
    assert.equal(line.ttft_ms, undefined);
  });

  void test('a request served by a fallback counts its retries and fallbacks', async () => {
    const logs = captureLogs();
    const { url, upstreams } = await startLogged(logs);
    upstreams.a.fail({ status: 500 });
    assert.equal((await chat(url, 'main')).status, 200);
    const [line] = requestLines(logs);
    assert.equal(line?.model_group, 'main');
    assert.equal(line?.answered_by, 'spare');
    assert.equal(line?.model_id, 'dep-b');
    assert.equal(line?.attempted_retries, 1);
    assert.equal(line?.attempted_fallbacks, 1);
  });

  void test('a failed request logs its status and error kind', async () => {
    const logs = captureLogs();
    const { url, upstreams } = await startLogged(logs);
    upstreams.b.fail({ kind: 'auth' });
    const response = await chat(url, 'spare');
    assert.equal(response.status, 401);
    const [line] = requestLines(logs);
    assert.equal(line?.status, 401);
    assert.equal(line?.error_kind, 'AuthenticationError');
    assert.equal(line?.model_id, 'dep-b');
  });

  void test('a streamed request is logged once, at its end, with its time to first token', async () => {
    const logs = captureLogs();
    const { url } = await startLogged(logs);
    const response = await chat(url, 'main', { stream: true });
    const { error } = await readUntilError(response);
    assert.equal(error, undefined);
    const lines = requestLines(logs);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.stream, true);
    assert.equal(lines[0]?.status, 200);
    assert.equal(typeof lines[0]?.ttft_ms, 'number');
  });

  void test('a request refused before routing logs one line with its status and path', async () => {
    const logs = captureLogs();
    const { url } = await startLogged(logs);
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": "main", "messages": [',
    });
    assert.equal(response.status, 400);
    const rejected = logs.lines().filter((line) => line.msg === 'request rejected');
    assert.equal(rejected.length, 1);
    assert.deepEqual([rejected[0]?.status, rejected[0]?.path], [400, '/v1/chat/completions']);
  });

  void test('never logs the request or response body', async () => {
    const logs = captureLogs();
    const { url } = await startLogged(logs);
    await (
      await chat(url, 'main', { messages: [{ role: 'user', content: 'zebra-canary' }] })
    ).text();
    assert.ok(!logs.text().includes('zebra-canary'));
    assert.ok(!logs.text().includes('Hello from a'));
  });
});
