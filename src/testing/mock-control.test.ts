import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ChatCompletion } from '../core/openai-types.ts';
import type { OpenAiErrorBody } from './mock-errors.ts';
import type { CapturedRequest, MockUpstreamHits } from './mock-state.ts';
import { eventually, fetchErrorCode, isUp, postJson } from './mock-test-helpers.ts';
import { type MockUpstream, startMockUpstream } from './mock-upstream.ts';

const chatBody = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello' }] };

void describe('mock upstream: control API over HTTP', () => {
  let mock: MockUpstream;
  const control = (path: string, body?: unknown): Promise<Response> =>
    body === undefined
      ? fetch(`${mock.url}/__control/${path}`)
      : postJson(`${mock.url}/__control/${path}`, body);
  const chat = async (): Promise<Response> => {
    const response = await postJson(`${mock.baseUrl}/chat/completions`, chatBody);
    await response.clone().text();
    return response;
  };

  beforeEach(async () => {
    mock = await startMockUpstream();
  });
  afterEach(() => mock.close());

  void it('injects a fault with POST /__control/fault and answers 204', async () => {
    const response = await control('fault', { kind: 'rate_limit', times: 1 });
    assert.equal(response.status, 204);
    assert.equal((await chat()).status, 429);
    assert.equal((await chat()).status, 200);
  });

  void it('rejects a malformed fault with a 400 naming the field', async () => {
    const response = await control('fault', { status: 'boom' });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as OpenAiErrorBody).error.message, /fault\.status/);
  });

  void it('rejects a control body that is not JSON with a 400', async () => {
    const response = await control('fault', '{oops');
    assert.equal(response.status, 400);
    await response.text();
  });

  void it('clears faults and counters with POST /__control/reset', async () => {
    mock.fail({ status: 500 });
    await chat();
    const response = await control('reset', {});
    assert.equal(response.status, 204);
    assert.equal(mock.hits().total, 0);
    assert.equal((await chat()).status, 200);
  });

  void it('reports hits with GET /__control/hits, never counting control calls', async () => {
    await chat();
    await (await control('hits')).text();
    const hits = (await (await control('hits')).json()) as MockUpstreamHits;
    assert.deepEqual(hits, { total: 1, byPath: { '/v1/chat/completions': 1 } });
  });

  void it('lists captured requests with GET /__control/requests', async () => {
    await chat();
    const requests = (await (await control('requests')).json()) as CapturedRequest[];
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.path, '/v1/chat/completions');
    assert.deepEqual(requests[0]?.body, chatBody);
  });

  void it('changes the reply with POST /__control/reply', async () => {
    assert.equal((await control('reply', { reply: 'Remote reply' })).status, 204);
    const body = (await (await chat()).json()) as ChatCompletion;
    assert.equal(body.choices[0]?.message.content, 'Remote reply');
  });

  void it('rejects POST /__control/reply without a reply string', async () => {
    const response = await control('reply', { text: 'x' });
    assert.equal(response.status, 400);
    await response.text();
  });

  void it('sets the base latency with POST /__control/latency', async () => {
    assert.equal((await control('latency', { ms: 25 })).status, 204);
    const started = performance.now();
    await chat();
    assert.ok(performance.now() - started >= 20);
  });

  void it('refuses connections for ms after POST /__control/down, then comes back', async () => {
    const models = `${mock.baseUrl}/models`;
    const response = await control('down', { ms: 30 });
    assert.equal(response.status, 204);
    await eventually(async () => (await fetchErrorCode(fetch(models))) === 'ECONNREFUSED');
    await eventually(() => isUp(models));
  });

  void it('answers an unknown control path with 404', async () => {
    const response = await control('nope');
    assert.equal(response.status, 404);
    await response.text();
  });
});
