import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ChatCompletion } from '../core/openai-types.ts';
import type { OpenAiErrorBody } from './mock-errors.ts';
import { postJson, readUntilError, sseData, waitFor } from './mock-test-helpers.ts';
import { type MockUpstream, startMockUpstream } from './mock-upstream.ts';

const chatBody = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello' }] };
const streamBody = { ...chatBody, stream: true };

void describe('mock upstream: fault injection', () => {
  let mock: MockUpstream;
  const chat = (body: unknown = chatBody): Promise<Response> =>
    postJson(`${mock.baseUrl}/chat/completions`, body);
  const errorOf = async (response: Response): Promise<OpenAiErrorBody['error']> =>
    ((await response.json()) as OpenAiErrorBody).error;

  beforeEach(async () => {
    mock = await startMockUpstream();
  });
  afterEach(() => mock.close());

  void it('answers with the fault status and an OpenAI error body fitting it', async () => {
    mock.fail({ status: 500 });
    const response = await chat();
    assert.equal(response.status, 500);
    assert.deepEqual(await errorOf(response), {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    });
  });

  void it('names the requested model in a 404 body', async () => {
    mock.fail({ status: 404 });
    const response = await chat();
    assert.equal(response.status, 404);
    const error = await errorOf(response);
    assert.equal(error.code, 'model_not_found');
    assert.match(error.message, /`gpt-4o` does not exist/);
  });

  void it('sends a custom JSON error body', async () => {
    const body = { error: { message: 'custom', type: 'x', param: null, code: 'y' } };
    mock.fail({ status: 418, body });
    const response = await chat();
    assert.equal(response.status, 418);
    assert.deepEqual(await response.json(), body);
  });

  void it('sends a string body as plain text', async () => {
    mock.fail({ status: 502, body: '<html>Bad Gateway</html>' });
    const response = await chat();
    assert.equal(response.status, 502);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    assert.equal(await response.text(), '<html>Bad Gateway</html>');
  });

  void it('adds the fault headers, such as retry-after', async () => {
    mock.fail({ status: 429, headers: { 'Retry-After': '7' } });
    const response = await chat();
    await response.text();
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '7');
  });

  void it('sends no retry-after on a bare 429 status', async () => {
    mock.fail({ status: 429 });
    const response = await chat();
    assert.equal((await errorOf(response)).code, 'rate_limit_exceeded');
    assert.equal(response.headers.get('retry-after'), null);
  });

  void it('answers kind context_length with 400 context_length_exceeded', async () => {
    mock.fail({ kind: 'context_length' });
    const response = await chat();
    assert.equal(response.status, 400);
    const error = await errorOf(response);
    assert.equal(error.code, 'context_length_exceeded');
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /^This model's maximum context length is 8192 tokens/);
  });

  void it('answers kind content_policy with 400 content_policy_violation', async () => {
    mock.fail({ kind: 'content_policy' });
    const response = await chat();
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).code, 'content_policy_violation');
  });

  void it('answers kind rate_limit with 429 and retry-after: 1', async () => {
    mock.fail({ kind: 'rate_limit' });
    const response = await chat();
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '1');
    assert.equal((await errorOf(response)).code, 'rate_limit_exceeded');
  });

  void it('answers kind auth with 401 "Incorrect API key provided"', async () => {
    mock.fail({ kind: 'auth' });
    const response = await chat();
    assert.equal(response.status, 401);
    const error = await errorOf(response);
    assert.match(error.message, /^Incorrect API key provided/);
    assert.equal(error.code, 'invalid_api_key');
  });

  void it('answers kind server_error with 500', async () => {
    mock.fail({ kind: 'server_error' });
    const response = await chat();
    assert.equal(response.status, 500);
    assert.equal((await errorOf(response)).type, 'server_error');
  });

  void it('answers kind overloaded with 503', async () => {
    mock.fail({ kind: 'overloaded' });
    const response = await chat();
    assert.equal(response.status, 503);
    assert.match((await errorOf(response)).message, /overloaded/);
  });

  void it("lets an explicit status override the kind's status", async () => {
    mock.fail({ kind: 'rate_limit', status: 503 });
    const response = await chat();
    assert.equal(response.status, 503);
    assert.equal((await errorOf(response)).code, 'rate_limit_exceeded');
  });

  void it('applies to the next N requests only with times, then answers healthily', async () => {
    mock.fail({ status: 500, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await chat();
      await response.text();
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [500, 500, 200]);
  });

  void it('applies queued faults in order', async () => {
    mock.fail({ status: 500, times: 1 });
    mock.fail({ kind: 'rate_limit', times: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await chat();
      await response.text();
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [500, 429, 200]);
  });

  void it('limits a fault to its paths', async () => {
    mock.fail({ status: 500, paths: ['/v1/embeddings'] });
    const chatResponse = await chat();
    await chatResponse.text();
    const embedResponse = await postJson(`${mock.baseUrl}/embeddings`, { model: 'e', input: 'x' });
    await embedResponse.text();
    assert.equal(chatResponse.status, 200);
    assert.equal(embedResponse.status, 500);
  });

  void it('matches a canonical /v1 path on every alias of the endpoint', async () => {
    mock.fail({ status: 500, paths: ['/v1/chat/completions'] });
    const azure = `${mock.url}/openai/deployments/d1/chat/completions?api-version=2024-10-21`;
    const response = await postJson(azure, chatBody);
    await response.text();
    assert.equal(response.status, 500);
  });

  void it('delays the answer by latencyMs', async () => {
    mock.fail({ latencyMs: 25 });
    const started = performance.now();
    const response = await chat();
    await response.text();
    assert.equal(response.status, 200);
    assert.ok(performance.now() - started >= 20);
  });

  void it('adds fault headers to a healthy answer when the fault has no status', async () => {
    mock.fail({ headers: { 'x-ratelimit-remaining-requests': '0' } });
    const response = await chat();
    await response.text();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '0');
  });

  void it('holds a hung request until reset, then answers it', async () => {
    mock.fail({ hang: true });
    const pending = chat();
    await waitFor(() => mock.hanging() === 1);
    mock.reset();
    const response = await pending;
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as ChatCompletion).object, 'chat.completion');
  });

  void it('releases a hung request with a socket error on close', async () => {
    mock.fail({ hang: true });
    const pending = chat();
    await waitFor(() => mock.hanging() === 1);
    const failed = assert.rejects(pending, TypeError);
    await mock.close();
    await failed;
  });

  void it('forgets a hung request when its client goes away', async () => {
    mock.fail({ hang: true });
    const controller = new AbortController();
    const pending = postJson(`${mock.baseUrl}/chat/completions`, chatBody, {
      signal: controller.signal,
    });
    await waitFor(() => mock.hanging() === 1);
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    await waitFor(() => mock.hanging() === 0);
  });

  void it('cuts a stream after streamCutAfter chunks: the body ends in an error, without [DONE]', async () => {
    mock.fail({ streamCutAfter: 2 });
    const response = await chat(streamBody);
    assert.equal(response.status, 200);
    const { text, error } = await readUntilError(response);
    assert.ok(error instanceof TypeError, 'the client sees a terminated body');
    const data = sseData(text);
    assert.equal(data.length, 2);
    assert.ok(!text.includes('[DONE]'));
  });

  void it('cuts a stream before any chunk with streamCutAfter 0', async () => {
    mock.fail({ streamCutAfter: 0 });
    const response = await chat(streamBody);
    const { text, error } = await readUntilError(response);
    assert.ok(error instanceof TypeError);
    assert.equal(text, '');
  });

  void it('leaves non-streaming requests alone with a stream fault', async () => {
    mock.fail({ streamCutAfter: 1, times: 1 });
    const plain = await chat();
    await plain.text();
    assert.equal(plain.status, 200);
    const streamed = await readUntilError(await chat(streamBody));
    assert.ok(streamed.error instanceof TypeError, 'the stream fault was still queued');
  });

  void it('ends a stream with an error event after streamErrorAfter chunks', async () => {
    mock.fail({ streamErrorAfter: 1 });
    const response = await chat(streamBody);
    const text = await response.text();
    const data = sseData(text);
    assert.equal(data.length, 2);
    assert.ok(!text.includes('[DONE]'));
    const event = JSON.parse(data[1] ?? '') as OpenAiErrorBody;
    assert.equal(event.error.type, 'server_error');
  });

  void it('puts the kind body into the stream error event', async () => {
    mock.fail({ streamErrorAfter: 0, kind: 'content_policy' });
    const data = sseData(await (await chat(streamBody)).text());
    assert.equal(data.length, 1);
    assert.equal(
      (JSON.parse(data[0] ?? '') as OpenAiErrorBody).error.code,
      'content_policy_violation',
    );
  });

  void it('answers a streaming request with a JSON error before any chunk for a status fault', async () => {
    mock.fail({ kind: 'rate_limit' });
    const response = await chat(streamBody);
    assert.equal(response.status, 429);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.equal((await errorOf(response)).code, 'rate_limit_exceeded');
  });

  void it('clears every fault on reset', async () => {
    mock.fail({ status: 500 });
    mock.reset();
    const response = await chat();
    await response.text();
    assert.equal(response.status, 200);
  });

  void it('rejects a fault with an unknown field', () => {
    assert.throws(() => mock.fail({ statuss: 500 } as never), /unknown fault field "statuss"/);
  });

  void it('rejects a fault with an impossible status', () => {
    assert.throws(() => mock.fail({ status: 42 }), RangeError);
  });

  void it('rejects a fault with an unknown kind', () => {
    assert.throws(() => mock.fail({ kind: 'meltdown' as never }), /fault.kind must be one of/);
  });
});
