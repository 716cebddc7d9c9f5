/** Server-sent event streams through the gateway: relayed chunks, commit point, failures. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import type { MockUpstream } from '../src/testing/index.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import {
  assertNumericHeader,
  chat,
  postJson,
  readUntilError,
  sseData,
  streamChunks,
  streamedText,
  UUID,
} from './helpers/http.ts';

const start = useGateways();

function startOneDeployment(): ReturnType<typeof start<'a'>> {
  return start({
    upstreams: ['a'],
    config: ({ a }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
  - model_name: instruct
    litellm_params: { model: openai/gpt-3.5-turbo-instruct, api_base: ${a.baseUrl}, api_key: k }
router_settings:
  num_retries: 0
`,
  });
}

void describe('streaming', E2E_SUITE, () => {
  void test('relays the upstream chunks as SSE and ends with [DONE]', async () => {
    const { url } = await startOneDeployment();
    const response = await chat(url, 'chat-group', { stream: true });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const events = sseData(await response.text());
    assert.ok(events.length > 2, `expected several chunks, got ${events.length}`);
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(events)), 'Hello from a');
  });

  void test('relays non-ASCII text as it came', async () => {
    const { url, upstreams } = await startOneDeployment();
    upstreams.a.setReply('grüße 👋 日本語, naïve café');
    const response = await chat(url, 'chat-group', { stream: true });
    const events = sseData(await response.text());
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(events)), 'grüße 👋 日本語, naïve café');
  });

  void test('sends the x-litellm headers on a stream', async () => {
    const { url, upstreams } = await startOneDeployment();
    const response = await chat(url, 'chat-group', { stream: true });
    await response.text();
    assert.match(response.headers.get('x-litellm-call-id') ?? '', UUID);
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-a');
    assert.equal(response.headers.get('x-litellm-model-api-base'), upstreams.a.baseUrl);
    assert.equal(response.headers.get('x-litellm-model-group'), 'chat-group');
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '0');
    assertNumericHeader(response, 'x-litellm-response-duration-ms');
  });

  void test('keeps an HTTP/1.1 connection alive after a stream, and closes an HTTP/1.0 one', async () => {
    const { url } = await startOneDeployment();
    const body = JSON.stringify({
      model: 'chat-group',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const v11 = await rawRequest(url, 'HTTP/1.1', body);
    assert.match(v11.head, /^HTTP\/1\.1 200 /);
    assert.match(v11.head, /\r\nconnection: keep-alive\r\n/i);
    assert.match(v11.head, /\r\ntransfer-encoding: chunked\r\n/i);
    assert.equal(v11.closedByServer, false);
    // HTTP/1.0 has no chunked encoding: the end of the body is the end of the connection, and
    // the header must say so rather than promise keep-alive.
    const v10 = await rawRequest(url, 'HTTP/1.0', body);
    assert.match(v10.head, /^HTTP\/1\.1 200 /);
    assert.match(v10.head, /\r\nconnection: close\r\n/i);
    assert.doesNotMatch(v10.head, /keep-alive/i);
    assert.ok(v10.body.endsWith('data: [DONE]\n\n'), v10.body);
    assert.equal(v10.closedByServer, true);
  });

  void test('streams a text completion from /v1/completions', async () => {
    const { url, upstreams } = await startOneDeployment();
    const response = await postJson(`${url}/v1/completions`, {
      model: 'instruct',
      prompt: 'Hi',
      stream: true,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const events = sseData(await response.text());
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(streamedText(streamChunks(events)), 'Hello from a');
    assert.equal((upstreams.a.requests()[0]?.body as { stream: boolean }).stream, true);
  });

  void test('ends a stream cut by the upstream with an error event and no [DONE]', async () => {
    const { url, upstreams } = await startOneDeployment();
    upstreams.a.fail({ streamCutAfter: 2 });
    const response = await chat(url, 'chat-group', { stream: true });
    assert.equal(response.status, 200);
    const { text, error } = await readUntilError(response);
    assert.equal(error, undefined, 'the gateway ends the stream cleanly at the HTTP level');
    const events = sseData(text);
    assert.equal(events.length, 3, text);
    assert.ok(!events.includes('[DONE]'));
    const chunks = streamChunks(events);
    assert.equal(chunks[0]?.error, undefined);
    assert.equal(chunks[1]?.error, undefined);
    assert.equal(typeof chunks[2]?.error?.message, 'string');
    assert.equal(upstreams.a.hits().total, 1, 'bytes were sent: no retry');
  });

  void test('ends a stream whose upstream sends an error chunk with the mapped error event and no [DONE]', async () => {
    const { url, upstreams } = await startOneDeployment();
    upstreams.a.fail({ streamErrorAfter: 2 });
    const response = await chat(url, 'chat-group', { stream: true });
    assert.equal(response.status, 200);
    const events = sseData(await response.text());
    assert.ok(!events.includes('[DONE]'));
    const chunks = streamChunks(events);
    assert.equal(chunks.length, 3);
    // The upstream's error chunk is read, not relayed: the stream ends on it, as an error.
    assert.equal(typeof chunks[2]?.error?.message, 'string');
    assert.equal(upstreams.a.hits().total, 1, 'bytes were sent: no retry');
  });

  void test('retries a stream that fails before its first chunk on the other deployment', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      // random() = 0 makes simple-shuffle pick the first deployment first.
      random: () => 0,
      config: ({ a, b }) => `
model_list:
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
    model_info: { id: dep-a }
  - model_name: chat-group
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
    model_info: { id: dep-b }
`,
    });
    upstreams.a.fail({ status: 500, times: 1 });
    const response = await chat(url, 'chat-group', { stream: true });
    assert.equal(response.status, 200);
    const events = sseData(await response.text());
    assert.equal(events.at(-1), '[DONE]');
    const chunks = streamChunks(events);
    assert.ok(chunks.every((chunk) => chunk.error === undefined));
    assert.equal(streamedText(chunks), 'Hello from b');
    assert.equal(response.headers.get('x-litellm-model-id'), 'dep-b');
    assert.equal(response.headers.get('x-litellm-attempted-retries'), '1');
    assert.equal(upstreams.a.hits().total, 1);
    assert.equal(upstreams.b.hits().total, 1);
  });
});

void describe('mid_stream_fallback', E2E_SUITE, () => {
  const config = (a: MockUpstream, b: MockUpstream, midStream: boolean): string => `
model_list:
  - model_name: primary
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${a.baseUrl}, api_key: k }
  - model_name: backup
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${b.baseUrl}, api_key: k }
router_settings: { num_retries: 0, mid_stream_fallback: ${midStream}, fallbacks: [{ primary: [backup] }] }
`;

  async function streamText(url: string): Promise<{ payloads: string[]; status: number }> {
    const response = await chat(url, 'primary', { stream: true });
    const { text } = await readUntilError(response);
    return { payloads: sseData(text), status: response.status };
  }

  void test('a stream cut after its first chunks is continued by the fallback and ends with [DONE]', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      config: ({ a, b }) => config(a, b, true),
    });
    upstreams.a.fail({ streamCutAfter: 2 });
    const { payloads, status } = await streamText(url);
    assert.equal(status, 200);
    assert.equal(payloads.at(-1), '[DONE]');
    const chunks = streamChunks(payloads);
    assert.equal(new Set(chunks.map((chunk) => chunk.id)).size, 1, 'one answer, one id');
    assert.equal(chunks.filter((chunk) => chunk.choices?.[0]?.delta?.role !== undefined).length, 1);
    const sent = upstreams.b.requests()[0]?.body as {
      messages: { role: string; content: string }[];
    };
    const prefix = sent.messages.at(-1);
    assert.equal(prefix?.role, 'assistant');
    assert.equal(streamedText(chunks).startsWith(prefix?.content ?? '<none>'), true);
    assert.match(streamedText(chunks), /Hello from b$/);
  });

  void test('without it, the same cut ends the stream with an error event and no [DONE]', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      config: ({ a, b }) => config(a, b, false),
    });
    upstreams.a.fail({ streamCutAfter: 2 });
    const { payloads } = await streamText(url);
    assert.match(payloads.at(-1) ?? '', /"error"/);
    assert.equal(upstreams.b.hits().total, 0);
  });

  void test('when the fallback fails too, the stream still ends with an error event', async () => {
    const { url, upstreams } = await start({
      upstreams: ['a', 'b'],
      config: ({ a, b }) => config(a, b, true),
    });
    upstreams.a.fail({ streamCutAfter: 2 });
    upstreams.b.fail({ status: 500 });
    const { payloads } = await streamText(url);
    assert.match(payloads.at(-1) ?? '', /"error"/);
    assert.ok(!payloads.includes('[DONE]'));
  });
});

interface RawAnswer {
  readonly head: string;
  readonly body: string;
  /** The server ended the connection by itself after the answer. */
  readonly closedByServer: boolean;
}

/**
 * One POST over a fresh socket, written by hand so the HTTP version is ours to choose. An
 * HTTP/1.1 answer is complete at its chunked terminator; an HTTP/1.0 one when the server closes.
 */
function rawRequest(url: string, version: string, body: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let settled = false;
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const split = received.indexOf('\r\n\r\n');
      resolve({
        head: received.slice(0, split + 2),
        body: received.slice(split + 4),
        closedByServer,
      });
    };
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (text: string) => {
      received += text;
      if (version === 'HTTP/1.1' && received.endsWith('\r\n0\r\n\r\n')) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.write(
      `POST /v1/chat/completions ${version}\r\nhost: ${hostname}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
