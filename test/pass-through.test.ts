/**
 * Answers in the gateway's own format (OpenAI and compatible servers) go to the client as the
 * text they came in, not re-serialised (src/core/source-text.ts): byte for byte for JSON
 * answers and stream chunks, one line per event even when the upstream spread a chunk over
 * several `data:` lines, and re-serialised again whenever the gateway changes a chunk.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { ServerResponse } from 'node:http';
import {
  startLoopbackServer,
  type LoopbackServer,
} from '../src/providers/testing/loopback-server.ts';
import { E2E_SUITE, useGateways } from './helpers/gateway-fixture.ts';
import { chat, sseData } from './helpers/http.ts';

const start = useGateways();

/** Unusual but valid JSON: spacing, key order and an extra field the gateway knows nothing of. */
const ANSWER_TEXT =
  '{"id":"chatcmpl-pt","object":"chat.completion","created":1,"model":"gpt-4o-mini",' +
  '"x_vendor":{"b":1,"a":[1.50,2]},"choices":[{"index":0,"message":{"role":"assistant",' +
  '"content":"caf\\u00e9"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,' +
  '"completion_tokens":2,"total_tokens":5}}';

const chunk = (content: string, extra = ''): string =>
  `{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini",${extra}` +
  `"choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}`;

function sse(response: ServerResponse, events: readonly string[]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.end(events.join(''));
}

void describe('answers passed through as they came', E2E_SUITE, () => {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function gatewayBefore(handler: Parameters<typeof startLoopbackServer>[0]) {
    const upstream = await startLoopbackServer(handler);
    servers.push(upstream);
    return start({
      config: () => `
model_list:
  - model_name: pt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: k }
`,
    });
  }

  void test('a JSON answer reaches the client byte for byte, as JSON', async () => {
    const { url } = await gatewayBefore((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(ANSWER_TEXT);
    });
    const response = await chat(url, 'pt');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(await response.text(), ANSWER_TEXT);
  });

  void test('stream chunks reach the client as they came, one event per line', async () => {
    const first = chunk('Hel', '"x_vendor":{"b":1}, ');
    const second = chunk('lo');
    // Between two members: a newline there is JSON whitespace.
    const cut = second.indexOf('"created"');
    const { url } = await gatewayBefore((_request, response) =>
      sse(response, [
        `data: ${first}\n\n`,
        // One JSON object over two data lines: legal SSE, must not break the client's framing.
        `data: ${second.slice(0, cut)}\ndata: ${second.slice(cut)}\n\n`,
        'data: [DONE]\n\n',
      ]),
    );
    const response = await chat(url, 'pt', { stream: true });
    const text = await response.text();
    const events = sseData(text);
    assert.equal(events[0], first);
    assert.deepEqual(
      JSON.parse(events[1]!),
      JSON.parse(`${second.slice(0, cut)}\n${second.slice(cut)}`),
    );
    assert.equal(events[1]!.includes('\n'), false);
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(text.split('\n').filter((line) => line.startsWith('data: ')).length, 3);
  });
});
